/**
 * Build: outputs (F-6, D-13 `output_fields:` alias) and job variable declarations
 * (F-3) — both are "name → typed spec" mappings with the same type vocabulary.
 */
import { isMap, isSeq, type Node } from 'yaml';
import type { OutputSpec, VarDecl, VarType } from './ir.js';
import type { StepModel } from './model.js';
import { entries, IDENT, locOf, report, toJS, typeName, type SourceContext, isNullNode } from './source-context.js';
import { VAR_TYPES } from './flow-vocabulary.js';


function readType(ctx: SourceContext, node: Node | null, what: string): VarType | null {
  const v = toJS(ctx, node);
  if (node === null || v === null) return 'str';
  if (typeof v === 'string' && (VAR_TYPES as string[]).includes(v)) return v as VarType;
  report(ctx, 'FLOW_BAD_VALUE', node, `${what}: invalid type '${String(v)}' (expected one of ${VAR_TYPES.join(', ')})`);
  return null;
}

export function buildOutputs(m: StepModel, node: Node | null, keyName: string): void {
  const { ctx, step } = m;
  const what = `Step '${step.name}'`;
  if (isNullNode(ctx, node)) return;
  const seen = new Set<string>();
  const add = (spec: OutputSpec, at: Node | null) => {
    if (seen.has(spec.name)) {
      report(ctx, 'FLOW_DUPLICATE', at, `${what}: duplicate output '${spec.name}'`);
      m.broken = true;
      return;
    }
    seen.add(spec.name);
    step.outputs.push(spec);
    m.outputLocs.set(spec.name, locOf(ctx, at));
  };
  if (isSeq(node)) {
    for (const item of node.items as Node[]) {
      const v = toJS(ctx, item);
      if (typeof v !== 'string' || v === '') {
        report(ctx, 'FLOW_BAD_OUTPUTS', item, `${what}: output names must be strings, got ${typeName(ctx, item)}`);
        m.broken = true;
        continue;
      }
      add({ name: v, type: 'str', required: true, hasDefault: false, description: '' }, item);
    }
    return;
  }
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_OUTPUTS', node, `${what}: '${keyName}' must be a list of names or a mapping of typed fields, got ${typeName(ctx, node)}`);
    m.broken = true;
    return;
  }
  step.outputsTyped = true;
  for (const { key, keyNode, value } of entries(ctx, node)) {
    const before = ctx.session.diagnostics.length;
    const spec = buildOutputSpec(ctx, key, value, `${what} output '${key}'`);
    if (ctx.session.diagnostics.length > before) m.broken = true;
    if (spec) add(spec, keyNode);
  }
}

function buildOutputSpec(ctx: SourceContext, name: string, node: Node | null, what: string): OutputSpec | null {
  const spec: OutputSpec = { name, type: 'str', required: true, hasDefault: false, description: '' };
  if (isNullNode(ctx, node)) return spec;
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_OUTPUTS', node, `${what}: field spec must be a mapping, got ${typeName(ctx, node)}`);
    return null;
  }
  const e = new Map(entries(ctx, node).map((x) => [x.key, x] as const));
  const type = readType(ctx, e.get('type')?.value ?? null, what);
  if (!type) return null;
  spec.type = type;
  const req = e.get('required');
  if (req) {
    const v = toJS(ctx, req.value);
    if (typeof v !== 'boolean') report(ctx, 'FLOW_BAD_OUTPUTS', req.value, `${what}: 'required' must be true or false`);
    else spec.required = v;
  }
  if (e.has('default')) {
    spec.default = toJS(ctx, e.get('default')!.value);
    spec.hasDefault = true;
  }
  const desc = e.get('description');
  if (desc) spec.description = String(toJS(ctx, desc.value) ?? '');
  const options = e.get('options');
  if (options) {
    const v = toJS(ctx, options.value);
    if (type !== 'choice') report(ctx, 'FLOW_BAD_OUTPUTS', options.keyNode, `${what}: 'options' is only allowed on type choice`);
    else if (!Array.isArray(v) || v.length === 0) report(ctx, 'FLOW_BAD_OUTPUTS', options.value, `${what}: 'options' must be a non-empty list`);
    else spec.options = v;
  } else if (type === 'choice') report(ctx, 'FLOW_BAD_OUTPUTS', node, `${what}: type choice needs 'options'`);
  const multiple = e.get('multiple');
  if (multiple) {
    const v = toJS(ctx, multiple.value);
    if (type !== 'choice') report(ctx, 'FLOW_BAD_OUTPUTS', multiple.keyNode, `${what}: 'multiple' is only allowed on type choice`);
    else if (typeof v !== 'boolean') report(ctx, 'FLOW_BAD_OUTPUTS', multiple.value, `${what}: 'multiple' must be true or false`);
    else spec.multiple = v;
  }
  for (const k of ['min', 'max'] as const) {
    const x = e.get(k);
    if (!x) continue;
    const v = toJS(ctx, x.value);
    if (type !== 'number') report(ctx, 'FLOW_BAD_OUTPUTS', x.keyNode, `${what}: '${k}' is only allowed on type number`);
    else if (typeof v !== 'number') report(ctx, 'FLOW_BAD_OUTPUTS', x.value, `${what}: '${k}' must be a number`);
    else spec[k] = v;
  }
  for (const k of e.keys()) {
    if (!['type', 'required', 'default', 'description', 'options', 'multiple', 'min', 'max'].includes(k)) {
      report(ctx, 'FLOW_UNKNOWN_KEY', e.get(k)!.keyNode, `${what}: unknown field spec key '${k}'`);
    }
  }
  return spec;
}

/** `inputs:`/`config:` blocks of a flow (F-3.1). */
export function buildVars(ctx: SourceContext, node: Node | null, origin: 'inputs' | 'config', out: VarDecl[], locs: Map<string, ReturnType<typeof locOf>>): void {
  if (isNullNode(ctx, node)) return;
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `'${origin}' must be a mapping of variable name → spec, got ${typeName(ctx, node)}`);
    return;
  }
  for (const { key, keyNode, value } of entries(ctx, node)) {
    const what = `${origin === 'inputs' ? 'Input' : 'Config'} variable '${key}'`;
    if (!IDENT.test(key)) {
      report(ctx, 'FLOW_BAD_NAME', keyNode, `${what}: name is not an identifier`);
      continue;
    }
    if (locs.has(key)) {
      report(ctx, 'FLOW_DUPLICATE', keyNode, `${what} is declared in both inputs: and config:`);
      continue;
    }
    const decl: VarDecl = { name: key, origin, type: 'str', description: '', hasDefault: false, required: true, sensitive: false };
    if (value && toJS(ctx, value) !== null) {
      if (!isMap(value)) {
        report(ctx, 'FLOW_BAD_TYPE', value, `${what}: spec must be a mapping, got ${typeName(ctx, value)}`);
        continue;
      }
      const e = new Map(entries(ctx, value).map((x) => [x.key, x] as const));
      const type = readType(ctx, e.get('type')?.value ?? null, what);
      if (!type) continue;
      decl.type = type;
      if (e.has('default')) {
        decl.default = toJS(ctx, e.get('default')!.value);
        decl.hasDefault = true;
      }
      decl.required = !decl.hasDefault;
      const req = e.get('required');
      if (req) {
        const v = toJS(ctx, req.value);
        if (typeof v !== 'boolean') report(ctx, 'FLOW_BAD_TYPE', req.value, `${what}: 'required' must be true or false`);
        else decl.required = v;
      }
      if (e.has('description')) decl.description = String(toJS(ctx, e.get('description')!.value) ?? '');
      if (e.has('example')) decl.example = String(toJS(ctx, e.get('example')!.value));
      if (e.has('sensitive')) decl.sensitive = toJS(ctx, e.get('sensitive')!.value) === true;
      const options = e.get('options');
      if (options) {
        const v = toJS(ctx, options.value);
        if (!Array.isArray(v) || v.length === 0) report(ctx, 'FLOW_BAD_VALUE', options.value, `${what}: 'options' must be a non-empty list`);
        else decl.options = v;
      }
      if (type === 'choice' && !decl.options) report(ctx, 'FLOW_MISSING_KEY', keyNode, `${what}: type choice needs a non-empty 'options' list`);
      for (const [k, x] of e) {
        if (!['type', 'default', 'required', 'description', 'example', 'sensitive', 'options'].includes(k)) report(ctx, 'FLOW_UNKNOWN_KEY', x.keyNode, `${what}: unknown key '${k}'`);
      }
    }
    out.push(decl);
    locs.set(key, locOf(ctx, keyNode));
  }
}

