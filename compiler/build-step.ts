/**
 * Build one step: kind selection (F-4), executor config (F-5, F-5.1), then every other
 * key through the specialised builders. Unknown keys are warnings with a did-you-mean.
 */
import { isAbsolute, resolve } from 'node:path';
import { isMap, type Node, type YAMLMap } from 'yaml';
import { buildAfter, buildInputs, buildWhen } from './build-bindings.js';
import { buildDelegating, type NestedCompiler } from './build-delegating.js';
import { buildOutputs } from './build-outputs.js';
import { buildCache, buildDecorators, buildDerived, buildExits, buildLimits, readEnum } from './build-policies.js';
import type { CompiledStep, StepKind } from './ir.js';
import type { StepModel } from './model.js';
import { didYouMean, entries, IDENT, locOf, report, toJS, typeName, type SourceContext } from './source-context.js';
import { readSource } from './source-fs.js';
import { EXECUTOR_TYPES } from './flow-vocabulary.js';


/** Keys each executor reads from the step mapping (F-5). */
const EXECUTOR_KEYS: Record<string, string[]> = {
  script: ['command'],
  external: ['prompt'],
  poll: ['check_command', 'interval_seconds', 'prompt'],
  llm: ['prompt', 'model', 'system', 'temperature', 'max_tokens'],
  agent: ['prompt', 'output_mode', 'output_path', 'emit_flow', 'working_dir', 'permissions', 'agent', 'containment', 'loop_prompt', 'max_continuous_attempts'],
  mock_llm: ['failure_rate', 'partial_rate', 'latency_range', 'responses'],
};
const PROMPT_TYPES = new Set(['llm', 'agent', 'external']);

const COMMON_KEYS = [
  'description', 'run', 'executor', 'config', 'prompt_file', 'outputs', 'output_fields', 'inputs', 'after', 'after_resolved',
  'sequencing', 'when', 'for_each', 'as', 'on_error', 'stale_pending_timeout', 'flow', 'exits', 'decorators', 'idempotency',
  'limits', 'cache', 'derived_outputs', 'session', 'fork_from', 'continue_session',
];
export const STEP_KEYS = new Set([...COMMON_KEYS, ...Object.values(EXECUTOR_KEYS).flat()]);

function emptyStep(name: string, index: number): CompiledStep {
  return {
    name, index, kind: 'script', description: '', executor: { type: 'script', config: {} }, inputs: [], after: [], afterResolved: [],
    when: null, outputs: [], outputsTyped: false, exits: [], derivedOutputs: [], decorators: [], idempotency: 'idempotent',
    limits: { maxInfraRetries: 3 }, cache: null, onError: 'fail', loopInternal: false, onCycle: false, loopTargets: [],
  };
}

export function buildStep(ctx: SourceContext, name: string, index: number, node: Node | null, nameNode: Node | null, nested: NestedCompiler, containment?: string): StepModel {
  const step = emptyStep(name, index);
  const m: StepModel = {
    step, ctx, keys: new Map(), bindings: [], afterLocs: new Map(), exitTargetLocs: new Map(), outputLocs: new Map(), templates: [], broken: false,
  };
  step.loc = locOf(ctx, nameNode ?? node);
  // A dot would split bindings (`step.field`), a slash or space would break file names and commands.
  if (!/^[^\s./\\$][^\s./\\]*$/u.test(name)) {
    report(ctx, 'FLOW_BAD_NAME', nameNode, `Step name '${name}' must not be empty or contain '.', '/', '\\' or spaces, nor start with '$'`, { hint: 'Use letters, digits, `_` and `-`, e.g. `review-draft`.' });
    m.broken = true;
  }
  if (!node || !isMap(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node ?? nameNode, `Step '${name}' must be a mapping, got ${typeName(ctx, node)}`);
    m.broken = true;
    return m;
  }
  for (const { key, keyNode, value } of entries(ctx, node)) {
    m.keys.set(key, value);
    if (!STEP_KEYS.has(key)) {
      const guess = didYouMean(key, STEP_KEYS);
      report(ctx, 'FLOW_UNKNOWN_KEY', keyNode, `Step '${name}': unknown key '${key}'`, { hint: guess ? `Did you mean '${guess}'?` : 'Remove it; see `stepwise schema` for step keys.' });
    }
  }
  const k = (key: string) => m.keys.get(key) ?? null;
  const has = (key: string) => m.keys.has(key);
  if (has('description')) step.description = String(toJS(ctx, k('description')) ?? '');

  step.kind = selectKind(m);
  warnUnreadKeys(m);
  if (step.kind !== 'for_each' && step.kind !== 'sub_flow') buildExecutor(m, node, containment);

  const outKey = has('outputs') ? 'outputs' : 'output_fields';
  if (has('outputs') && has('output_fields')) report(ctx, 'FLOW_CONFLICTING_KEYS', node.get('output_fields', true) as Node, `Step '${name}': both 'outputs' and its alias 'output_fields'`);
  buildOutputs(m, k(outKey), outKey);
  buildInputs(m, k('inputs'));
  if (has('after') && has('sequencing')) {
    report(ctx, 'FLOW_CONFLICTING_KEYS', k('sequencing'), `Step '${name}': 'sequencing' is a deprecated alias of 'after'; both are present`);
    m.broken = true;
  }
  step.after = buildAfter(m, 'after', k('after') ?? k('sequencing'), true);
  step.afterResolved = buildAfter(m, 'after_resolved', k('after_resolved'), false).flatMap((e) => (e.kind === 'step' ? [e.step] : []));
  step.when = buildWhen(m, k('when'));
  buildExits(m, k('exits'));
  buildDecorators(m, k('decorators'));
  buildLimits(m, k('limits'));
  buildCache(m, k('cache'));
  buildDerived(m, k('derived_outputs'));
  // for_each reads `on_error` as its item policy (F-10.1).
  if (step.kind !== 'for_each') step.onError = readEnum(m, 'on_error', k('on_error'), ['fail', 'continue'] as const, 'fail');
  if (has('idempotency')) step.idempotency = String(toJS(ctx, k('idempotency')));
  buildSession(m);
  if (step.kind === 'for_each' || step.kind === 'sub_flow') buildDelegating(m, nested);
  return m;
}

const COMMON = new Set(COMMON_KEYS);

/** F-5: executor keys another executor type would read are silently ignored by the reference; we say so. */
function warnUnreadKeys(m: StepModel): void {
  const { step } = m;
  const reads = new Set(EXECUTOR_KEYS[step.kind] ?? []);
  for (const key of m.keys.keys()) {
    if (COMMON.has(key) || reads.has(key) || !STEP_KEYS.has(key)) continue;
    const readers = Object.keys(EXECUTOR_KEYS).filter((t) => EXECUTOR_KEYS[t]!.includes(key));
    const node = m.keys.get(key) ?? null;
    report(m.ctx, 'FLOW_IGNORED_KEY', node ?? step.loc ?? null, `Step '${step.name}': '${key}' is not read by ${step.kind} steps (only by ${readers.join(', ')})`, { hint: `Remove '${key}', or change the step's executor.` });
  }
}

function selectKind(m: StepModel): StepKind {
  const { ctx, step } = m;
  const has = (key: string) => m.keys.has(key);
  if (has('flow') && !has('for_each')) {
    if (has('run') || has('executor')) {
      report(ctx, 'FLOW_CONFLICTING_KEYS', m.keys.get('flow') ?? null, `Step '${step.name}': cannot combine flow with run/executor`);
      m.broken = true;
    }
    return 'sub_flow';
  }
  if (has('for_each')) return 'for_each';
  if (has('run')) return 'script';
  if (has('executor')) {
    const v = toJS(ctx, m.keys.get('executor') ?? null);
    if (typeof v === 'string' && (EXECUTOR_TYPES as readonly string[]).includes(v)) return v as StepKind;
    const guess = typeof v === 'string' ? didYouMean(v, EXECUTOR_TYPES) : undefined;
    report(ctx, 'FLOW_UNKNOWN_EXECUTOR', m.keys.get('executor') ?? null, `Step '${step.name}': unknown executor type '${String(v)}'`, guess ? { hint: `Did you mean '${guess}'?` } : {});
    m.broken = true;
    return 'script';
  }
  report(ctx, 'FLOW_NO_EXECUTOR', step.loc ?? null, `Step '${step.name}' must have either 'run' or 'executor'`);
  m.broken = true;
  return 'script';
}

function buildExecutor(m: StepModel, node: YAMLMap, containment?: string): void {
  const { ctx, step } = m;
  const type = step.kind;
  const config: Record<string, unknown> = {};
  step.executor = { type, config };
  const get = (key: string) => (m.keys.has(key) ? toJS(ctx, m.keys.get(key) ?? null) : undefined);
  if (m.keys.has('run')) {
    const run = get('run');
    if (typeof run !== 'string' || run.trim() === '') {
      report(ctx, 'FLOW_BAD_TYPE', m.keys.get('run') ?? node, `Step '${step.name}': 'run' must be a non-empty command string`);
      m.broken = true;
    } else {
      config.command = pythonScriptCommand(run);
      m.templates.push({ key: 'run', text: run, node: m.keys.get('run') ?? null, prompt: false });
    }
    if (m.keys.has('executor') && get('executor') !== 'script') report(ctx, 'FLOW_IGNORED_KEY', m.keys.get('executor') ?? null, `Step '${step.name}': 'executor' is ignored because 'run' is present (F-4)`);
    return;
  }
  for (const key of EXECUTOR_KEYS[type] ?? []) if (m.keys.has(key)) config[key] = get(key);
  if (type === 'poll') {
    const cfg = get('config');
    if (cfg && typeof cfg === 'object' && !Array.isArray(cfg)) {
      for (const key of ['check_command', 'interval_seconds']) if (config[key] === undefined && key in cfg) config[key] = (cfg as Record<string, unknown>)[key];
    }
    if (typeof config.check_command !== 'string' || config.check_command.trim() === '') {
      report(ctx, 'FLOW_MISSING_KEY', step.loc ?? null, `Step '${step.name}': poll executor needs 'check_command'`);
      m.broken = true;
    } else m.templates.push({ key: 'check_command', text: config.check_command, node: m.keys.get('check_command') ?? null, prompt: false });
    if (config.interval_seconds === undefined) config.interval_seconds = 60;
    else if (typeof config.interval_seconds !== 'number' || config.interval_seconds <= 0) {
      report(ctx, 'FLOW_BAD_VALUE', m.keys.get('interval_seconds') ?? null, `Step '${step.name}': 'interval_seconds' must be a positive number`);
      m.broken = true;
    }
  } else if (m.keys.has('config')) {
    report(ctx, 'FLOW_IGNORED_KEY', m.keys.get('config') ?? null, `Step '${step.name}': 'config' is only read by poll steps`);
  }
  if (type === 'script' && m.keys.has('command')) {
    // The reference drops `command:` for `executor: script` [QUIRK]; we run it and say so.
    config.command = get('command');
    report(ctx, 'FLOW_IGNORED_KEY', m.keys.get('command') ?? null, `Step '${step.name}': prefer 'run:' over 'executor: script' + 'command:'`, { hint: 'Write `run: <command>`.' });
  }
  readPromptFile(m, config);
  if ((type === 'llm' || type === 'agent') && typeof config.prompt !== 'string') {
    report(ctx, 'FLOW_MISSING_KEY', step.loc ?? null, `Step '${step.name}': ${type} executor needs 'prompt' or 'prompt_file'`);
    m.broken = true;
  }
  if (type === 'agent') {
    if (containment !== undefined && config.containment === undefined) config.containment = containment;
    if (m.keys.has('fork_from') && config.agent === undefined) config.agent = 'claude';
  }
  if (config.prompt !== undefined && typeof config.prompt !== 'string') {
    report(ctx, 'FLOW_BAD_TYPE', m.keys.get('prompt') ?? null, `Step '${step.name}': 'prompt' must be a string`);
    m.broken = true;
  }
  const isPrompt = PROMPT_TYPES.has(type);
  for (const key of ['prompt', 'loop_prompt']) {
    if (typeof config[key] === 'string') m.templates.push({ key, text: config[key] as string, node: m.keys.get(key) ?? m.keys.get('prompt_file') ?? null, prompt: isPrompt });
  }
}

function readPromptFile(m: StepModel, config: Record<string, unknown>): void {
  const { ctx, step } = m;
  if (!m.keys.has('prompt_file')) return;
  const node = m.keys.get('prompt_file') ?? null;
  const rel = toJS(ctx, node);
  if (m.keys.has('prompt')) {
    report(ctx, 'FLOW_PROMPT_FILE', node, `Step '${step.name}': 'prompt' and 'prompt_file' are both set`);
    m.broken = true;
    return;
  }
  if (typeof rel !== 'string' || rel === '') {
    report(ctx, 'FLOW_PROMPT_FILE', node, `Step '${step.name}': 'prompt_file' must be a path string`);
    m.broken = true;
    return;
  }
  if (!ctx.baseDir && !isAbsolute(rel)) {
    report(ctx, 'FLOW_PROMPT_FILE', node, `Step '${step.name}': prompt_file '${rel}' cannot be resolved: the flow has no directory`, { hint: 'Compile the flow from a file, or inline the prompt with `prompt:`.' });
    m.broken = true;
    return;
  }
  const path = resolve(ctx.baseDir ?? '/', rel);
  try {
    config.prompt = readSource(path);
  } catch (e) {
    report(ctx, 'FLOW_PROMPT_FILE', node, `Step '${step.name}': cannot read prompt_file '${rel}' (${(e as NodeJS.ErrnoException).code ?? 'error'}: ${path})`);
    m.broken = true;
  }
}

function buildSession(m: StepModel): void {
  const { ctx, step } = m;
  const session = m.keys.get('session');
  if (m.keys.has('session')) {
    const v = toJS(ctx, session ?? null);
    if (typeof v !== 'string' || !IDENT.test(v)) {
      report(ctx, 'FLOW_SESSION', session ?? null, `Step '${step.name}': session must be an identifier, got ${JSON.stringify(v)}`, { hint: 'Session names are literal identifiers; templating like ${x} is not allowed.' });
      m.broken = true;
    } else step.session = v;
    if (m.keys.has('continue_session')) {
      report(ctx, 'FLOW_CONFLICTING_KEYS', m.keys.get('continue_session') ?? null, `Step '${step.name}': 'continue_session' cannot be combined with 'session'`);
      m.broken = true;
    }
  }
  if (m.keys.has('fork_from')) {
    const v = toJS(ctx, m.keys.get('fork_from') ?? null);
    if (typeof v !== 'string' || v === '') {
      report(ctx, 'FLOW_SESSION', m.keys.get('fork_from') ?? null, `Step '${step.name}': 'fork_from' must be a step name or '$job.<input>'`);
      m.broken = true;
    } else step.forkFrom = v;
  }
}

/**
 * F-5: `run: analyze.py` means `python3 analyze.py`. Only a bare script path is prefixed:
 * `python3 x.py` or `env A=1 python3 x.py` already name their interpreter (prefixing those
 * would run `python3 python3 x.py`).
 */
export function pythonScriptCommand(run: string): string {
  const trimmed = run.trim();
  return /^[^\s;|&<>()$`'"]+\.py$/.test(trimmed) ? `python3 ${trimmed}` : run;
}

