/**
 * Lower: a checked FlowModel → the CompiledFlow IR (compiler/ir.ts), with entry and
 * terminal sets, the dependency index the runtime uses for incremental readiness
 * (D-R1), loop bookkeeping (E-5.4b, E-10.4) and the content hash (D-R5).
 */
import { createHash } from 'node:crypto';
import { buildJobMachineConfig } from './job-machine.js';
import { kahn, nearestAncestor, reach, scc, type Edge, type Graph } from './graph.js';
import { entrySteps, isLoopInternal, terminalSteps } from './flow-sets.js';
import { IR_VERSION, type CompiledFlow, type DependencyIndex } from './ir.js';
import type { FlowModel } from './model.js';

const notBackEdge = (e: Edge) => !(e.binding && e.binding.backEdge);

export function lowerFlow(model: FlowModel, g: Graph): CompiledFlow {
  const steps = model.steps.map((m) => m.step);
  const names = g.names;
  for (const s of steps) {
    s.loopInternal = isLoopInternal(s);
    s.loopTargets = [...new Set(s.exits.filter((r) => r.action === 'loop' && r.target !== undefined).map((r) => r.target!))];
  }
  // E-5.4b: on a cycle of non-back-edge edges (optional ones included) with no external step.
  const { comp, size } = scc(g, notBackEdge);
  const hasExternal = new Uint8Array(size.length);
  steps.forEach((s, i) => {
    if (s.kind === 'external') hasExternal[comp[i]!] = 1;
  });
  const selfLoop = new Uint8Array(steps.length);
  for (const e of g.edges) if (e.from === e.to && notBackEdge(e)) selfLoop[e.from] = 1;
  steps.forEach((s, i) => {
    const c = comp[i]!;
    s.onCycle = (size[c]! > 1 || selfLoop[i] === 1) && !hasExternal[c];
  });

  const flow: CompiledFlow = {
    irVersion: IR_VERSION,
    hash: '',
    name: model.name,
    description: model.description,
    ...(model.author !== undefined ? { author: model.author } : {}),
    version: model.version,
    visibility: model.visibility,
    ...(model.archived ? { archived: true } : {}),
    ...(model.forkedFrom !== undefined ? { forkedFrom: model.forkedFrom } : {}),
    ...(model.requires ? { requires: model.requires } : {}),
    ...(model.sourceFile ? { sourceFile: model.sourceFile } : {}),
    ...(model.flowDir ? { flowDir: model.flowDir } : {}),
    vars: model.vars,
    jobFieldsUsed: jobFieldsUsed(model),
    steps,
    entry: entrySteps(steps).map((i) => names[i]!),
    terminal: terminalSteps(steps, g).map((i) => names[i]!),
    deps: dependencyIndex(model, g),
    machine: buildJobMachineConfig(model),
  };
  flow.hash = hashFlow(flow);
  return flow;
}

function jobFieldsUsed(model: FlowModel): string[] {
  const out = new Set<string>();
  for (const m of model.steps) for (const b of m.step.inputs) if (b.kind === 'job' && !b.optional) out.add(b.sources[0]!.field);
  return [...out];
}

function dependencyIndex(model: FlowModel, g: Graph): DependencyIndex {
  const names = g.names;
  const dependsOn: Record<string, string[]> = {};
  const dependents: Record<string, string[]> = {};
  for (const n of names) {
    dependsOn[n] = [];
    dependents[n] = [];
  }
  const seenPair = new Set<string>();
  for (const e of g.edges) {
    if (e.from === e.to) continue;
    const key = `${e.from}\u0000${e.to}`;
    if (seenPair.has(key)) continue;
    seenPair.add(key);
    dependsOn[names[e.to]!]!.push(names[e.from]!);
    dependents[names[e.from]!]!.push(names[e.to]!);
  }
  const loopers: Record<string, string[]> = {};
  for (const m of model.steps) {
    for (const t of m.step.loopTargets) {
      const list = (loopers[t] ??= []);
      if (!list.includes(m.step.name)) list.push(m.step.name);
    }
  }
  const loopBody: Record<string, string[]> = {};
  const parentFrame: Record<string, string | null> = {};
  const targets = Object.keys(loopers).filter((t) => g.index.has(t));
  if (targets.length === 0) return { dependsOn, dependents, loopers, loopBody, parentFrame };
  const { order, remaining } = kahn(g, notBackEdge);
  const topo = new Int32Array(names.length);
  order.forEach((n, pos) => (topo[n] = pos));
  const targetIdx = new Set(targets.map((t) => g.index.get(t)!));
  if (remaining.includes(1)) {
    // Optional-edge cycles (E-5.4b) break the topological pruning: plain walks instead.
    for (const t of targets) {
      const ti = g.index.get(t)!;
      const f = reach(g, ti, 'forward', notBackEdge);
      const b = reach(g, loopers[t]!.map((x) => g.index.get(x)!), 'backward', notBackEdge);
      loopBody[t] = names.filter((_, i) => f[i] && b[i]);
      if (!loopBody[t]!.includes(t)) loopBody[t]!.unshift(t);
      let best: number | null = null;
      for (const other of targetIdx) {
        if (other === ti || !reach(g, other, 'forward', notBackEdge)[ti]) continue;
        if (best === null || topo[other]! > topo[best]!) best = other;
      }
      parentFrame[t] = best === null ? null : names[best]!;
    }
    return { dependsOn, dependents, loopers, loopBody, parentFrame };
  }
  for (const t of targets) {
    const ti = g.index.get(t)!;
    loopBody[t] = bodyBetween(g, ti, loopers[t]!.map((x) => g.index.get(x)!), topo).map((i) => names[i]!);
    // E-10.4: the innermost other loop target T is reachable from = its highest-placed ancestor target.
    const parent = nearestAncestor(g, ti, topo, notBackEdge, (n) => targetIdx.has(n) && n !== ti);
    parentFrame[t] = parent === null ? null : names[parent]!;
  }
  return { dependsOn, dependents, loopers, loopBody, parentFrame };
}

/**
 * Nodes on some path T → … → looper: walk back from the loopers but never below T's
 * topological position (nothing there is reachable from T), then keep what T reaches.
 */
function bodyBetween(g: Graph, t: number, owners: number[], topo: Int32Array): number[] {
  const back = new Set<number>();
  const stack: number[] = [];
  for (const o of owners) {
    if (topo[o]! >= topo[t]! && !back.has(o)) {
      back.add(o);
      stack.push(o);
    }
  }
  while (stack.length) {
    const n = stack.pop()!;
    for (const id of g.in[n]!) {
      const e = g.edges[id]!;
      if (!notBackEdge(e) || back.has(e.from) || topo[e.from]! < topo[t]!) continue;
      back.add(e.from);
      stack.push(e.from);
    }
  }
  const body = new Set<number>([t]);
  const fwd = [t];
  while (fwd.length) {
    const n = fwd.pop()!;
    for (const id of g.out[n]!) {
      const e = g.edges[id]!;
      if (!notBackEdge(e) || body.has(e.to) || !back.has(e.to)) continue;
      body.add(e.to);
      fwd.push(e.to);
    }
  }
  return [...body].sort((a, b) => a - b);
}

/** Keys holding user data: their contents are hashed verbatim (a user key named `loc` stays). */
const DATA_KEYS = new Set(['config', 'default', 'value', 'options']);

/**
 * Canonical JSON: sorted keys, undefined members dropped. One string built by appending
 * (no per-node arrays or joins): the hash of a 500-step flow is on the `validate` path.
 */
function canonical(v: unknown, strip: boolean): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + canonical(v[i], strip);
    return out + ']';
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const x = obj[k];
    if (x === undefined || (strip && (k === 'loc' || k === 'hash'))) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonical(x, strip && !DATA_KEYS.has(k));
    first = false;
  }
  return out + '}';
}

export function hashFlow(flow: CompiledFlow): string {
  return createHash('sha256').update(canonical(flow, true)).digest('hex');
}
