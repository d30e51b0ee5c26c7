/**
 * The pipeline: load → build → check → lower, for one flow mapping. Sub-flows recurse
 * through the NestedCompiler below (inline mappings share the parent's file; file and
 * registry references are loaded as their own files, guarded against cycles).
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Node, YAMLMap } from 'yaml';
import type { NestedCompiler } from './build-delegating.js';
import { buildFlow } from './build-flow.js';
import { checkExitCoverage } from './check-exit-coverage.js';
import { checkExpressions } from './check-expressions.js';
import { checkLoopRace } from './check-loop-race.js';
import { checkLoopTargets, checkPredicates, markBackEdges } from './check-loops.js';
import { checkReferences } from './check-references.js';
import { checkSessions } from './check-sessions.js';
import { checkStructure } from './check-structure.js';
import { checkWarnings } from './check-warnings.js';
import { buildGraph } from './graph.js';
import type { CompiledFlow, VarDecl } from './ir.js';
import { loadYaml } from './load-yaml.js';
import { lowerFlow } from './lower-flow.js';
import { findByName, flowFileAt, registryPath } from './resolve-flow-ref.js';
import { readSource } from './source-fs.js';
import { report, type CompileSession, type SourceContext } from './source-context.js';

const errorCount = (s: CompileSession) => s.diagnostics.reduce((n, d) => n + (d.severity === 'error' ? 1 : 0), 0);

interface FlowOpts {
  sourceFile?: string;
  /** File name used for the default flow name when there is no source file (F-1.4). */
  nameHint?: string;
  nested: boolean;
  inferredVars?: VarDecl[] | null;
}

/** Build, check and lower one flow mapping; null when it (or a sub-flow) has errors. */
export function compileMapping(ctx: SourceContext, root: YAMLMap, opts: FlowOpts): CompiledFlow | null {
  const before = errorCount(ctx.session);
  const model = buildFlow(ctx, root, nestedCompiler, {
    nested: opts.nested,
    inferredVars: opts.inferredVars ?? null,
    ...(opts.sourceFile ? { sourceFile: opts.sourceFile } : {}),
    ...(opts.nameHint ? { nameHint: opts.nameHint } : {}),
  });
  if (model.steps.length === 0) return null;
  const refsOk = [checkReferences(model), checkSessions(model)].every(Boolean);
  const g = buildGraph(model.steps.map((m) => m.step));
  const loopsOk = checkLoopTargets(model, g);
  const closings = markBackEdges(model, g);
  const predOk = checkPredicates(model, closings);
  checkExpressions(model);
  const sane = refsOk && loopsOk && predOk && !model.steps.some((m) => m.broken);
  if (sane) checkStructure(model, g);
  checkWarnings(model);
  checkExitCoverage(model);
  if (errorCount(ctx.session) > before) return null;
  const flow = lowerFlow(model, g);
  checkLoopRace(model, flow);
  return flow;
}

/** Compile flow text as a file (or inline string when `file` is synthetic). */
export function compileText(session: CompileSession, text: string, file: string, baseDir: string | undefined, opts: FlowOpts & { prefix?: string }): CompiledFlow | null {
  const { ctx, root } = loadYaml(text, file, session, baseDir);
  ctx.prefix = opts.prefix ?? '';
  if (!root) return null;
  return compileMapping(ctx, root, opts);
}

export function compilePath(session: CompileSession, path: string, opts: { nested: boolean; prefix?: string; at?: { ctx: SourceContext; node: Node } }): CompiledFlow | null {
  const abs = resolve(path);
  if (session.stack.includes(abs)) {
    const chain = [...session.stack.slice(session.stack.indexOf(abs)), abs].join(' → ');
    if (opts.at) report(opts.at.ctx, 'FLOW_CIRCULAR_REF', opts.at.node, `Circular flow reference: ${chain}`);
    else session.diagnostics.push({ code: 'FLOW_CIRCULAR_REF', severity: 'error', message: `Circular flow reference: ${chain}`, file: abs, line: 0, column: 0 });
    return null;
  }
  let text: string;
  try {
    text = readSource(abs);
  } catch (e) {
    const msg = `Cannot read flow file ${abs} (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    if (opts.at) report(opts.at.ctx, 'FLOW_FILE_NOT_FOUND', opts.at.node, msg);
    else session.diagnostics.push({ code: 'FLOW_FILE_NOT_FOUND', severity: 'error', message: msg, file: abs, line: 0, column: 0, hint: 'Check the path.' });
    return null;
  }
  session.stack.push(abs);
  try {
    return compileText(session, text, abs, dirname(abs), { nested: opts.nested, sourceFile: abs, ...(opts.prefix ? { prefix: opts.prefix } : {}) });
  } finally {
    session.stack.pop();
  }
}

const nestedCompiler: NestedCompiler = {
  inline(parent, node, prefix, inferred) {
    const ctx: SourceContext = { ...parent, prefix };
    return compileMapping(ctx, node, { nested: true, inferredVars: inferred });
  },
  ref(parent, ref, node, prefix) {
    const session = parent.session;
    let path: string | null = null;
    let expectAuthor: string | undefined;
    if (ref.startsWith('@')) {
      const registry = session.registryDir ?? (session.projectDir ? resolve(session.projectDir, '.stepwise', 'registry') : undefined);
      path = registry ? registryPath(registry, ref) : null;
      if (!path) {
        report(parent, 'FLOW_BAD_REF', node, registry ? `Malformed registry reference '${ref}'` : `Registry reference '${ref}' needs a project directory`, { hint: 'Write @author:flow-name inside a project (a directory with .stepwise/).' });
        return null;
      }
      expectAuthor = /^@([^:]+):/.exec(ref)?.[1];
    } else if (/\.ya?ml$/.test(ref) || ref.includes('/')) {
      if (!parent.baseDir && !isAbsolute(ref)) {
        report(parent, 'FLOW_BAD_REF', node, `Sub-flow path '${ref}' cannot be resolved: the parent flow has no directory`);
        return null;
      }
      path = resolve(parent.baseDir ?? '/', ref);
      const found = flowFileAt(path, ref);
      if (found && 'error' in found) {
        report(parent, found.error.code === 'FLOW_IS_KIT' ? 'FLOW_IS_KIT' : 'FLOW_FILE_NOT_FOUND', node, found.error.message);
        return null;
      }
      if (found) path = found.path;
    } else {
      const project = session.projectDir ?? parent.baseDir;
      const found = project ? findByName(ref, project) : null;
      if (!found || 'error' in found) {
        report(parent, found && 'error' in found && found.error.code === 'FLOW_IS_KIT' ? 'FLOW_IS_KIT' : 'FLOW_FILE_NOT_FOUND', node, found && 'error' in found ? found.error.message : `Sub-flow '${ref}' not found`);
        return null;
      }
      path = found.path;
    }
    const flow = compilePath(session, path, { nested: true, prefix, at: { ctx: parent, node } });
    if (flow && expectAuthor !== undefined && flow.author !== undefined && flow.author !== expectAuthor) {
      report(parent, 'FLOW_BAD_REF', node, `Registry flow '${ref}' declares author '${flow.author}', not '${expectAuthor}'`);
      return null;
    }
    return flow;
  },
};
