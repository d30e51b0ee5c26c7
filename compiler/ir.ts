/**
 * The compiled IR: what the compiler hands to the runtime, the server, the inspector
 * and the code generator. It is JSON-safe (no functions, no Maps, no class instances)
 * so it can be stored by hash in SQLite (DESIGN D-R5) and sent over the wire.
 *
 * Stability: fields are only ever added. `IR_VERSION` changes when a field changes
 * meaning, so a stored job can tell which compiler produced its flow.
 */
import type { ExprNode } from '../grammars/expr/ast.js';
import type { JobMachineConfig } from './job-machine.js';

export const IR_VERSION = 1;

/** 1-based line/column of a YAML node, plus its character offsets in the file. */
export interface SourceLoc {
  file: string;
  line: number;
  column: number;
  /** Offsets [start, end) in the source text. */
  offset: number;
  endOffset: number;
}

/** An expression parsed at compile time (SPEC §2). `ast` is null only when `source` did not parse (never in an IR that compiled without errors). */
export interface CompiledExpr {
  source: string;
  ast: ExprNode | null;
  /** Names the expression reads from its scope (free variables), for checks and tooling. */
  names: string[];
  loc?: SourceLoc;
}

export type VarType = 'str' | 'text' | 'number' | 'bool' | 'choice' | 'session';

/** A declared job variable from `inputs:` or `config:` (F-3). */
export interface VarDecl {
  name: string;
  /** `inputs` = per-run, `config` = set-and-forget; both surface as `$job.<name>`. */
  origin: 'inputs' | 'config';
  type: VarType;
  description: string;
  /** Present only when the YAML had a `default` key. */
  default?: unknown;
  hasDefault: boolean;
  required: boolean;
  example?: string;
  options?: unknown[];
  sensitive: boolean;
}

/** A typed output field (F-6.1, D-13). Untyped outputs get type `str`, required true. */
export interface OutputSpec {
  name: string;
  type: VarType;
  required: boolean;
  default?: unknown;
  hasDefault: boolean;
  description: string;
  options?: unknown[];
  multiple?: boolean;
  min?: number;
  max?: number;
}

/** One source of a binding: `$job.<field>` or `<step>.<field>[.<path>…]` (F-7.2). */
export interface BindingSource {
  /** Step name, or the literal `$job`. */
  step: string;
  /** First path segment (the output name, or the job input name). */
  field: string;
  /** Remaining dotted path segments after `field`. */
  path: string[];
}

/** An input binding of a step (F-7). */
export interface Binding {
  local: string;
  kind: 'job' | 'step' | 'any_of';
  /** One source for `job`/`step`, two or more for `any_of`, in list order (E-4.3). */
  sources: BindingSource[];
  optional: boolean;
  /** Loop-back edge (V-3): resolves as absent on the first pass of its closing loop (E-4.4). */
  backEdge: boolean;
  /** The loop target (frame id) that closes this back-edge. */
  closingLoop?: string;
  loc?: SourceLoc;
}

/** `after:` entries: a step name, or a group of which one member suffices (F-8.1). */
export type AfterEntry = { kind: 'step'; step: string } | { kind: 'any_of'; steps: string[] };

/** `when:` as an expression string or the strict predicate mapping. */
export type WhenClause =
  | { kind: 'expr'; expr: CompiledExpr }
  | { kind: 'const'; value: boolean }
  | {
      kind: 'predicate';
      input: string;
      op: 'eq' | 'in' | 'is_null' | 'is_present';
      value: unknown;
      loc?: SourceLoc;
    };

export type ExitAction = 'advance' | 'loop' | 'escalate' | 'abandon';

/** An exit rule (E-9). `when` is null when the YAML value was not a string (never matches, CT-21). */
export interface ExitRule {
  name: string;
  when: CompiledExpr | null;
  action: ExitAction;
  target?: string;
  maxIterations?: number;
  loc?: SourceLoc;
}

export interface DecoratorSpec {
  type: 'retry' | 'timeout' | 'fallback' | 'notification';
  config: Record<string, unknown>;
}

export interface StepLimits {
  maxCostUsd?: number;
  maxDurationMinutes?: number;
  maxIterations?: number;
  /** Circuit breaker threshold (E-11.3); 0 disables. */
  maxInfraRetries: number;
}

export interface CacheSpec {
  enabled: boolean;
  /** Seconds; undefined = executor default (E-18.2). */
  ttlSeconds?: number;
  keyExtra: string;
}

export type StepKind = 'script' | 'external' | 'poll' | 'llm' | 'agent' | 'mock_llm' | 'for_each' | 'sub_flow';

/** A step after compilation. Executor config keeps raw template strings; the runtime renders them at launch (T-1). */
export interface CompiledStep {
  name: string;
  /** Index in declaration order. */
  index: number;
  kind: StepKind;
  description: string;
  /** Executor type (`script`, `external`, …) and its config as read from YAML (F-5). For scripts, `config.command` is the `run:` string. */
  executor: { type: string; config: Record<string, unknown> };
  inputs: Binding[];
  after: AfterEntry[];
  afterResolved: string[];
  when: WhenClause | null;
  /** Declared outputs; empty when the step declares none (then no artifact validation). */
  outputs: OutputSpec[];
  /** True when `outputs:`/`output_fields:` was a mapping (typed fields, external fulfilment schema). */
  outputsTyped: boolean;
  exits: ExitRule[];
  derivedOutputs: { name: string; expr: CompiledExpr }[];
  decorators: DecoratorSpec[];
  idempotency: string;
  limits: StepLimits;
  cache: CacheSpec | null;
  onError: 'fail' | 'continue';
  forEach?: {
    source: BindingSource;
    as: string;
    onError: 'fail_fast' | 'continue';
    stalePendingTimeoutSeconds: number;
    flow: CompiledFlow;
  };
  subFlow?: { ref: string; flow: CompiledFlow };
  session?: string;
  forkFrom?: string;
  /** Loop-internal ("boomerang") step: has exits, no advance rule, ≥1 loop rule (E-12.4). */
  loopInternal: boolean;
  /** Lies on a dependency cycle with no external step on it (E-5.4b). */
  onCycle: boolean;
  /** Names of steps this step loops to (targets of its `loop` rules). */
  loopTargets: string[];
  loc?: SourceLoc;
}

/**
 * The dependency index (D-R1): lets the runtime recompute readiness only for the
 * dependents of a step that changed, never by scanning every step.
 */
export interface DependencyIndex {
  /** step → steps it depends on by any edge (inputs incl. optional/any_of, after, after_resolved, for_each source). */
  dependsOn: Record<string, string[]>;
  /** step → steps that depend on it (reverse of dependsOn). */
  dependents: Record<string, string[]>;
  /** loop target → steps whose `loop` rules target it. */
  loopers: Record<string, string[]>;
  /** loop target T → steps forward-reachable from T that reach its looper (the loop body), for frame bookkeeping (E-10.4). */
  loopBody: Record<string, string[]>;
  /** loop target → its parent frame (innermost other loop target from which it is forward-reachable), E-10.4. */
  parentFrame: Record<string, string | null>;
}

export interface CompiledFlow {
  irVersion: number;
  /** sha256 of the canonical JSON of everything below except `hash` and locations. */
  hash: string;
  name: string;
  description: string;
  author?: string;
  version: string;
  visibility: 'interactive' | 'background' | 'internal';
  /** F-2 `archived`: hidden from listings, still runnable. Present only when true. */
  archived?: boolean;
  /** F-2 `forked_from` (metadata). */
  forkedFrom?: string;
  /** F-2 `requires`: advisory tool requirements, as written (strings or `{name, description, check, install, url}`). */
  requires?: (string | { name: string; description?: string; check?: string; install?: string; url?: string })[];
  /** Absolute path of the source file, when file-backed. */
  sourceFile?: string;
  /** Directory assets (prompt files, scripts) are resolved against. */
  flowDir?: string;
  /** `inputs:` and `config:` declarations, merged (both are `$job.<name>`). */
  vars: VarDecl[];
  /** `$job.<field>` names bound non-optionally by top-level steps (CLI-5 required-input check). */
  jobFieldsUsed: string[];
  steps: CompiledStep[];
  entry: string[];
  terminal: string[];
  deps: DependencyIndex;
  /** The job lifecycle machine lowered from this flow (D-R1): plain XState config the runtime drives with `transition()`. */
  machine: JobMachineConfig;
}
