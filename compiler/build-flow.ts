/**
 * Build: the flow mapping's top-level keys (F-2, F-3) and every step, in declaration
 * order. Collects all problems; never stops at the first.
 */
import { basename, dirname } from 'node:path';
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import type { NestedCompiler } from './build-delegating.js';
import { buildVars } from './build-outputs.js';
import { buildStep } from './build-step.js';
import type { CompiledFlow, VarDecl } from './ir.js';
import type { FlowModel } from './model.js';
import { didYouMean, entries, report, toJS, typeName, type SourceContext, isNullNode } from './source-context.js';
import { VISIBILITY } from './flow-vocabulary.js';

const TOP_KEYS = [
  'steps', 'name', 'author', 'description', 'version', 'forked_from', 'visibility', 'archived', 'containment', 'readme', 'inputs', 'config', 'requires',
];

export interface BuildOptions {
  sourceFile?: string;
  nameHint?: string;
  /** Used when the mapping has no `inputs:` (F-10.2). */
  inferredVars?: VarDecl[] | null;
  nested: boolean;
}

export function buildFlow(ctx: SourceContext, root: YAMLMap, nestedCompiler: NestedCompiler, opts: BuildOptions): FlowModel {
  const model: FlowModel = {
    ctx, name: '', description: '', version: '', visibility: 'interactive', archived: false, vars: [], declaresVars: false, varLocs: new Map(), steps: [], byName: new Map(), nested: opts.nested,
    ...(opts.sourceFile ? { sourceFile: opts.sourceFile } : {}),
    ...(ctx.baseDir ? { flowDir: ctx.baseDir } : {}),
  };
  const top = new Map(entries(ctx, root).map((e) => [e.key, e] as const));
  for (const [key, e] of top) {
    // A top-level key holding only an anchor (`defaults: &d {...}`) is a common way to share YAML.
    if (!TOP_KEYS.includes(key) && !(e.value as { anchor?: string } | null)?.anchor) {
      const guess = didYouMean(key, TOP_KEYS);
      report(ctx, 'FLOW_UNKNOWN_KEY', e.keyNode, `Unknown top-level key '${key}' (ignored)`, guess ? { hint: `Did you mean '${guess}'?` } : {});
    }
  }
  const str = (key: string): string | undefined => {
    const e = top.get(key);
    if (!e) return undefined;
    const v = toJS(ctx, e.value);
    if (v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') {
      report(ctx, 'FLOW_BAD_TYPE', e.value, `'${key}' must be a string, got ${typeName(ctx, e.value)}`);
      return undefined;
    }
    return String(v);
  };
  // D-6: a FLOW.yaml without `name` takes its directory's name; other files their stem.
  const file = opts.sourceFile ?? opts.nameHint;
  const fallback = file ? (basename(file) === 'FLOW.yaml' || basename(file) === 'FLOW.yml' ? basename(dirname(file)) : basename(file).replace(/\.ya?ml$/, '').replace(/\.flow$/, '')) : 'inline';
  model.name = str('name') ?? fallback;
  model.description = str('description') ?? '';
  const author = str('author');
  if (author !== undefined) model.author = author;
  model.version = str('version') ?? '';
  const vis = str('visibility');
  if (vis !== undefined) {
    if ((VISIBILITY as readonly string[]).includes(vis)) model.visibility = vis as FlowModel['visibility'];
    else report(ctx, 'FLOW_BAD_VALUE', top.get('visibility')!.value, `Invalid visibility '${vis}' (expected ${VISIBILITY.join(', ')})`);
  }
  const containment = str('containment');
  const forked = str('forked_from');
  if (forked !== undefined) model.forkedFrom = forked;
  if (top.has('archived')) {
    const v = toJS(ctx, top.get('archived')!.value);
    if (typeof v !== 'boolean') report(ctx, 'FLOW_BAD_TYPE', top.get('archived')!.value, `'archived' must be true or false, got ${typeName(ctx, top.get('archived')!.value)}`);
    else model.archived = v;
  }
  if (checkRequires(ctx, top.get('requires')?.value ?? null)) {
    const req = toJS(ctx, top.get('requires')!.value);
    if (Array.isArray(req) && req.length) model.requires = req as CompiledFlow['requires'];
  }
  model.declaresVars = top.has('inputs') || top.has('config');
  buildVars(ctx, top.get('inputs')?.value ?? null, 'inputs', model.vars, model.varLocs);
  buildVars(ctx, top.get('config')?.value ?? null, 'config', model.vars, model.varLocs);
  if (!top.has('inputs') && opts.inferredVars) model.vars.push(...opts.inferredVars.filter((v) => !model.varLocs.has(v.name)));

  const steps = top.get('steps');
  if (!steps || !steps.value || !isMap(steps.value) || steps.value.items.length === 0) {
    report(ctx, 'FLOW_NO_STEPS', steps?.value ?? steps?.keyNode ?? root, "Workflow must have a 'steps' mapping" + (steps?.value && !isMap(steps.value) ? `, got ${typeName(ctx, steps.value)}` : ' with at least one step'));
    return model;
  }
  let index = 0;
  for (const { key, keyNode, value } of entries(ctx, steps.value)) {
    if (model.byName.has(key)) continue; // reported as YAML_DUPLICATE_KEY
    const sm = buildStep(ctx, key, index++, value, keyNode, nestedCompiler, containment);
    model.steps.push(sm);
    model.byName.set(key, sm);
  }
  return model;
}

/** True when `requires` is present and well-formed. */
function checkRequires(ctx: SourceContext, node: Node | null): boolean {
  if (isNullNode(ctx, node)) return false;
  if (!isSeq(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `'requires' must be a list, got ${typeName(ctx, node)}`);
    return false;
  }
  let ok = true;
  for (const item of node.items as Node[]) {
    const v = toJS(ctx, item);
    if (typeof v === 'string') continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>).name === 'string') continue;
    report(ctx, 'FLOW_BAD_TYPE', item, "'requires' entries must be a string or {name, description, check, install, url}");
    ok = false;
  }
  return ok;
}

export type { CompiledFlow };
