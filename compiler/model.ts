/**
 * The build stage's output: IR steps under construction plus the YAML positions the
 * check passes need to point at (kept beside the IR so the IR stays JSON-safe).
 */
import type { Node } from 'yaml';
import type { Binding, CompiledFlow, CompiledStep, ExitRule, SourceLoc, VarDecl } from './ir.js';
import type { SourceContext } from './source-context.js';

export interface BindingInfo {
  binding: Binding;
  /** One location per source (any_of entries point at their own list item). */
  sourceLocs: (SourceLoc | undefined)[];
}

export interface StepModel {
  step: CompiledStep;
  ctx: SourceContext;
  /** Value node of each key present in the step mapping. */
  keys: Map<string, Node | null>;
  bindings: BindingInfo[];
  /** Location of each `after`/`after_resolved` name (parallel to the entries flattened). */
  afterLocs: Map<string, SourceLoc | undefined>;
  exitTargetLocs: Map<ExitRule, SourceLoc | undefined>;
  /** Locations of the `outputs:` entries by name. */
  outputLocs: Map<string, SourceLoc | undefined>;
  /** Per template-bearing key, the raw text and its YAML node (D-1 checks). */
  templates: { key: string; text: string; node: Node | null; prompt: boolean }[];
  /** Set when the build found an error in this step (graph checks then go easy on it). */
  broken: boolean;
}

export interface FlowModel {
  ctx: SourceContext;
  name: string;
  description: string;
  author?: string;
  version: string;
  visibility: CompiledFlow['visibility'];
  archived: boolean;
  forkedFrom?: string;
  requires?: CompiledFlow['requires'];
  vars: VarDecl[];
  /** True when the flow has an `inputs:` or `config:` block (V-6 warnings). */
  declaresVars: boolean;
  varLocs: Map<string, SourceLoc | undefined>;
  steps: StepModel[];
  byName: Map<string, StepModel>;
  sourceFile?: string;
  flowDir?: string;
  /** True for nested flows (for_each / sub-flow bodies): some warnings are parent-scoped. */
  nested: boolean;
}
