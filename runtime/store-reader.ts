/** The read side of the store (`Stepwise.store`): parsed records, E-13 outputs, D-14 failure info. */
import type { CompiledFlow } from '../compiler/ir.js';
import { completedOutputs, terminalOutputs } from './logic/terminal-outputs.js';
import { failureOf, pauseOf, type Store } from './store/store.js';
import type { JobStatus, PauseInfo, RunRecord, StoreReader } from './types.js';

function runsByStep(runs: RunRecord[]): (step: string) => RunRecord[] {
  const by = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const list = by.get(r.stepName);
    if (list) list.push(r);
    else by.set(r.stepName, [r]);
  }
  for (const list of by.values()) list.sort((a, b) => a.attempt - b.attempt);
  return (s) => by.get(s) ?? [];
}

export function createStoreReader(store: Store): StoreReader {
  return {
    getJob: (id) => store.getJob(id),
    listJobs: (filter) => store.listJobs(filter),
    listRuns: (jobId, step) => store.listRuns(jobId, step),
    getRun: (id) => store.getRun(id),
    listEvents: (filter) => store.listEvents(filter),
    getFlow: (hash): CompiledFlow | undefined => store.getFlow(hash),
    terminalOutputs(jobId) {
      const job = store.getJob(jobId);
      const flow = job ? store.getFlow(job.flowHash) : undefined;
      if (!flow) return [];
      return terminalOutputs(flow, runsByStep(store.listRuns(jobId)));
    },
    completedOutputs: (jobId) => completedOutputs(store.listRuns(jobId)),
    failureInfo(jobId) {
      const row = store.getJobRow(jobId);
      if (!row) return { error: `Job not found: ${jobId}`, failedStep: null };
      const f = failureOf(row);
      if (f) return { error: f.error, failedStep: f.step ?? null };
      const failed = store.listRuns(jobId).find((r) => r.status === 'failed');
      if (failed) return { error: failed.error ?? `Step '${failed.stepName}' failed`, failedStep: failed.stepName };
      if (row.status === 'cancelled') return { error: 'Job cancelled', failedStep: null };
      return { error: `Job is ${row.status as JobStatus}; no step failed`, failedStep: null };
    },
    pauseInfo(jobId): PauseInfo | null {
      const row = store.getJobRow(jobId);
      if (!row || row.status !== 'paused') return null;
      return pauseOf(row) ?? { reason: 'paused' };
    },
  };
}

/** A waiter's view from rows (jobs driven by another process). */
export function outcomeFromStore(store: Store, jobId: string): JobStatus | 'suspended' | null {
  const job = store.getJob(jobId);
  if (!job) return null;
  if (['completed', 'failed', 'cancelled', 'paused'].includes(job.status)) return job.status;
  if (job.status !== 'running') return null;
  const runs = store.listRuns(jobId);
  if (runs.some((r) => r.status === 'running' || r.status === 'delegated')) return null;
  return runs.some((r) => r.status === 'suspended') ? 'suspended' : null;
}
