/**
 * E-4 input resolution: one binding at a time, from the latest completed run of the
 * source, with presence and the run ids the inputs came from (E-2.3, E-4.5).
 */
import type { Binding, BindingSource, CompiledStep } from '../../compiler/ir.js';
import { failedContinue, type JobView } from './job-view.js';

export interface ResolvedInputs {
  /** By local name; an absent loop-back binding has no key (T-3). */
  inputs: Record<string, unknown>;
  presence: Record<string, boolean>;
  depRunIds: Record<string, string>;
  /** Locals that could not be resolved yet (the step is not ready anyway). */
  unresolved: string[];
}

/** Walks `path` below `value`; a non-object (or missing key) in the way yields null (E-4.2). */
export function walkPath(value: unknown, path: string[]): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    v = (v as Record<string, unknown>)[seg];
    if (v === undefined) return null;
  }
  return v === undefined ? null : v;
}

function fromArtifact(artifact: Record<string, unknown> | null, src: BindingSource): unknown {
  const root = artifact?.[src.field];
  return walkPath(root === undefined ? null : root, src.path);
}

/** E-4.4: a back-edge is absent while its closing loop frame is missing or at iteration 0. */
function backEdgeClosed(view: JobView, b: Binding): boolean {
  if (!b.backEdge) return false;
  const f = b.closingLoop ? view.frame(b.closingLoop) : undefined;
  return !f || f.iteration === 0;
}

type One = { kind: 'value'; value: unknown; present: boolean; runId?: string; step?: string } | { kind: 'absent' } | { kind: 'unresolved' };

function resolveSource(view: JobView, b: Binding, src: BindingSource): One {
  if (src.step === '$job') {
    return { kind: 'value', value: walkPath(view.jobInputs[src.field] ?? null, src.path), present: true, runId: '$job', step: '$job' };
  }
  const done = view.latestCompleted(src.step);
  if (done) return { kind: 'value', value: fromArtifact(done.artifact, src), present: true, runId: done.id, step: src.step };
  if (failedContinue(view, src.step)) return { kind: 'value', value: null, present: true, runId: view.latest(src.step)!.id, step: src.step };
  if (b.backEdge) return { kind: 'absent' };
  if (b.optional) return { kind: 'value', value: null, present: false };
  return { kind: 'unresolved' };
}

function resolveBinding(view: JobView, b: Binding): One {
  if (backEdgeClosed(view, b)) return { kind: 'absent' };
  if (b.kind !== 'any_of') return resolveSource(view, b, b.sources[0]!);
  // E-4.3: first source in list order with a completed run, then first failed-with-continue.
  for (const src of b.sources) {
    const done = view.latestCompleted(src.step);
    if (done) return { kind: 'value', value: fromArtifact(done.artifact, src), present: true, runId: done.id, step: src.step };
  }
  for (const src of b.sources) {
    if (failedContinue(view, src.step)) return { kind: 'value', value: null, present: true, runId: view.latest(src.step)!.id, step: src.step };
  }
  if (b.backEdge) return { kind: 'absent' };
  if (b.optional) return { kind: 'value', value: null, present: false };
  return { kind: 'unresolved' };
}

export function resolveInputs(view: JobView, step: CompiledStep): ResolvedInputs {
  const out: ResolvedInputs = { inputs: {}, presence: {}, depRunIds: {}, unresolved: [] };
  for (const b of step.inputs) {
    const r = resolveBinding(view, b);
    if (r.kind === 'unresolved') {
      out.unresolved.push(b.local);
      out.presence[b.local] = false;
    } else if (r.kind === 'absent') {
      out.presence[b.local] = false;
    } else {
      out.inputs[b.local] = r.value;
      out.presence[b.local] = r.present;
      if (r.step && r.runId) out.depRunIds[r.step] = r.runId;
    }
  }
  // E-4.5: ordering deps record the run they waited for.
  for (const a of step.after) {
    for (const s of a.kind === 'step' ? [a.step] : a.steps) {
      const done = view.latestCompleted(s);
      if (done && !out.depRunIds[s]) out.depRunIds[s] = done.id;
    }
  }
  for (const s of step.afterResolved) {
    const l = view.latest(s);
    if (l && (l.status === 'completed' || l.status === 'skipped') && !out.depRunIds[s]) out.depRunIds[s] = l.id;
  }
  if (step.forEach) {
    const src = step.forEach.source.step;
    const done = src === '$job' ? undefined : view.latestCompleted(src);
    if (done) out.depRunIds[src] = done.id;
  }
  return out;
}
