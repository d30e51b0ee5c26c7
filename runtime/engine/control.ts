/** E-14 control operations: pause, resume, cancel, rerun; stopping active runs. */
import { resolveInputs } from '../logic/input-resolution.js';
import type { PauseInfo } from '../types.js';
import type { Engine } from './engine.js';
import type { LiveJob } from './live-job.js';

/** Stops every active run of the job (abort executors, cancel sub-jobs). */
export function stopActive(engine: Engine, job: LiveJob, to: 'cancelled' | 'suspended', error: string | null): void {
  const subJobs: string[] = [];
  for (const id of [...job.active]) {
    const run = job.runsById.get(id)!;
    if (to === 'suspended' && run.status !== 'running') continue;
    job.aborts.get(id)?.abort(new Error(error ?? 'stopped'));
    job.aborts.delete(id);
    if (run.subJobId) subJobs.push(run.subJobId);
    subJobs.push(...(job.forEach.get(run.id)?.subJobIds ?? []));
    // The run leaves `delegated` first, so the sub-jobs' cancellation below is not read as a result.
    run.status = to;
    if (to === 'cancelled') {
      run.error = error;
      run.completedAt = engine.now();
    }
    engine.store.updateRun(run);
    job.noteStatus(run);
    engine.clearRunTimers(job, run);
  }
  for (const sid of subJobs) {
    const sub = engine.jobs.get(sid);
    if (sub && !['completed', 'failed', 'cancelled'].includes(sub.record.status)) engine.cancel(sub);
  }
  for (const s of job.queued) job.queued.delete(s);
  // Stale queue entries of this job are skipped by the drain (their step is no longer in `queued`).
}

export function pauseWith(engine: Engine, job: LiveJob, info: PauseInfo): void {
  engine.store.setJobPause(job.id, info);
  engine.transitionJob(job, { type: 'PAUSE', data: { ...info } });
}

export function pause(engine: Engine, job: LiveJob): void {
  if (job.record.status !== 'running') return;
  engine.stopActive(job, 'suspended', 'Paused');
  // P-3: an API pause emits `job.paused {}`; pauseInfo still says why.
  engine.store.setJobPause(job.id, { reason: 'paused' });
  engine.transitionJob(job, { type: 'PAUSE', data: {} });
}

export function resume(engine: Engine, job: LiveJob): void {
  if (!['paused', 'cancelled', 'completed', 'failed'].includes(job.record.status)) return;
  for (const id of [...job.suspended]) {
    const run = job.runsById.get(id)!;
    if (run.watch) continue;
    run.status = 'cancelled';
    run.error = 'Paused and restarted on resume';
    run.completedAt = engine.now();
    engine.store.updateRun(run);
    job.noteStatus(run);
  }
  engine.store.setJobPause(job.id, null);
  engine.store.setJobFailure(job.id, null);
  engine.transitionJob(job, { type: 'RESUME' });
  // Loops that fired while the job was paused launch their targets now (E-10.1).
  engine.launchPending(job);
  // A sub-flow paused inside resumes with its parent.
  for (const id of [...job.active]) {
    const run = job.runsById.get(id)!;
    const sub = run.status === 'delegated' && run.subJobId ? engine.jobs.get(run.subJobId) : undefined;
    if (sub && sub.record.status === 'paused') resume(engine, sub);
  }
  engine.dispatchAll(job);
}

export function cancel(engine: Engine, job: LiveJob): void {
  if (job.record.status === 'cancelled') return;
  engine.stopActive(job, 'cancelled', 'Job cancelled');
  engine.transitionJob(job, { type: 'CANCEL', data: {} });
}

export function rerun(engine: Engine, job: LiveJob, step: string): string | null {
  if (!job.index.steps.has(step)) return `unknown step '${step}'`;
  const latest = job.latest(step);
  if (latest && ['running', 'suspended', 'delegated'].includes(latest.status)) return `step '${step}' is active (status: ${latest.status})`;
  for (const s of job.index.order) {
    if (s === step) continue;
    for (const r of job.runsOf(s).filter((x) => x.status === 'skipped')) {
      engine.store.deleteRun(r.id);
      job.removeRun(r);
    }
  }
  if (job.record.status !== 'running') engine.transitionJob(job, { type: 'RERUN' });
  engine.store.setJobFailure(job.id, null);
  engine.emit(job, 'external.rerun', { step });
  engine.launch(job, step, resolveInputs(job, job.index.steps.get(step)!.step), true);
  engine.afterChange(job, [step]);
  return null;
}
