/**
 * V-6: a step that reads a member of a loop body but neither the loop owner nor a `when`
 * may launch on the first iteration, before the loop has converged.
 */
import type { CompiledFlow } from './ir.js';
import type { FlowModel } from './model.js';
import { report } from './source-context.js';

export function checkLoopRace(model: FlowModel, flow: CompiledFlow): void {
  const { loopBody, loopers, dependsOn } = flow.deps;
  const bodies = Object.keys(loopBody);
  if (bodies.length === 0) return;
  const memberOf = new Map<string, string[]>(); // step → loop targets whose body holds it
  for (const t of bodies) for (const s of loopBody[t]!) (memberOf.get(s) ?? memberOf.set(s, []).get(s)!).push(t);
  for (const m of model.steps) {
    const s = m.step;
    if (s.when) continue;
    const deps = new Set(dependsOn[s.name] ?? []);
    for (const d of deps) {
      const targets = (memberOf.get(d) ?? []).filter((t) => !loopBody[t]!.includes(s.name));
      const unguarded = targets.find((t) => !(loopers[t] ?? []).some((o) => deps.has(o)));
      if (unguarded === undefined) continue;
      report(m.ctx, 'FLOW_LOOP_RACE', s.loc ?? null, `Step '${s.name}' reads '${d}' (in the loop of '${unguarded}') but not the loop owner '${(loopers[unguarded] ?? []).join("', '")}'; it may launch before the loop completes`);
      break;
    }
  }
}
