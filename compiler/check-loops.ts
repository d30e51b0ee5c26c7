/**
 * Check: loops. Loop targets must be connected to their step (E-10.2); optional and
 * any_of bindings that close a loop are marked as back-edges (V-3, sets `backEdge` and
 * `closingLoop`); `is_present` predicates must sit on loop-back bindings.
 *
 * Cost: loop-target checks stop at the first hit; back-edge marking walks the graph a
 * fixed number of times per candidate binding (see markBackEdges).
 */
import { reach, reaches, type Edge, type Graph } from './graph.js';
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
  for (const m of model.steps) {
    for (const rule of m.step.exits) {
      if (rule.action !== 'loop' || rule.target === undefined) continue;
      const o = g.index.get(m.step.name)!;
      const t = g.index.get(rule.target);
      // Searches stop at the first hit: a loop to a direct dependency costs one edge.
      if (t === undefined || t === o || reaches(g, t, o) || reaches(g, o, t)) continue;
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

/** V-3: mark loop-back bindings (a fixed number of graph walks per candidate, never per step pair). */
export function markBackEdges(model: FlowModel, g: Graph): Closings {
  const out: Closings = new Map();
  const pairs = loopPairs(model, g);
  if (pairs.length === 0) return out;
  // Edges per binding source, to exclude exactly the candidate edge.
  const edgeOf = new Map<Binding, Map<number, Edge>>();
  for (const e of g.edges) {
    if (!e.binding) continue;
    let m = edgeOf.get(e.binding);
    if (!m) edgeOf.set(e.binding, (m = new Map()));
    m.set(e.from, e);
  }
  // Two exact strategies; pick the one with fewer graph walks. Per candidate: walk forward
  // from C and backward from P without the candidate edge (2 walks each). Per pair: walk
  // from every loop target and owner once as a filter, then the exact walks only for the
  // candidates that pass it.
  let nonSelf = 0;
  for (const m of model.steps) {
    const c = g.index.get(m.step.name)!;
    for (const b of m.step.inputs) {
      if (b.kind === 'job' || !(b.optional || b.kind === 'any_of')) continue;
      for (const src of b.sources) if (g.index.has(src.step) && g.index.get(src.step) !== c) nonSelf++;
    }
  }
  const perPairWalks = new Set(pairs.map((p) => p.target)).size + new Set(pairs.map((p) => p.owner)).size;
  const filter = 2 * nonSelf > perPairWalks;
  const pairSet = new Set(pairs.map((p) => `${p.owner},${p.target}`));
  const fwdT = new Map<number, Uint8Array>();
  const bwdO = new Map<number, Uint8Array>();
  const fwd = (t: number) => fwdT.get(t) ?? fwdT.set(t, reach(g, t, 'forward', forwardForV3)).get(t)!;
  const bwd = (o: number) => bwdO.get(o) ?? bwdO.set(o, reach(g, o, 'backward', forwardForV3)).get(o)!;
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
        // Preferred closings first, each needing at most one early-exit search.
        if (pairSet.has(`${p},${c}`) && reaches(g, c, p, notEdge)) {
          closings.push(c); // O = P, T = C
          continue;
        }
        if (pairSet.has(`${c},${p}`)) {
          closings.push(p); // O = C, T = P: both reachabilities are trivial
          continue;
        }
        let fromC: Uint8Array | null = null;
        let toP: Uint8Array | null = null;
        let transitive: number | null = null;
        for (const { owner: o, target: t } of pairs) {
          if (filter && (!(t === p || fwd(t)[p]) || !(c === o || bwd(o)[c]))) continue;
          if (t !== p) {
            toP ??= reach(g, p, 'backward', notEdge);
            if (!toP[t]) continue;
          }
          if (c !== o) {
            fromC ??= reach(g, c, 'forward', notEdge);
            if (!fromC[o]) continue;
          }
          transitive = t;
          break;
        }
        closings.push(transitive);
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
