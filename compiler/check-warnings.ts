/**
 * Check: V-6 advisories. Never errors — a flow with only these compiles.
 */
import type { FlowModel } from './model.js';
import { report } from './source-context.js';

export function checkWarnings(model: FlowModel): void {
  const used = new Set<string>();
  for (const m of model.steps) {
    const { step, ctx } = m;
    for (const b of step.inputs) for (const s of b.sources) if (s.step === '$job') used.add(s.field);
    if (step.forkFrom?.startsWith('$job.')) used.add(step.forkFrom.slice(5));
    for (const r of step.exits) {
      if (r.action === 'loop' && r.maxIterations === undefined) {
        report(ctx, 'FLOW_LOOP_NO_MAX', r.loc ?? step.loc, `Step '${step.name}': loop rule '${r.name}' has no max_iterations`);
      }
    }
    if (step.exits.length && !step.exits.some((r) => r.when?.source.trim() === 'True')) {
      report(ctx, 'FLOW_NO_CATCH_ALL', step.exits[step.exits.length - 1]!.loc ?? step.loc, `Step '${step.name}': exit rules have no "True" catch-all`);
    }
    const emits = step.kind === 'agent' && step.executor.config.emit_flow === true;
    if (step.cache?.enabled && (step.kind === 'external' || step.kind === 'poll' || emits)) {
      report(ctx, 'FLOW_CACHE_IGNORED', m.keys.get('cache') ?? step.loc, `Step '${step.name}': cache has no effect on ${emits ? 'emit_flow agent' : step.kind} steps`);
    }
  }
  if (!model.declaresVars) return;
  const declared = new Set(model.vars.map((v) => v.name));
  for (const m of model.steps) {
    for (const b of m.step.inputs) {
      for (const s of b.sources) {
        if (s.step !== '$job' || declared.has(s.field)) continue;
        report(m.ctx, 'FLOW_UNDECLARED_VAR', b.loc ?? m.step.loc, `Step '${m.step.name}': '$job.${s.field}' is not declared under inputs: or config:`);
      }
    }
  }
  for (const v of model.vars) {
    if (!used.has(v.name)) report(model.ctx, 'FLOW_UNUSED_VAR', model.varLocs.get(v.name) ?? null, `Variable '${v.name}' is declared but no step reads '$job.${v.name}'`);
  }
}
