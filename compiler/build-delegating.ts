/**
 * Build: steps that delegate to a whole flow — `for_each` (F-10) and sub-flow steps
 * (F-11). The body flow is compiled recursively (inline mapping, file path, project
 * name or registry ref); D-10 keys that make no sense on them are rejected.
 */
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { parseSource } from './build-bindings.js';
import { readEnum } from './build-policies.js';
import type { CompiledFlow, VarDecl } from './ir.js';
import type { StepModel } from './model.js';
import { IDENT, report, toJS, typeName, type SourceContext, isNullNode } from './source-context.js';

export interface NestedCompiler {
  /** Compile an inline `flow:` mapping; `inferred` vars are used when it has no `inputs:` (F-10.2). */
  inline(parent: SourceContext, node: YAMLMap, prefix: string, inferred: VarDecl[] | null): CompiledFlow | null;
  /** Compile a `flow:` string reference (F-11.1). */
  ref(parent: SourceContext, ref: string, node: Node, prefix: string): CompiledFlow | null;
}

const UNSUPPORTED = ['exits', 'limits', 'decorators', 'cache', 'derived_outputs'];

export function buildDelegating(m: StepModel, nested: NestedCompiler): void {
  const { ctx, step } = m;
  const kindName = step.kind === 'for_each' ? 'for_each' : 'sub-flow';
  for (const key of UNSUPPORTED) {
    if (m.keys.has(key)) {
      report(ctx, 'FLOW_UNSUPPORTED_ON_DELEGATING_STEP', m.keys.get(key) ?? step.loc ?? null, `Step '${step.name}': '${key}' is not supported on ${kindName} steps (D-10)`);
      m.broken = true;
    }
  }
  step.exits = [];
  step.decorators = [];
  step.derivedOutputs = [];
  step.cache = null;
  if (m.keys.has('idempotency')) report(ctx, 'FLOW_IGNORED_KEY', m.keys.get('idempotency') ?? null, `Step '${step.name}': 'idempotency' has no effect on ${kindName} steps`);
  if (step.kind === 'for_each' && m.keys.has('session')) {
    report(ctx, 'FLOW_SESSION', m.keys.get('session') ?? null, `Step '${step.name}': 'session' is not allowed on for_each steps`);
    m.broken = true;
  }
  for (const key of ['run', 'executor', 'prompt_file']) {
    if (m.keys.has(key) && step.kind === 'for_each') report(ctx, 'FLOW_IGNORED_KEY', m.keys.get(key) ?? null, `Step '${step.name}': '${key}' is ignored on for_each steps (the body flow does the work)`);
  }
  step.executor = { type: step.kind, config: {} };
  const prefix = `${ctx.prefix}Step '${step.name}' sub-flow: `;
  const flowNode = m.keys.get('flow') ?? null;
  if (step.kind === 'for_each') buildForEach(m, flowNode, prefix, nested);
  else {
    if (step.outputs.length === 0) {
      report(ctx, 'FLOW_MISSING_KEY', step.loc ?? null, `Step '${step.name}': sub-flow steps must declare 'outputs'`, { hint: 'List the outputs the step takes from the sub-flow\'s terminal steps.' });
      m.broken = true;
    }
    const flow = compileBody(m, flowNode, prefix, nested, null);
    if (flow) {
      step.subFlow = { ref: flowNode && isScalar(flowNode) ? String(flowNode.value) : '<inline>', flow };
      checkContract(m, flow, flowNode);
    } else m.broken = true;
  }
}

function buildForEach(m: StepModel, flowNode: Node | null, prefix: string, nested: NestedCompiler): void {
  const { ctx, step } = m;
  const src = parseSource(ctx, m.keys.get('for_each') ?? null, `Step '${step.name}' for_each`, false);
  let as = 'item';
  if (m.keys.has('as')) {
    const v = toJS(ctx, m.keys.get('as') ?? null);
    if (typeof v !== 'string' || !IDENT.test(v)) {
      report(ctx, 'FLOW_BAD_NAME', m.keys.get('as') ?? null, `Step '${step.name}': 'as' must be an identifier`);
      m.broken = true;
    } else as = v;
  }
  const onError = readEnum(m, 'on_error', m.keys.get('on_error') ?? null, ['fail_fast', 'continue'] as const, 'fail_fast');
  let stale = 60;
  if (m.keys.has('stale_pending_timeout')) {
    const v = toJS(ctx, m.keys.get('stale_pending_timeout') ?? null);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      report(ctx, 'FLOW_BAD_VALUE', m.keys.get('stale_pending_timeout') ?? null, `Step '${step.name}': 'stale_pending_timeout' must be a positive integer (seconds)`);
      m.broken = true;
    } else stale = v;
  }
  if (step.outputs.length === 0) step.outputs.push({ name: 'results', type: 'str', required: true, hasDefault: false, description: '' });
  // F-10.2: an inline body without `inputs:` gets one var per parent binding plus the item.
  const inferred: VarDecl[] = step.inputs.map((b) => ({
    name: b.local, origin: 'inputs', type: b.sources[0]?.field === '_session' ? 'session' : 'str', description: '', hasDefault: false, required: !b.optional, sensitive: false,
  }));
  if (!inferred.some((v) => v.name === as)) inferred.push({ name: as, origin: 'inputs', type: 'str', description: '', hasDefault: false, required: true, sensitive: false });
  const flow = compileBody(m, flowNode, prefix, nested, inferred);
  if (!src || !flow) {
    m.broken = true;
    return;
  }
  step.forEach = { source: src, as, onError, stalePendingTimeoutSeconds: stale, flow };
}

function compileBody(m: StepModel, flowNode: Node | null, prefix: string, nested: NestedCompiler, inferred: VarDecl[] | null): CompiledFlow | null {
  const { ctx, step } = m;
  if (!flowNode || isNullNode(ctx, flowNode)) {
    report(ctx, 'FLOW_MISSING_KEY', step.loc ?? null, `Step '${step.name}': ${step.kind === 'for_each' ? 'for_each' : 'sub-flow'} step needs 'flow' (an inline mapping with steps, or a reference)`);
    return null;
  }
  if (isMap(flowNode)) return nested.inline(ctx, flowNode, prefix, inferred);
  const v = toJS(ctx, flowNode);
  if (typeof v !== 'string' || v.trim() === '') {
    report(ctx, 'FLOW_BAD_TYPE', flowNode, `Step '${step.name}': 'flow' must be a mapping with 'steps' or a flow reference string, got ${typeName(ctx, flowNode)}`);
    return null;
  }
  return nested.ref(ctx, v.trim(), flowNode, prefix);
}

/** F-11.2: the sub-flow has terminal steps and each declares every output of the caller. */
function checkContract(m: StepModel, flow: CompiledFlow, at: Node | null): void {
  const { ctx, step } = m;
  if (flow.terminal.length === 0) {
    report(ctx, 'FLOW_SUB_FLOW', at, `Step '${step.name}': sub-flow has no terminal steps`);
    m.broken = true;
    return;
  }
  const wanted = step.outputs.map((o) => o.name);
  for (const t of flow.terminal) {
    const ts = flow.steps.find((s) => s.name === t);
    const have = new Set([...(ts?.outputs ?? []).map((o) => o.name), ...(ts?.derivedOutputs ?? []).map((d) => d.name)]);
    const missing = wanted.filter((w) => !have.has(w));
    if (missing.length) {
      report(ctx, 'FLOW_SUB_FLOW', at, `Step '${step.name}': sub-flow terminal step '${t}' missing outputs [${missing.map((x) => `'${x}'`).join(', ')}]`);
      m.broken = true;
    }
  }
}
