/**
 * The step dependency graph as index arrays (one edge per binding source, `after`
 * entry, `after_resolved` entry and for_each source). Every algorithm here is linear in
 * steps + edges: BFS, Kahn's algorithm, iterative Tarjan — no per-step scans of all steps.
 */
import type { Binding, CompiledStep } from './ir.js';

export type EdgeKind = 'input' | 'after' | 'after_any' | 'after_resolved' | 'for_each';

export interface Edge {
  id: number;
  /** Producer (dependency) index. */
  from: number;
  /** Consumer (dependent) index. */
  to: number;
  kind: EdgeKind;
  /** The consumer's binding, for `input` edges. */
  binding?: Binding;
  /** For `input` edges: true when the binding is `optional`. */
  optional: boolean;
}

export interface Graph {
  names: string[];
  index: Map<string, number>;
  edges: Edge[];
  /** Edge ids leaving each node (node is the producer). */
  out: number[][];
  /** Edge ids entering each node (node is the consumer). */
  in: number[][];
}

export function buildGraph(steps: readonly CompiledStep[]): Graph {
  const names = steps.map((s) => s.name);
  const index = new Map<string, number>();
  names.forEach((n, i) => index.set(n, i));
  const g: Graph = { names, index, edges: [], out: names.map(() => []), in: names.map(() => []) };
  const add = (from: number | undefined, to: number, kind: EdgeKind, optional: boolean, binding?: Binding) => {
    if (from === undefined) return;
    const e: Edge = { id: g.edges.length, from, to, kind, optional, ...(binding ? { binding } : {}) };
    g.edges.push(e);
    g.out[from]!.push(e.id);
    g.in[to]!.push(e.id);
  };
  steps.forEach((s, i) => {
    for (const b of s.inputs) {
      if (b.kind === 'job') continue;
      for (const src of b.sources) add(index.get(src.step), i, 'input', b.optional, b);
    }
    for (const a of s.after) {
      if (a.kind === 'step') add(index.get(a.step), i, 'after', false);
      else for (const x of a.steps) add(index.get(x), i, 'after_any', false);
    }
    for (const x of s.afterResolved) add(index.get(x), i, 'after_resolved', false);
    if (s.forEach && s.forEach.source.step !== '$job') add(index.get(s.forEach.source.step), i, 'for_each', false);
  });
  return g;
}

/** Nodes reachable from `start` (inclusive) following edges accepted by `ok`, forward or backward. */
export function reach(g: Graph, start: number | number[], dir: 'forward' | 'backward', ok: (e: Edge) => boolean = () => true): Uint8Array {
  const seen = new Uint8Array(g.names.length);
  const stack = typeof start === 'number' ? [start] : [...start];
  for (const s of stack) seen[s] = 1;
  while (stack.length) {
    const n = stack.pop()!;
    for (const id of dir === 'forward' ? g.out[n]! : g.in[n]!) {
      const e = g.edges[id]!;
      if (!ok(e)) continue;
      const next = dir === 'forward' ? e.to : e.from;
      if (!seen[next]) {
        seen[next] = 1;
        stack.push(next);
      }
    }
  }
  return seen;
}

/** Kahn's algorithm over accepted edges: topological order, and the nodes left on cycles. */
export function kahn(g: Graph, ok: (e: Edge) => boolean): { order: number[]; remaining: Uint8Array } {
  const n = g.names.length;
  const indeg = new Int32Array(n);
  for (const e of g.edges) if (ok(e) && e.from !== e.to) indeg[e.to]!++;
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) queue.push(i);
  const order: number[] = [];
  for (let qi = 0; qi < queue.length; qi++) {
    const x = queue[qi]!;
    order.push(x);
    for (const id of g.out[x]!) {
      const e = g.edges[id]!;
      if (!ok(e) || e.from === e.to) continue;
      if (--indeg[e.to]! === 0) queue.push(e.to);
    }
  }
  const remaining = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (indeg[i]! > 0) remaining[i] = 1;
  return { order, remaining };
}

/** One cycle among the nodes Kahn left over, as edges in dependency order. */
export function findCycle(g: Graph, remaining: Uint8Array, ok: (e: Edge) => boolean): Edge[] {
  let start = remaining.indexOf(1);
  if (start < 0) return [];
  // Walk backwards along remaining predecessors until a node repeats; that loop is a cycle.
  const visitedAt = new Map<number, number>();
  const path: Edge[] = [];
  let cur = start;
  for (let guard = 0; guard <= g.names.length + 1; guard++) {
    if (visitedAt.has(cur)) {
      const cycle = path.slice(visitedAt.get(cur)!);
      return cycle.reverse();
    }
    visitedAt.set(cur, path.length);
    const id = g.in[cur]!.find((eid) => {
      const e = g.edges[eid]!;
      return ok(e) && remaining[e.from] === 1 && e.from !== e.to;
    });
    if (id === undefined) return path.reverse();
    const e = g.edges[id]!;
    path.push(e);
    cur = e.from;
  }
  start = -1;
  return path.reverse();
}

/** Strongly connected components over accepted edges (iterative Tarjan); returns component id per node. */
export function scc(g: Graph, ok: (e: Edge) => boolean): { comp: Int32Array; size: Int32Array } {
  const n = g.names.length;
  const idx = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const sizes: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (idx[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    idx[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const frame = work[work.length - 1]!;
      const [v, ei] = frame;
      const outs = g.out[v]!;
      if (ei < outs.length) {
        frame[1]++;
        const e = g.edges[outs[ei]!]!;
        if (!ok(e)) continue;
        const w = e.to;
        if (idx[w] === -1) {
          idx[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, idx[w]!);
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === idx[v]) {
        const id = sizes.length;
        let size = 0;
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = id;
          size++;
        } while (w !== v);
        sizes.push(size);
      }
    }
  }
  return { comp, size: Int32Array.from(sizes) };
}

/** Whether `to` is reachable from `from` (stops as soon as it is found). */
export function reaches(g: Graph, from: number, to: number, ok: (e: Edge) => boolean = () => true): boolean {
  if (from === to) return true;
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length) {
    const n = stack.pop()!;
    for (const id of g.out[n]!) {
      const e = g.edges[id]!;
      if (!ok(e) || seen.has(e.to)) continue;
      if (e.to === to) return true;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return false;
}

/**
 * Ancestors of `start` in decreasing topological position, until `stop` says so: the
 * first ancestor accepted is the one with the highest position (nearest in order).
 * Cost is proportional to the ancestors visited before stopping.
 */
export function nearestAncestor(g: Graph, start: number, topo: Int32Array, ok: (e: Edge) => boolean, accept: (n: number) => boolean): number | null {
  const heap: number[] = []; // max-heap of node ids by topo
  const seen = new Set<number>([start]);
  const push = (n: number) => {
    heap.push(n);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (topo[heap[p]!]! >= topo[heap[i]!]!) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && topo[heap[l]!]! > topo[heap[m]!]!) m = l;
        if (r < heap.length && topo[heap[r]!]! > topo[heap[m]!]!) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  const expand = (n: number) => {
    for (const id of g.in[n]!) {
      const e = g.edges[id]!;
      if (!ok(e) || seen.has(e.from)) continue;
      seen.add(e.from);
      push(e.from);
    }
  };
  expand(start);
  while (heap.length) {
    const n = pop();
    if (accept(n)) return n;
    expand(n);
  }
  return null;
}
