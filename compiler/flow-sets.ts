/**
 * Entry (E-12.5), terminal (E-12.4) and loop-internal steps, computed from the graph
 * once back-edges are marked. Shared by the structural checks and the lowering.
 */
import type { Edge, Graph } from './graph.js';
import type { CompiledStep } from './ir.js';

export function isLoopInternal(s: CompiledStep): boolean {
  return s.exits.length > 0 && !s.exits.some((r) => r.action === 'advance') && s.exits.some((r) => r.action === 'loop');
}

/** Edges that make their producer "depended on" for terminal purposes (E-12.4). */
const countsForTerminal = (e: Edge) => e.from !== e.to && e.kind !== 'after_any' && !(e.kind === 'input' && e.optional);

export function entrySteps(steps: readonly CompiledStep[]): number[] {
  const out: number[] = [];
  steps.forEach((s, i) => {
    if (s.after.length || s.afterResolved.length || s.forEach) return;
    if (s.inputs.some((b) => b.kind !== 'job' && !b.optional && !b.backEdge)) return;
    out.push(i);
  });
  return out;
}

export function terminalSteps(steps: readonly CompiledStep[], g: Graph): number[] {
  const n = steps.length;
  const internal = steps.map(isLoopInternal);
  const targeted = new Uint8Array(n);
  steps.forEach((s, i) => {
    if (internal[i]) return;
    for (const r of s.exits) {
      if (r.target === undefined || (r.action !== 'loop' && r.action !== 'escalate')) continue;
      const t = g.index.get(r.target);
      if (t !== undefined && t !== i) targeted[t] = 1;
    }
  });
  const dependedOn = (skipInternalConsumers: boolean) => {
    const d = new Uint8Array(n);
    for (const e of g.edges) if (countsForTerminal(e) && !(skipInternalConsumers && internal[e.to])) d[e.from] = 1;
    return d;
  };
  const d1 = dependedOn(false);
  let out = range(n).filter((i) => !d1[i] && !targeted[i] && !internal[i]);
  if (out.length) return out;
  const d2 = dependedOn(true);
  out = range(n).filter((i) => !d2[i] && !targeted[i] && !internal[i]);
  if (out.length) return out;
  return range(n).filter((i) => !d1[i] && !targeted[i]);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
