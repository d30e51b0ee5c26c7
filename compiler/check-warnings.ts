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
    for (const r of step.exits) {
      const cast = r.when ? /\b(float|int|bool)\s*\(/.exec(r.when.source) : null;
      if (cast) report(ctx, 'FLOW_EXIT_CAST', r.when!.loc ?? r.loc ?? step.loc, `Step '${step.name}': exit rule '${r.name}' calls ${cast[1]}(); on a null value it raises and the rule is skipped`);
    }
    const loops = step.exits.some((r) => r.action === 'loop');
    if (loops && (step.after.length || step.afterResolved.length) && !step.when) {
      report(ctx, 'FLOW_AFTER_ON_LOOP', m.keys.get(step.after.length ? 'after' : 'after_resolved') ?? step.loc, `Step '${step.name}' loops and has '${step.after.length ? 'after' : 'after_resolved'}' but no 'when'`);
    }
    if (step.exits.length && !step.exits.some((r) => r.when?.source.trim() === 'True')) {
      report(ctx, 'FLOW_NO_CATCH_ALL', step.exits[step.exits.length - 1]!.loc ?? step.loc, `Step '${step.name}': exit rules have no "True" catch-all`);
    }
    const emits = step.kind === 'agent' && step.executor.config.emit_flow === true;
    if (step.cache?.enabled && (step.kind === 'external' || step.kind === 'poll' || emits)) {
      report(ctx, 'FLOW_CACHE_IGNORED', m.keys.get('cache') ?? step.loc, `Step '${step.name}': cache has no effect on ${emits ? 'emit_flow agent' : step.kind} steps`);
    }
  }
  if (!model.declaresVars) {
    if (model.nested) return; // a body flow reads its parent's bindings as $job
    const seen = new Set<string>();
    for (const m of model.steps) {
      for (const b of m.step.inputs) {
        const f = b.kind === 'job' ? b.sources[0]!.field : null;
        if (f === null || seen.has(f)) continue;
        seen.add(f);
        report(m.ctx, 'FLOW_UNDECLARED_VAR', b.loc ?? m.step.loc, `Step '${m.step.name}': '$job.${f}' is read but the flow declares no inputs:`, { severity: 'info' });
      }
    }
    return;
  }
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
    if (!v.hasDefault && v.example === undefined && v.type !== 'session') report(model.ctx, 'FLOW_VAR_NO_EXAMPLE', model.varLocs.get(v.name) ?? null, `Variable '${v.name}' has neither a default nor an example`);
    if (!used.has(v.name)) report(model.ctx, 'FLOW_UNUSED_VAR', model.varLocs.get(v.name) ?? null, `Variable '${v.name}' is declared but no step reads '$job.${v.name}'`);
  }
}
