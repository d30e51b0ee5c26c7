/**
 * Delegated steps: for_each (E-16) and sub-flows (E-17) run as sub-jobs of the job; the
 * parent run stays DELEGATED until the sub-jobs settle. Counters per for_each run keep the
 * completion check O(1) per item (a 10,000-item for_each stays linear).
 */
import { join } from 'node:path';
import type { CompiledStep } from '../../compiler/ir.js';
import { walkPath } from '../logic/input-resolution.js';
import { mergedTerminalArtifact } from '../logic/terminal-outputs.js';
import type { RunRecord } from '../types.js';
import type { Engine } from './engine.js';
import type { LiveJob } from './live-job.js';
import { failAndHalt } from './outcomes.js';

export const MAX_SUB_JOB_DEPTH = 5;

export interface ForEachProgress {
  subJobIds: string[];
  indexOf: Map<string, number>;
  results: (Record<string, unknown> | undefined)[];
  done: number;
  failed: number;
  onError: 'fail_fast' | 'continue';
}

export function forEachProgress(job: LiveJob): Map<string, ForEachProgress> {
  return job.forEach;
}

function pyType(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'dict';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int' : 'float';
}

/** D-14: say why the sub-job failed (`Sub-job failed: <its error>`), not only that it did. */
function innerReason(engine: Engine, subJobId: string): string {
  const f = engine.store.getJobFailure(subJobId);
  return f?.error ? `: ${f.step ? `step '${f.step}': ` : ''}${f.error}` : '';
}

function depthOf(job: LiveJob): number {
  const d = job.record.metadata.sys.depth;
  return typeof d === 'number' ? d : 0;
}

export function startDelegation(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord): void {
  if (depthOf(job) >= MAX_SUB_JOB_DEPTH) {
    failAndHalt(engine, job, run, `Sub-job depth limit reached (max_sub_job_depth ${MAX_SUB_JOB_DEPTH})`);
    return;
  }
  if (step.forEach) startForEach(engine, job, step, run);
  else if (step.subFlow) startSubFlow(engine, job, step, run);
  else failAndHalt(engine, job, run, `Step '${step.name}' has no sub-flow to run`);
}

function startSubFlow(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord): void {
  const sub = engine.createJobRecord(step.subFlow!.flow, {
    inputs: run.inputs,
    objective: `${job.record.objective} > ${step.name}`,
    metadata: { sys: {}, app: {} },
    parent: { job, runId: run.id, workspace: (id) => join(job.record.workspace, 'jobs', id) },
  });
  run.subJobId = sub.id;
  engine.store.updateRun(run);
  engine.emit(job, 'step.delegated', { step: step.name, sub_job_id: sub.id, flow_ref: step.subFlow!.ref });
  engine.startJob(engine.jobs.get(sub.id)!);
}

function startForEach(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord): void {
  const fe = step.forEach!;
  const src = fe.source;
  let list: unknown =
    src.step === '$job'
      ? walkPath(job.record.inputs[src.field] ?? null, src.path)
      : walkPath(job.latestCompleted(src.step)?.artifact?.[src.field] ?? null, src.path);
  if (typeof list === 'string') {
    try {
      list = JSON.parse(list);
    } catch {
      // not JSON: reported as "not a list" below
    }
  }
  if (!Array.isArray(list)) {
    failAndHalt(engine, job, run, `for_each source '${src.step}.${[src.field, ...src.path].join('.')}' is not a list (got ${pyType(list)})`);
    return;
  }
  if (list.length === 0) {
    engine.completeRun(job, run, { results: [] }, { forEach: { itemCount: 0 } });
    return;
  }
  const ids: string[] = [];
  const subs: LiveJob[] = [];
  list.forEach((item, i) => {
    const rec = engine.createJobRecord(fe.flow, {
      inputs: { ...job.record.inputs, ...run.inputs, [fe.as]: item },
      objective: `${job.record.objective} > ${step.name}[${i}]`,
      metadata: { sys: {}, app: {} },
      parent: { job, runId: run.id, workspace: join(job.record.workspace, 'for_each', step.name, String(i)) },
    });
    ids.push(rec.id);
    subs.push(engine.jobs.get(rec.id)!);
  });
  run.executorState = { ...(run.executorState ?? {}), sub_job_ids: ids, item_count: ids.length };
  engine.store.updateRun(run);
  forEachProgress(job).set(run.id, {
    subJobIds: ids,
    indexOf: new Map(ids.map((id, i) => [id, i])),
    results: new Array(ids.length).fill(undefined),
    done: 0,
    failed: 0,
    onError: fe.onError,
  });
  engine.emit(job, 'for_each.started', { step: step.name, attempt: run.attempt, item_count: ids.length, sub_job_ids: ids, cached_count: 0 });
  for (const sub of subs) {
    if (run.status !== 'delegated') break; // fail_fast already settled the run
    engine.startJob(sub);
  }
}

/** A sub-job reached completed/failed/cancelled/paused (E-16.4, E-17.1). */
export function onSubJobSettled(engine: Engine, parent: LiveJob, runId: string, sub: LiveJob): void {
  const run = parent.runsById.get(runId);
  const status = sub.record.status;
  if (!run || run.status !== 'delegated') return;
  const step = parent.index.steps.get(run.stepName)!.step;
  if (step.subFlow && !step.forEach) {
    if (status === 'completed') engine.completeRun(parent, run, mergedTerminalArtifact(sub.flow, (s) => sub.runsOf(s)), {});
    else if (status === 'failed' || status === 'cancelled') failAndHalt(engine, parent, run, `Sub-job ${status}${innerReason(engine, sub.id)}`);
    else if (status === 'paused' && parent.record.status === 'running') {
      // E-17.1 leaves the run delegated; the parent pauses too so a waiter sees it (D-5), and its resume resumes the sub-job.
      const why = engine.store.getJobPause(sub.id)?.reason;
      engine.pauseWith(parent, { reason: 'sub_job_paused', step: run.stepName, ...(why ? { rule: why } : {}) });
    }
    return;
  }
  const p = forEachProgress(parent).get(runId);
  const i = p?.indexOf.get(sub.id);
  if (!p || i === undefined) return;
  recordItem(engine, parent, run, p, i, sub.id, status, () => mergedTerminalArtifact(sub.flow, (s) => sub.runsOf(s)));
}

export function recordItem(
  engine: Engine,
  parent: LiveJob,
  run: RunRecord,
  p: ForEachProgress,
  i: number,
  subId: string,
  status: string,
  artifact: () => Record<string, unknown>,
): void {
  const first = p.results[i] === undefined;
  if (status === 'completed') p.results[i] = artifact();
  else if (status === 'failed') {
    if (p.onError === 'fail_fast') {
      // Fail the run first: the siblings' cancellation must not be read as item results.
      const error = `For-each item ${i} failed`;
      engine.markFailed(parent, run, error, null, null);
      engine.emit(parent, 'step.failed', { step: run.stepName, attempt: run.attempt, error });
      for (const id of p.subJobIds) {
        const other = engine.jobs.get(id);
        if (other && id !== subId && !['completed', 'failed', 'cancelled'].includes(other.record.status)) engine.cancel(other);
      }
      engine.halt(parent, run.stepName, error);
      return;
    }
    p.results[i] = { _error: `Sub-job ${subId} failed` };
  } else p.results[i] = { _error: `Sub-job ${status}` };
  if (first) p.done++;
  if (first && status !== 'completed') p.failed++;
  if (p.done < p.subJobIds.length || run.status !== 'delegated') return;
  const results = p.results as Record<string, unknown>[];
  engine.emit(parent, 'for_each.completed', { step: run.stepName, item_count: results.length, failed_count: p.failed });
  if (p.failed === results.length) {
    failAndHalt(engine, parent, run, `All ${results.length} sub-jobs failed`, { results });
    return;
  }
  engine.completeRun(parent, run, { results }, { forEach: { itemCount: results.length } });
}
