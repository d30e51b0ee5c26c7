/**
 * Check: the shape of the whole graph (V-4, run only when every reference resolved):
 * dependency cycles not broken by an optional binding, entry and terminal steps, and
 * steps no entry step leads to.
 */
import { findCycle, kahn, reach, type Edge, type Graph } from './graph.js';
import { entrySteps, terminalSteps } from './flow-sets.js';
import type { FlowModel } from './model.js';
import { report } from './source-context.js';

/** Kahn's edges (V-4): everything except back-edges and plain optional bindings. */
export const cycleEdge = (e: Edge) =>
  !(e.kind === 'input' && e.binding && (e.binding.backEdge || (e.optional && e.binding.kind === 'step')));

function label(e: Edge): string {
  if (e.kind === 'input') return `(input: ${e.binding?.local ?? '?'})`;
  if (e.kind === 'after_any') return '(after any_of)';
  return `(${e.kind})`;
}

export function checkStructure(model: FlowModel, g: Graph): boolean {
  const { ctx } = model;
  const steps = model.steps.map((m) => m.step);
  const { remaining } = kahn(g, cycleEdge);
  if (remaining.includes(1)) {
    const cycle = findCycle(g, remaining, cycleEdge);
    const parts = cycle.length ? [g.names[cycle[0]!.from]!, ...cycle.map((e) => `→${label(e)} ${g.names[e.to]}`)] : ['?'];
    const first = cycle.find((e) => e.kind === 'input') ?? cycle[0];
    const at = first?.binding?.loc ?? (first ? steps[first.to]!.loc : undefined);
    report(ctx, 'FLOW_CYCLE', at ?? null, `Cycle detected: ${parts.join(' ')}. Consider adding 'optional: true' to one input binding to break the cycle.`);
    return false;
  }
  const entries = entrySteps(steps);
  if (entries.length === 0) {
    report(ctx, 'FLOW_NO_ENTRY', steps[0]?.loc ?? null, 'Workflow has no entry steps');
    return false;
  }
  if (terminalSteps(steps, g).length === 0) {
    report(ctx, 'FLOW_NO_TERMINAL', steps[0]?.loc ?? null, 'Workflow has no terminal steps');
    return false;
  }
  const seen = reach(g, entries, 'forward');
  let ok = true;
  steps.forEach((s, i) => {
    if (seen[i]) return;
    report(ctx, 'FLOW_UNREACHABLE', s.loc ?? null, `Step '${s.name}' is unreachable — no path from any entry step`);
    ok = false;
  });
  return ok;
}
