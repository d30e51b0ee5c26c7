/**
 * What the crash test compares between a crash-free job and each crashed job: completed runs
 * per (sub-job, step) — sub-jobs keyed by their workspace path relative to the top job, which
 * encodes the for_each step and item index (SPEC E-3) — ledger lines, and the raw event ids.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { JobRecord, StoreReader } from '../../runtime/types.js';

export const dbPath = (projectDir: string) => path.join(projectDir, '.stepwise', 'stepwise.db');

/** The job and all its descendants (for_each items are sub-jobs, E-16). */
export function jobTree(store: StoreReader, top: JobRecord): JobRecord[] {
  const all = store.listJobs();
  const out = [top];
  for (let i = 0; i < out.length; i++) for (const j of all) if (j.parentJobId === out[i]!.id) out.push(j);
  return out;
}

/** `<sub-job workspace relative to the top job's>:<step>` → number of COMPLETED runs. */
export function completedCounts(store: StoreReader, top: JobRecord): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const job of jobTree(store, top)) {
    // Sub-flow jobs live in `<parent ws>/jobs/<their id>` (E-3): name them by the step instead.
    const parentStep = job.parentRunId ? store.getRun(job.parentRunId)?.stepName : undefined;
    const rel = (path.relative(top.workspace, job.workspace) || '.').replace(/job-[0-9a-f]+$/, `<${parentStep ?? '?'}>`);
    for (const run of store.listRuns(job.id)) {
      if (run.status !== 'completed') continue;
      const key = `${rel}:${run.stepName}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Executions a script step really performed in a workspace (lines its ledger got). */
export function ledgerLines(workspace: string, step: string): number {
  const file = path.join(workspace, `ledger-${step}.txt`);
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
}

export interface RawJob {
  id: string;
  name: string;
  status: string;
  workspace: string;
}

export interface RawRun {
  status: string;
  errorCategory: string | null;
  error: string | null;
}

/** Read-only view of the db (no engine open): top-level jobs, latest run of a step, event ids. */
export class RawDb {
  private db: Database.Database;
  constructor(projectDir: string) {
    this.db = new Database(dbPath(projectDir), { readonly: true, fileMustExist: true });
  }
  topLevelJobs(): RawJob[] {
    return this.db
      .prepare('SELECT id, name, status, workspace_path AS workspace FROM jobs WHERE parent_job_id IS NULL ORDER BY created_at, name')
      .all() as RawJob[];
  }
  latestRun(jobId: string, step: string): RawRun | undefined {
    return this.db
      .prepare(
        'SELECT status, error_category AS errorCategory, error FROM step_runs WHERE job_id = ? AND step_name = ? ORDER BY attempt DESC, seq DESC LIMIT 1',
      )
      .get(jobId, step) as RawRun | undefined;
  }
  eventIds(): number[] {
    return (this.db.prepare('SELECT event_id FROM events ORDER BY event_id').all() as Array<{ event_id: number }>).map((r) => r.event_id);
  }
  /**
   * The event log must tell the same story as the run rows: one `step.completed` per completed
   * run (a re-attached child must not be reported twice), one `job.completed` per completed job.
   */
  eventLogProblems(): string[] {
    const problems: string[] = [];
    const events = this.db
      .prepare("SELECT job_id AS jobId, step, COUNT(*) AS n FROM events WHERE type = 'step.completed' GROUP BY job_id, step")
      .all() as Array<{ jobId: string; step: string; n: number }>;
    const runs = this.db
      .prepare("SELECT job_id AS jobId, step_name AS step, COUNT(*) AS n FROM step_runs WHERE status = 'completed' GROUP BY job_id, step_name")
      .all() as Array<{ jobId: string; step: string; n: number }>;
    const key = (r: { jobId: string; step: string }) => `${r.jobId}/${r.step}`;
    const runCount = new Map(runs.map((r) => [key(r), r.n]));
    const eventCount = new Map(events.map((r) => [key(r), r.n]));
    for (const k of new Set([...runCount.keys(), ...eventCount.keys()]))
      if ((runCount.get(k) ?? 0) !== (eventCount.get(k) ?? 0))
        problems.push(`${k}: ${eventCount.get(k) ?? 0} step.completed events for ${runCount.get(k) ?? 0} completed runs`);
    const jobs = this.db
      .prepare(
        "SELECT j.id, j.status, (SELECT COUNT(*) FROM events e WHERE e.job_id = j.id AND e.type = 'job.completed') AS n FROM jobs j",
      )
      .all() as Array<{ id: string; status: string; n: number }>;
    for (const j of jobs)
      if (j.n !== (j.status === 'completed' ? 1 : 0)) problems.push(`job ${j.id} (${j.status}): ${j.n} job.completed events`);
    return problems;
  }
  close(): void {
    this.db.close();
  }
}

/** Problems with an event-id sequence: it must be exactly 1..n (no gap, no duplicate). */
export function eventIdProblems(ids: number[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] !== i + 1) {
      problems.push(`event ids not consecutive from 1: position ${i} holds ${ids[i]} (previous ${ids[i - 1] ?? 'none'})`);
      break;
    }
  }
  return problems;
}
