/**
 * E-15.2 fulfilment of a suspended run, for the process that drives the job (`fulfillLive`)
 * and as a read-only pre-check any process can run first (`precheckFulfil`), so a bad
 * payload is refused at once without waking the owner.
 */
import type { Store } from '../store/store.js';
import type { FulfillResult, JobStatus, RunRecord } from '../types.js';
import type { Engine } from '../engine/engine.js';
import type { LiveJob } from '../engine/live-job.js';
import { coercePayload } from './coerce-payload.js';
import { watchFields, watchSchema } from './normalize-watch.js';

const rejected = (error: string, problems: string[] = [error]): FulfillResult => ({ status: 'rejected', error, problems });

export function runNotFound(runId: string): string {
  return `Run not found: ${runId}. Hint: \`stepwise list --suspended\` lists the runs waiting for input.`;
}

/** Status checks and typed coercion (no writes). Null when the run can be fulfilled with this payload. */
export function checkFulfil(run: RunRecord | undefined, runId: string, payload: unknown, jobStatus: (jobId: string) => JobStatus | undefined): FulfillResult | null {
  if (!run) return rejected(runNotFound(runId));
  if (run.status === 'completed' && run.watch) {
    return { status: 'already_fulfilled', run_id: run.id, fulfilled_at: run.completedAt, job_id: run.jobId, job_status: jobStatus(run.jobId) ?? 'running' };
  }
  if (run.status !== 'suspended' || !run.watch) return rejected(`Run ${run.id} is not suspended (status: ${run.status})`);
  const c = coercePayload(payload, watchFields(run.watch), watchSchema(run.watch));
  return c.ok ? null : rejected(c.error, c.problems);
}

export function precheckFulfil(store: Store, runId: string, payload: unknown): FulfillResult | null {
  return checkFulfil(store.getRun(runId), runId, payload, (id) => store.getJob(id)?.status);
}

/** Fulfils `runId` of a job this engine drives. Call inside `engine.handle`. */
export function fulfillLive(engine: Engine, job: LiveJob, runId: string, payload: unknown): FulfillResult {
  const run = job.runsById.get(runId);
  const pre = checkFulfil(run, runId, payload, (id) => engine.jobs.get(id)?.record.status ?? engine.store.getJob(id)?.status);
  if (pre) return pre;
  const c = coercePayload(payload, watchFields(run!.watch), watchSchema(run!.watch));
  if (!c.ok) return rejected(c.error, c.problems);
  let handled = false;
  let err: string | null = null;
  // A fulfilment is the run's executor result arriving late: the job machine decides (D-R1).
  engine.input(job, { type: 'EXECUTOR_RESULT' }, () => {
    handled = true;
    err = engine.fulfill(job, run!, c.payload); // a completed run's timers (poll checks) go with it
  });
  if (!handled) return rejected(`Job ${job.id} is ${job.record.status}: its runs cannot be fulfilled. Hint: \`stepwise resume ${job.id}\` first.`);
  if (err !== null) return rejected(err);
  return { status: 'fulfilled', run_id: runId, job_id: job.id };
}
