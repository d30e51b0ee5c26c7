/** The top-level job a sub-job (for_each item, sub-flow) belongs to: the one a human waits on and drives. */
import type { JobRecord, StoreReader } from '../runtime/types.js';

/** Sub-job depth is bounded (E-17.3), so the walk stops after a few steps even on a damaged chain. */
const MAX_DEPTH = 64;

export function rootJobOf(store: StoreReader, job: JobRecord): JobRecord {
  let j = job;
  for (let i = 0; i < MAX_DEPTH && j.parentJobId; i++) {
    const parent = store.getJob(j.parentJobId);
    if (!parent) break;
    j = parent;
  }
  return j;
}

export function rootJobId(store: StoreReader, jobId: string): string {
  const job = store.getJob(jobId);
  return job ? rootJobOf(store, job).id : jobId;
}
