/**
 * Check: loops. Loop targets must be connected to their step (E-10.2); optional and
 * any_of bindings that close a loop are marked as back-edges (V-3, sets `backEdge` and
 * `closingLoop`); `is_present` predicates must sit on loop-back bindings.
 *
 * Cost: one forward BFS per loop target and one backward BFS per looping step, then a
 * precise BFS (excluding the candidate edge) only for candidates the cheap test admits.
 */
import { reach, type Edge, type Graph } from './graph.js';
import type { Binding } from './ir.js';
import type { FlowModel } from './model.js';
import { report } from './source-context.js';

interface Pair {
  owner: number;
  target: number;
}

/** Per candidate binding: the closing loop (node index) of each source, null when none. */
export type Closings = Map<Binding, (number | null)[]>;

const forwardForV3 = (e: Edge) => e.kind !== 'for_each';

export function checkLoopTargets(model: FlowModel, g: Graph): boolean {
  let ok = true;
  const fwd = new Map<number, Uint8Array>();
  const bwd = new Map<number, Uint8Array>();
  for (const m of model.steps) {
    for (const rule of m.step.exits) {
      if (rule.action !== 'loop' || rule.target === undefined) continue;
      const o = g.index.get(m.step.name)!;
      const t = g.index.get(rule.target);
      if (t === undefined || t === o) continue;
      if (!fwd.has(t)) fwd.set(t, reach(g, t, 'forward'));
      if (fwd.get(t)![o]) continue;
      if (!bwd.has(t)) bwd.set(t, reach(g, t, 'backward'));
      if (bwd.get(t)![o]) continue;
      report(m.ctx, 'FLOW_LOOP_NOT_CONNECTED', m.exitTargetLocs.get(rule) ?? rule.loc, `Step '${m.step.name}': loop target '${rule.target}' is not connected in the dependency graph (neither an ancestor nor a descendant)`);
      ok = false;
    }
  }
  return ok;
}

function loopPairs(model: FlowModel, g: Graph): Pair[] {
  const pairs: Pair[] = [];
  for (const m of model.steps) {
    for (const rule of m.step.exits) {
      if (rule.target === undefined || (rule.action !== 'loop' && rule.action !== 'escalate')) continue;
      const t = g.index.get(rule.target);
      if (t !== undefined) pairs.push({ owner: g.index.get(m.step.name)!, target: t });
    }
  }
  return pairs;
}

/** V-3: mark loop-back bindings. */
export function markBackEdges(model: FlowModel, g: Graph): Closings {
  const out: Closings = new Map();
  const pairs = loopPairs(model, g);
  if (pairs.length === 0) return out;
  const fwdT = new Map<number, Uint8Array>();
  const bwdO = new Map<number, Uint8Array>();
  for (const p of pairs) {
    if (!fwdT.has(p.target)) fwdT.set(p.target, reach(g, p.target, 'forward', forwardForV3));
    if (!bwdO.has(p.owner)) bwdO.set(p.owner, reach(g, p.owner, 'backward', forwardForV3));
  }
  // Edges per binding source, to exclude exactly the candidate edge.
  const edgeOf = new Map<Binding, Map<number, Edge>>();
  for (const e of g.edges) {
    if (!e.binding) continue;
    let m = edgeOf.get(e.binding);
    if (!m) edgeOf.set(e.binding, (m = new Map()));
    m.set(e.from, e);
  }
  for (const m of model.steps) {
    const c = g.index.get(m.step.name)!;
    for (const b of m.step.inputs) {
      if (b.kind === 'job' || !(b.optional || b.kind === 'any_of')) continue;
      const closings: (number | null)[] = [];
      for (const src of b.sources) {
        const p = g.index.get(src.step);
        if (p === undefined) {
          closings.push(null);
          continue;
        }
        if (p === c) {
          closings.push(pairs.some((x) => x.owner === c && x.target === c) ? c : null);
          continue;
        }
        const edge = edgeOf.get(b)?.get(p);
        const notEdge = (e: Edge) => e !== edge && forwardForV3(e);
        let exact: number | null = null;
        let swapped: number | null = null;
        let transitive: number | null = null;
        for (const pair of pairs) {
          const { owner: o, target: t } = pair;
          // Cheap filter with full reachability, then the precise test without this edge.
          if (!(t === p || fwdT.get(t)![p]) || !(c === o || bwdO.get(o)![c])) continue;
          const tReachesP = t === p || reach(g, t, 'forward', notEdge)[p] === 1;
          if (!tReachesP) continue;
          const cReachesO = c === o || reach(g, c, 'forward', notEdge)[o] === 1;
          if (!cReachesO) continue;
          if (o === p && t === c) exact ??= t;
          else if (o === c && t === p) swapped ??= t;
          else transitive ??= t;
        }
        closings.push(exact ?? swapped ?? transitive);
      }
      const first = closings[0];
      if (first !== null && first !== undefined && closings.every((x) => x === first)) {
        b.backEdge = true;
        b.closingLoop = g.names[first]!;
      } else if (b.kind === 'any_of' && closings.every((x) => x !== null) && new Set(closings).size > 1) {
        report(m.ctx, 'FLOW_LOOP_BACK_AMBIGUOUS', b.loc ?? m.step.loc, `Step '${m.step.name}': loop_back_binding_ambiguous_closure — any_of input '${b.local}' closes loops of ${[...new Set(closings)].map((x) => `'${g.names[x!]}'`).join(' and ')}`);
      }
      out.set(b, closings);
    }
  }
  return out;
}

/** `is_present` and predicate inputs (V-3 errors). Run after markBackEdges. */
export function checkPredicates(model: FlowModel, closingsOf: Closings): boolean {
  let ok = true;
  for (const m of model.steps) {
    const w = m.step.when;
    if (!w || w.kind !== 'predicate') continue;
    const b = m.step.inputs.find((x) => x.local === w.input);
    if (!b) {
      report(m.ctx, 'FLOW_BAD_WHEN', w.loc, `Step '${m.step.name}': 'when' predicate reads unknown input '${w.input}'`, { hint: `Use one of the step's inputs: ${m.step.inputs.map((x) => x.local).join(', ') || '(none)'}.` });
      ok = false;
      continue;
    }
    if (w.op !== 'is_present') continue;
    const closings = closingsOf.get(b) ?? [];
    if (b.backEdge) continue;
    if (b.kind === 'any_of' && closings.some((x) => x !== null)) {
      report(m.ctx, 'FLOW_IS_PRESENT_MIXED_ANY_OF', w.loc, `Step '${m.step.name}': is_present_mixed_scope_any_of — input '${b.local}' mixes loop-back and forward sources`);
    } else {
      report(m.ctx, 'FLOW_IS_PRESENT_NOT_LOOP_BACK', w.loc, `Step '${m.step.name}': is_present_not_loop_back — input '${b.local}' is not a loop-back binding`);
    }
    ok = false;
  }
  return ok;
}
