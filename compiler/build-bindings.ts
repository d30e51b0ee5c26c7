/**
 * Build: the data-flow keys of a step — `inputs:` bindings (F-7), `after`/
 * `after_resolved`/`sequencing` (F-8) and `when:` (F-9).
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { AfterEntry, Binding, BindingSource, WhenClause } from './ir.js';
import type { BindingInfo, StepModel } from './model.js';
import { parseExpr } from './parse-expr.js';
import { entries, IDENT, locOf, report, toJS, typeName, type SourceContext, isNullNode } from './source-context.js';

const BAD_SOURCE = "Expected 'step_name.field_name' or '$job.field_name'";

/** `"$job.x"` or `"step.field.path"`; null (after reporting) when malformed. */
export function parseSource(ctx: SourceContext, node: Node | null, what: string, allowJob = true): BindingSource | null {
  const value = node && isScalar(node) ? node.value : undefined;
  if (typeof value !== 'string') {
    report(ctx, 'FLOW_BAD_BINDING', node, `${what}: ${BAD_SOURCE}, got ${typeName(ctx, node)}`);
    return null;
  }
  const s = value.trim();
  const dot = s.indexOf('.');
  if (dot <= 0 || dot === s.length - 1) {
    report(ctx, 'FLOW_BAD_BINDING', node, `${what}: ${BAD_SOURCE}, got '${s}'`);
    return null;
  }
  const step = s.slice(0, dot);
  const parts = s.slice(dot + 1).split('.');
  if (parts.some((p) => p === '')) {
    report(ctx, 'FLOW_BAD_BINDING', node, `${what}: empty path segment in '${s}'`);
    return null;
  }
  if (step === '$job' && !allowJob) {
    report(ctx, 'FLOW_BAD_BINDING', node, `${what}: '$job' cannot be used here ('${s}')`, { hint: "Use 'step_name.field_name'." });
    return null;
  }
  if (step.startsWith('$') && step !== '$job') {
    report(ctx, 'FLOW_BAD_BINDING', node, `${what}: unknown source '${step}' in '${s}'`, { hint: "Write '$job.field_name' for a job input." });
    return null;
  }
  return { step, field: parts[0]!, path: parts.slice(1) };
}

function buildAnyOf(ctx: SourceContext, local: string, list: Node | null, optional: boolean, at: Node): BindingInfo | null {
  if (!list || !isSeq(list)) {
    report(ctx, 'FLOW_BAD_BINDING', list ?? at, `Input '${local}': any_of must be a list of at least 2 'step.field' strings`);
    return null;
  }
  const sources: BindingSource[] = [];
  const sourceLocs = [];
  for (const item of list.items as Node[]) {
    const src = parseSource(ctx, item, `Input '${local}' any_of entry`, false);
    if (src) {
      sources.push(src);
      sourceLocs.push(locOf(ctx, item));
    }
  }
  if (list.items.length < 2) {
    report(ctx, 'FLOW_BAD_BINDING', list, `Input '${local}': any_of needs at least 2 sources, got ${list.items.length}`);
    return null;
  }
  if (sources.length !== list.items.length) return null;
  const binding: Binding = { local, kind: 'any_of', sources, optional, backEdge: false, loc: locOf(ctx, at) };
  return { binding, sourceLocs };
}

export function buildInputs(m: StepModel, node: Node | null): void {
  const { ctx } = m;
  if (!node) return;
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `Step '${m.step.name}': 'inputs' must be a mapping of local name → source, got ${typeName(ctx, node)}`);
    m.broken = true;
    return;
  }
  for (const { key: local, keyNode, value } of entries(ctx, node)) {
    if (!IDENT.test(local)) {
      report(ctx, 'FLOW_BAD_NAME', keyNode, `Step '${m.step.name}': input name '${local}' is not an identifier`);
      m.broken = true;
      continue;
    }
    const before = ctx.session.diagnostics.length;
    const info = buildOneBinding(ctx, local, value, keyNode ?? value);
    if (info) m.bindings.push(info);
    else if (ctx.session.diagnostics.length > before) m.broken = true;
  }
  m.step.inputs = m.bindings.map((b) => b.binding);
}

function buildOneBinding(ctx: SourceContext, local: string, value: Node | null, at: Node | null): BindingInfo | null {
  const what = `Input '${local}'`;
  if (value && isMap(value)) {
    const e = entries(ctx, value);
    const get = (k: string) => e.find((x) => x.key === k);
    const opt = get('optional');
    let optional = false;
    if (opt) {
      const v = toJS(ctx, opt.value);
      if (typeof v !== 'boolean') report(ctx, 'FLOW_BAD_TYPE', opt.value, `${what}: 'optional' must be true or false`);
      else optional = v;
    }
    const from = get('from');
    const anyOf = get('any_of');
    for (const x of e) {
      if (!['from', 'any_of', 'optional'].includes(x.key)) report(ctx, 'FLOW_UNKNOWN_KEY', x.keyNode, `${what}: unknown key '${x.key}' in binding (ignored)`, { hint: 'A binding mapping has `from` or `any_of`, and optionally `optional`.' });
    }
    if (from && anyOf) {
      report(ctx, 'FLOW_CONFLICTING_KEYS', anyOf.keyNode, `${what}: 'from' and 'any_of' cannot be combined`);
      return null;
    }
    if (anyOf) return buildAnyOf(ctx, local, anyOf.value, optional, value);
    if (!from) {
      report(ctx, 'FLOW_BAD_BINDING', value, `${what}: a binding mapping needs 'from' or 'any_of'`);
      return null;
    }
    const src = parseSource(ctx, from.value, what);
    if (!src) return null;
    const kind = src.step === '$job' ? 'job' : 'step';
    return { binding: { local, kind, sources: [src], optional, backEdge: false, loc: locOf(ctx, from.value) }, sourceLocs: [locOf(ctx, from.value)] };
  }
  const src = parseSource(ctx, value ?? at, what);
  if (!src) return null;
  const loc = locOf(ctx, value ?? at);
  return { binding: { local, kind: src.step === '$job' ? 'job' : 'step', sources: [src], optional: false, backEdge: false, loc }, sourceLocs: [loc] };
}

/** `after:` / `after_resolved:` (F-8). Groups `{any_of: [...]}` only where allowed. */
export function buildAfter(m: StepModel, key: string, node: Node | null, allowGroups: boolean): AfterEntry[] {
  const { ctx } = m;
  const out: AfterEntry[] = [];
  if (isNullNode(ctx, node)) return out;
  const name = (n: Node | null): string | null => {
    if (n && isScalar(n) && typeof n.value === 'string' && n.value.trim() !== '') {
      m.afterLocs.set(`${key}:${n.value}`, locOf(ctx, n));
      return n.value;
    }
    report(ctx, 'FLOW_BAD_TYPE', n, `Step '${m.step.name}': '${key}' entries must be step names, got ${typeName(ctx, n)}`);
    m.broken = true;
    return null;
  };
  if (isScalar(node)) {
    const s = name(node);
    if (s) out.push({ kind: 'step', step: s });
    return out;
  }
  if (!isSeq(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `Step '${m.step.name}': '${key}' must be a step name or a list, got ${typeName(ctx, node)}`, { hint: allowGroups ? 'Write `after: [a, {any_of: [b, c]}]`.' : 'Write `after_resolved: [a, b]`.' });
    m.broken = true;
    return out;
  }
  for (const item of node.items as Node[]) {
    if (allowGroups && item && isMap(item)) {
      const e = entries(ctx, item);
      const group = e.length === 1 && e[0]!.key === 'any_of' ? e[0]!.value : null;
      if (!group || !isSeq(group) || group.items.length < 2) {
        report(ctx, 'FLOW_BAD_TYPE', item, `Step '${m.step.name}': an '${key}' group must be exactly {any_of: [≥2 step names]}`);
        m.broken = true;
        continue;
      }
      const steps: string[] = [];
      for (const g of group.items as Node[]) {
        const s = name(g);
        if (s === m.step.name) report(ctx, 'FLOW_BAD_VALUE', g, `Step '${m.step.name}': an '${key}' group cannot name the step itself`);
        if (s) steps.push(s);
      }
      if (steps.length === group.items.length) out.push({ kind: 'any_of', steps });
      continue;
    }
    const s = name(item);
    if (s) out.push({ kind: 'step', step: s });
  }
  return out;
}

/** `when:` (F-9, D-7): string → expression, YAML bool → constant, mapping → predicate. */
export function buildWhen(m: StepModel, node: Node | null): WhenClause | null {
  const { ctx } = m;
  if (!node) return null;
  const v = toJS(ctx, node);
  if (typeof v === 'string') return { kind: 'expr', expr: parseExpr(ctx, v, node) };
  if (typeof v === 'boolean') return { kind: 'const', value: v };
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_WHEN', node, `Step '${m.step.name}': 'when' must be an expression string, a boolean or a predicate mapping, got ${typeName(ctx, node)}`);
    m.broken = true;
    return null;
  }
  const e = entries(ctx, node);
  const input = e.find((x) => x.key === 'input');
  const ops = e.filter((x) => ['eq', 'in', 'is_null', 'is_present'].includes(x.key));
  const unknown = e.filter((x) => !['input', 'eq', 'in', 'is_null', 'is_present'].includes(x.key));
  for (const u of unknown) report(ctx, 'FLOW_BAD_WHEN', u.keyNode, `Step '${m.step.name}': unknown predicate key '${u.key}' (no all/any/not combinators; use the string form)`);
  const inputName = input ? toJS(ctx, input.value) : undefined;
  if (typeof inputName !== 'string' || ops.length !== 1 || unknown.length) {
    if (typeof inputName !== 'string') report(ctx, 'FLOW_BAD_WHEN', input?.value ?? node, `Step '${m.step.name}': predicate 'when' needs 'input: <local name>'`);
    if (ops.length !== 1) report(ctx, 'FLOW_BAD_WHEN', node, `Step '${m.step.name}': predicate 'when' needs exactly one of eq, in, is_null, is_present (got ${ops.length})`);
    m.broken = true;
    return null;
  }
  const op = ops[0]!;
  const value = toJS(ctx, op.value);
  const scalarOk = (x: unknown) => typeof x === 'string' || (typeof x === 'number' && Number.isInteger(x));
  let ok = true;
  if (op.key === 'eq') ok = scalarOk(value) && !(op.value && isScalar(op.value) && /[.eE]/.test(String(op.value.source ?? '')) && typeof value === 'number');
  else if (op.key === 'in') ok = Array.isArray(value) && value.length > 0 && value.every(scalarOk);
  else ok = typeof value === 'boolean';
  if (!ok) {
    const expect = op.key === 'eq' ? 'a string or an integer' : op.key === 'in' ? 'a non-empty list of strings/integers' : 'true or false';
    report(ctx, 'FLOW_BAD_WHEN', op.value ?? op.keyNode, `Step '${m.step.name}': '${op.key}' expects ${expect}`);
    m.broken = true;
    return null;
  }
  return { kind: 'predicate', input: inputName, op: op.key as 'eq' | 'in' | 'is_null' | 'is_present', value, loc: locOf(ctx, node) };
}
