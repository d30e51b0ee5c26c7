/**
 * The SQLite store (P-2, D-R1, D-R4, D-R5): better-sqlite3, WAL, prepared statements
 * cached by SQL text. Reads return parsed records; writes are plain statements the engine
 * groups in one transaction per handled event (`tx`).
 */
import Database from 'better-sqlite3';
import type { CompiledFlow } from '../../compiler/ir.js';
import type { EventEnvelope, JobRecord, JobStatus, ListJobsFilter, PauseInfo, RunRecord, RunStatus } from '../types.js';
import { MIGRATIONS } from './schema.js';
import { newId } from '../ids.js';

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

type Row = Record<string, any>;

const JOB_STATUSES = new Set(['pending', 'running', 'paused', 'completed', 'failed', 'cancelled']);

const parse = (s: unknown): any => (typeof s === 'string' ? JSON.parse(s) : null);
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

export function toJobRecord(r: Row): JobRecord {
  return {
    id: r.id,
    name: r.name,
    objective: r.objective,
    // E-1: an unknown stored status maps to failed.
    status: (JOB_STATUSES.has(r.status) ? r.status : 'failed') as JobStatus,
    inputs: parse(r.inputs) ?? {},
    flowHash: r.flow_hash,
    flowName: r.flow_name,
    parentJobId: r.parent_job_id ?? null,
    parentRunId: r.parent_step_run_id ?? null,
    workspace: r.workspace_path,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    runnerPid: r.runner_pid ?? null,
    heartbeatAt: r.heartbeat_at ?? null,
    metadata: parse(r.metadata) ?? { sys: {}, app: {} },
  };
}

export function toRunRecord(r: Row): RunRecord {
  return {
    id: r.id,
    jobId: r.job_id,
    stepName: r.step_name,
    attempt: r.attempt,
    status: r.status as RunStatus,
    inputs: parse(r.inputs) ?? {},
    depRunIds: parse(r.dep_run_ids) ?? {},
    artifact: parse(r.artifact),
    error: r.error ?? null,
    errorCategory: r.error_category ?? null,
    executorState: parse(r.executor_state),
    executorMeta: parse(r.executor_meta),
    watch: parse(r.watch),
    subJobId: r.sub_job_id ?? null,
    pid: r.pid ?? null,
    startedAt: r.started_at ?? null,
    completedAt: r.completed_at ?? null,
  };
}

/** Retries an operation SQLite refused with SQLITE_BUSY without consulting the busy handler (journal mode changes). */
function withBusyRetry<T>(op: () => T, deadlineMs = 5000): T {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      return op();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > until) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

export type JobFailure = { error: string; step: string | null };

/** The `failure` column of a job row, parsed (written by setJobFailure). */
export function failureOf(row: Record<string, unknown> | undefined): JobFailure | null {
  return typeof row?.failure === 'string' ? (JSON.parse(row.failure) as JobFailure) : null;
}

/** The `pause` column of a job row, parsed (written by setJobPause). */
export function pauseOf(row: Record<string, unknown> | undefined): PauseInfo | null {
  return typeof row?.pause === 'string' ? (JSON.parse(row.pause) as PauseInfo) : null;
}

export class Store {
  readonly db: Database.Database;
  private stmts = new Map<string, Database.Statement>();
  private flowCache = new Map<string, CompiledFlow>();

  constructor(path: string) {
    // The busy timeout comes first: switching a fresh file to WAL needs a lock that another
    // process opening the same project at the same moment may hold.
    this.db = new Database(path, { timeout: 5000 });
    this.db.pragma('busy_timeout = 5000');
    withBusyRetry(() => this.db.pragma('journal_mode = WAL'));
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    const read = (): number => this.db.pragma('user_version', { simple: true }) as number;
    if (read() >= MIGRATIONS.length) return;
    // The version is read again under the write lock: processes opening a fresh project at
    // the same moment must not both apply the same step.
    this.db.transaction(() => {
      for (let v = read(); v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }
    }).immediate();
  }

  /** Cached prepared statement. */
  st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` in one IMMEDIATE transaction (several processes share the file). */
  tx<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }

  // ── flows (D-R5) ────────────────────────────────────────────────────────
  putFlow(flow: CompiledFlow, at: string): void {
    if (this.flowCache.has(flow.hash)) return;
    this.st('INSERT OR IGNORE INTO flows (hash, name, ir, created_at) VALUES (?, ?, ?, ?)').run(
      flow.hash,
      flow.name,
      JSON.stringify(flow),
      at,
    );
    this.flowCache.set(flow.hash, flow);
  }

  getFlow(hash: string): CompiledFlow | undefined {
    const hit = this.flowCache.get(hash);
    if (hit) return hit;
    const r = this.st('SELECT ir FROM flows WHERE hash = ?').get(hash) as Row | undefined;
    if (!r) return undefined;
    const flow = JSON.parse(r.ir) as CompiledFlow;
    this.flowCache.set(hash, flow);
    return flow;
  }

  // ── jobs ────────────────────────────────────────────────────────────────
  insertJob(j: JobRecord): void {
    this.st(
      `INSERT INTO jobs (id, name, objective, status, inputs, flow_hash, flow_name, parent_job_id, parent_step_run_id,
        workspace_path, created_at, updated_at, created_by, runner_pid, heartbeat_at, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      j.id, j.name, j.objective, j.status, JSON.stringify(j.inputs), j.flowHash, j.flowName, j.parentJobId,
      j.parentRunId, j.workspace, j.createdAt, j.updatedAt, j.createdBy, j.runnerPid, j.heartbeatAt,
      JSON.stringify(j.metadata),
    );
  }

  getJob(id: string): JobRecord | undefined {
    const r = this.st('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJobRecord(r) : undefined;
  }

  getJobRow(id: string): Row | undefined {
    return this.st('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
  }

  setJobStatus(id: string, status: JobStatus, at: string): void {
    this.st('UPDATE jobs SET status = ?, updated_at = ? WHERE id = ?').run(status, at, id);
  }

  setJobFailure(id: string, failure: JobFailure | null): void {
    this.st('UPDATE jobs SET failure = ? WHERE id = ?').run(json(failure), id);
  }

  /** What setJobFailure recorded (D-14), or null. */
  getJobFailure(id: string): JobFailure | null {
    return failureOf(this.getJobRow(id));
  }

  /** What setJobPause recorded (D-5), or null. */
  getJobPause(id: string): PauseInfo | null {
    return pauseOf(this.getJobRow(id));
  }

  setJobPause(id: string, pause: PauseInfo | null): void {
    this.st('UPDATE jobs SET pause = ? WHERE id = ?').run(json(pause), id);
  }

  setLoopFrames(id: string, frames: Record<string, unknown>): void {
    this.st('UPDATE jobs SET loop_frames = ? WHERE id = ?').run(JSON.stringify(frames), id);
  }

  setOwner(id: string, owner: string, pid: number | null, at: string | null): void {
    this.st('UPDATE jobs SET created_by = ?, runner_pid = ?, heartbeat_at = ? WHERE id = ?').run(owner, pid, at, id);
  }

  listJobs(filter: ListJobsFilter = {}): JobRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.topLevelOnly) where.push('parent_job_id IS NULL');
    if (filter.parentJobId) {
      where.push('parent_job_id = ?');
      args.push(filter.parentJobId);
    }
    if (filter.name) {
      where.push('name = ?');
      args.push(filter.name);
    }
    const sql = `SELECT * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, rowid DESC${
      filter.limit ? ' LIMIT ' + Math.max(0, Math.floor(filter.limit)) : ''
    }`;
    return (this.st(sql).all(...args) as Row[]).map(toJobRecord);
  }

  // ── runs ────────────────────────────────────────────────────────────────
  /** `seq` orders a job's runs; computed in the INSERT so a process adopting the job continues its sequence. */
  insertRun(r: RunRecord, owner: string | null): void {
    this.st(
      `INSERT INTO step_runs (id, job_id, step_name, attempt, status, inputs, dep_run_ids, artifact, error, error_category,
        executor_state, executor_meta, watch, sub_job_id, pid, owner, started_at, completed_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM step_runs WHERE job_id = ?))`,
    ).run(
      r.id, r.jobId, r.stepName, r.attempt, r.status, JSON.stringify(r.inputs), JSON.stringify(r.depRunIds),
      json(r.artifact), r.error, r.errorCategory, json(r.executorState), json(r.executorMeta), json(r.watch),
      r.subJobId, r.pid, owner, r.startedAt, r.completedAt, r.jobId,
    );
  }

  /** Writes every mutable column of a run (the engine keeps the record in memory). */
  updateRun(r: RunRecord): void {
    this.st(
      `UPDATE step_runs SET status = ?, artifact = ?, error = ?, error_category = ?, executor_state = ?, executor_meta = ?,
        watch = ?, sub_job_id = ?, pid = ?, completed_at = ? WHERE id = ?`,
    ).run(
      r.status, json(r.artifact), r.error, r.errorCategory, json(r.executorState), json(r.executorMeta), json(r.watch),
      r.subJobId, r.pid, r.completedAt, r.id,
    );
  }

  deleteRun(id: string): void {
    this.st('DELETE FROM step_runs WHERE id = ?').run(id);
  }

  listRuns(jobId: string, step?: string): RunRecord[] {
    const rows = step
      ? this.st('SELECT * FROM step_runs WHERE job_id = ? AND step_name = ? ORDER BY attempt, seq').all(jobId, step)
      : this.st('SELECT * FROM step_runs WHERE job_id = ? ORDER BY seq').all(jobId);
    return (rows as Row[]).map(toRunRecord);
  }

  getRun(id: string): RunRecord | undefined {
    const r = this.st('SELECT * FROM step_runs WHERE id = ?').get(id) as Row | undefined;
    return r ? toRunRecord(r) : undefined;
  }

  // ── events (P-3, P-4) ───────────────────────────────────────────────────
  /** Appends an event; its `evt-` id is drawn until unique (8 hex chars collide at scale, C-4). */
  insertEvent(jobId: string, at: string, type: string, data: Record<string, unknown>, isEffector = false): number {
    const step = typeof data.step === 'string' ? data.step : null;
    const body = JSON.stringify(data);
    for (let tries = 0; ; tries++) {
      try {
        const info = this.st(
          'INSERT INTO events (id, job_id, timestamp, type, data, step, is_effector) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ).run(newId('evt'), jobId, at, type, body, step, isEffector ? 1 : 0);
        return Number(info.lastInsertRowid);
      } catch (e) {
        if (tries >= 8 || !isUniqueViolation(e)) throw e;
      }
    }
  }

  /** A `job-`/`run-` id not used yet in `table` (8 hex chars collide at 10,000s of rows). */
  freshId(prefix: 'job' | 'run', table: 'jobs' | 'step_runs'): string {
    for (;;) {
      const id = newId(prefix);
      if (!this.st(`SELECT 1 FROM ${table} WHERE id = ?`).get(id)) return id;
    }
  }

  listEvents(filter: { jobId?: string; sinceEventId?: number } = {}): EventEnvelope[] {
    const since = filter.sinceEventId ?? 0;
    const rows = filter.jobId
      ? this.st(
          'SELECT e.*, j.metadata FROM events e LEFT JOIN jobs j ON j.id = e.job_id WHERE e.job_id = ? AND e.event_id > ? ORDER BY e.event_id',
        ).all(filter.jobId, since)
      : this.st('SELECT e.*, j.metadata FROM events e LEFT JOIN jobs j ON j.id = e.job_id WHERE e.event_id > ? ORDER BY e.event_id').all(
          since,
        );
    return (rows as Row[]).map((r) => envelope(r.event_id, r.type, r.job_id, r.timestamp, parse(r.data) ?? {}, parse(r.metadata)));
  }

  /**
   * Appends an event outside the engine's handled inputs (hook/webhook failures, D-12) in
   * its own transaction, so `event_id` stays gap-free and monotonic. Returns its envelope.
   */
  appendEventTx(jobId: string, at: string, type: string, data: Record<string, unknown>): EventEnvelope {
    return this.tx(() => {
      const eventId = this.insertEvent(jobId, at, type, data);
      const row = this.st('SELECT metadata FROM jobs WHERE id = ?').get(jobId) as Row | undefined;
      return envelope(eventId, type, jobId, at, data, parse(row?.metadata));
    });
  }

  // ── notification target (P-6) ───────────────────────────────────────────
  setJobNotify(id: string, url: string, context: Record<string, unknown> | undefined): void {
    this.st('UPDATE jobs SET notify_url = ?, notify_context = ? WHERE id = ?').run(url, json(context ?? {}), id);
  }

  getJobNotify(id: string): { url: string; context: Record<string, unknown> } | null {
    const r = this.st('SELECT notify_url, notify_context FROM jobs WHERE id = ?').get(id) as Row | undefined;
    if (!r || typeof r.notify_url !== 'string' || r.notify_url === '') return null;
    return { url: r.notify_url, context: parse(r.notify_context) ?? {} };
  }

  // ── timers (D-R3) ───────────────────────────────────────────────────────
  insertTimer(jobId: string, runId: string | null, kind: string, dueAt: number, data: Record<string, unknown> = {}): number {
    return Number(
      this.st('INSERT INTO timers (job_id, run_id, kind, due_at, data) VALUES (?, ?, ?, ?, ?)').run(
        jobId, runId, kind, dueAt, JSON.stringify(data),
      ).lastInsertRowid,
    );
  }

  deleteTimer(id: number): void {
    this.st('DELETE FROM timers WHERE id = ?').run(id);
  }

  listTimers(jobId: string): { id: number; runId: string | null; kind: string; dueAt: number; data: Record<string, unknown> }[] {
    return (this.st('SELECT * FROM timers WHERE job_id = ?').all(jobId) as Row[]).map((r) => ({
      id: r.id, runId: r.run_id, kind: r.kind, dueAt: r.due_at, data: parse(r.data) ?? {},
    }));
  }

  // ── cross-process commands ──────────────────────────────────────────────
  insertCommand(jobId: string, command: string, args: Record<string, unknown>, at: string): number {
    return Number(
      this.st('INSERT INTO job_commands (job_id, command, args, created_at) VALUES (?, ?, ?, ?)').run(jobId, command, JSON.stringify(args), at)
        .lastInsertRowid,
    );
  }

  /** A forwarded command's reply (E-15.2 across processes): set by the owner with `done_at`. */
  setCommandResult(id: number, result: Record<string, unknown>): void {
    this.st('UPDATE job_commands SET result = ? WHERE id = ?').run(JSON.stringify(result), id);
  }

  getCommand(id: number): { id: number; doneAt: string | null; result: Record<string, unknown> | null } | undefined {
    const r = this.st('SELECT id, done_at, result FROM job_commands WHERE id = ?').get(id) as Row | undefined;
    return r ? { id: r.id, doneAt: r.done_at ?? null, result: parse(r.result) ?? null } : undefined;
  }

  openCommands(): { id: number; jobId: string; command: string; args: Record<string, unknown> }[] {
    return (this.st('SELECT * FROM job_commands WHERE done_at IS NULL ORDER BY id').all() as Row[]).map((r) => ({
      id: r.id, jobId: r.job_id, command: r.command, args: parse(r.args) ?? {},
    }));
  }

  markCommandDone(id: number, at: string): void {
    this.st('UPDATE job_commands SET done_at = ? WHERE id = ?').run(at, id);
  }
}

export function envelope(
  eventId: number,
  type: string,
  jobId: string,
  timestamp: string,
  data: Record<string, unknown>,
  metadata: { sys?: Record<string, unknown>; app?: Record<string, unknown> } | null,
): EventEnvelope {
  const env: EventEnvelope = {
    event: type,
    job_id: jobId,
    timestamp,
    event_id: eventId,
    metadata: { sys: metadata?.sys ?? {}, app: metadata?.app ?? {} },
    data,
  };
  if (typeof data.step === 'string') env.step = data.step;
  return env;
}
