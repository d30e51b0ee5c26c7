/**
 * `openStepwise`: the embedded API the CLI calls. Wires the store, the engine, ownership
 * across processes (heartbeat, job_commands, adoption of jobs whose owner died) and the
 * read side (`StoreReader`).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CompiledFlow } from '../compiler/ir.js';
import { Store } from './store/store.js';
import { Engine } from './engine/engine.js';
import { createExecutorHost, defaultExecutors } from './engine/executor-host.js';
import { adoptJob } from './engine/adoption.js';
import { createStoreReader, outcomeFromStore } from './store-reader.js';
import { ownerState, registerOwner, unregisterOwner } from './ownership.js';
import type { CreateJobOptions, JobOutcome, JobRecord, OpenOptions, Stepwise } from './types.js';
import type { LiveJob } from './engine/live-job.js';
import { checkMetadata } from './metadata.js';
import { fulfillLive, precheckFulfil, runNotFound } from './watch/fulfill-run.js';
import { requestCheck } from './watch/poll-watch.js';
import { pollPending, waitCommandReply } from './watch/watch-waiters.js';
import type { FulfillResult, PollNowResult } from './types.js';
import { createNotifier } from './notify/notifier.js';
import { checkNotifyUrl } from './notify/check-notify.js';

const HEARTBEAT_MS = 2000;
const COMMAND_POLL_MS = 100;

export function openStepwise(opts: OpenOptions): Stepwise {
  const projectDir = resolve(opts.projectDir);
  const dbPath = opts.dbPath ?? process.env.STEPWISE_DB ?? join(projectDir, '.stepwise', 'stepwise.db');
  mkdirSync(join(projectDir, '.stepwise'), { recursive: true });
  mkdirSync(dirname(dbPath), { recursive: true });
  const store = new Store(dbPath);
  const clock = opts.clock ?? { now: () => Date.now() };
  const owner = opts.owner ?? `cli:${process.pid}`;
  const registry = { ...defaultExecutors(), ...(opts.executors ?? {}) };
  const engine = new Engine({ store, clock, owner, projectDir, host: createExecutorHost(projectDir, registry), ...(opts.executorCaps ? { executorCaps: opts.executorCaps } : {}) });
  registerOwner(owner);
  // P-5/P-6: hooks and webhooks for events of jobs this process drives (D-12: never blocking).
  const notifier = createNotifier({ projectDir, store, now: () => engine.now(), options: opts.notify });
  engine.onEvent((e) => notifier.onEvent(e));
  const reader = createStoreReader(store);
  let closed = false;

  const heartbeat = setInterval(() => {
    if (closed) return;
    try {
      store.st(
        `UPDATE jobs SET heartbeat_at = ? WHERE created_by = ? AND runner_pid = ? AND status IN ('pending', 'running', 'paused')`,
      ).run(engine.now(), owner, process.pid);
    } catch {
      // busy database: the next beat retries
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const commandPoll = setInterval(() => {
    if (closed) return;
    engine.fireDueTimers();
    try {
      for (const c of store.openCommands()) {
        const job = engine.jobs.get(c.jobId);
        if (!job) continue;
        engine.safely(() =>
          engine.handle(() => {
            const reply = apply(job, c.command, c.args);
            if (reply) store.setCommandResult(c.id, reply);
            store.markCommandDone(c.id, engine.now());
          }),
        );
      }
    } catch {
      // busy database: the next poll retries
    }
  }, COMMAND_POLL_MS);
  commandPoll.unref();

  function apply(job: LiveJob, command: string, args: Record<string, unknown>): Record<string, unknown> | void {
    if (command === 'fulfill') return fulfillLive(engine, job, String(args.run_id), args.payload);
    if (command === 'poll_now') return pollLive(job, String(args.run_id));
    if (command === 'pause') engine.pause(job);
    else if (command === 'resume') engine.resume(job);
    else if (command === 'cancel') engine.cancel(job);
    else if (command === 'rerun' && typeof args.step === 'string') engine.rerun(job, args.step);
    else if (command === 'start') engine.startJob(job);
  }

  /** The live job when this process drives it (adopting it if its owner is dead), else null (another live owner). */
  function drive(jobId: string): LiveJob | null {
    const mine = engine.jobs.get(jobId);
    if (mine) return mine;
    const row = store.getJobRow(jobId);
    if (!row) throw new Error(`Job not found: ${jobId}. Hint: list jobs with \`stepwise jobs\`.`);
    if (ownerState(row, owner, clock.now()) === 'alive') return null;
    const job = engine.handle(() => adoptJob(engine, jobId));
    if (job) return job;
    if (!store.getFlow(row.flow_hash)) throw new Error(`Job ${jobId} cannot be loaded: its flow (${row.flow_hash}) is missing from the store`);
    return null; // another process adopted it first
  }

  function pollLive(job: LiveJob, runId: string): PollNowResult {
    const run = job.runsById.get(runId);
    if (!run || run.status !== 'suspended' || run.watch?.mode !== 'poll')
      return { status: 'rejected', error: `Run ${runId} is not a suspended poll step (status: ${run?.status ?? 'unknown'})` };
    return { status: requestCheck(engine, job, run, true) === 'busy' ? 'busy' : 'started', run_id: runId, job_id: job.id };
  }

  /** The top-level job a run belongs to (a sub-job is driven with its root, E-16/E-17). */
  function rootOf(jobId: string): string {
    let id = jobId;
    for (let i = 0; i < 64; i++) {
      const parent = store.getJob(id)?.parentJobId;
      if (!parent) return id;
      id = parent;
    }
    return id;
  }

  /**
   * Runs `local` when this process drives the run's job (adopting it if its owner died);
   * otherwise forwards `command` to the live owner through job_commands and waits for its reply.
   */
  async function viaOwner<T extends Record<string, unknown>>(jobId: string, command: string, args: Record<string, unknown>, local: (job: LiveJob) => T): Promise<T> {
    const root = rootOf(jobId);
    drive(root);
    const job = engine.jobs.get(jobId);
    if (job) return engine.handle(() => local(job));
    const id = store.insertCommand(jobId, command, args, engine.now());
    const reply = await waitCommandReply(store, id, {
      isClosed: () => closed,
      // The owner may die while we wait: adopting the job makes this process's command poll apply it.
      onIdle: () => {
        const row = store.getJobRow(root);
        if (row && ownerState(row, owner, clock.now()) !== 'alive') drive(root);
      },
    });
    return reply as T;
  }

  /** E-14 preconditions, checked before acting or forwarding, so the caller gets the refusal. */
  function refuse(jobId: string, command: string): string | null {
    const rec = engine.jobs.get(jobId)?.record ?? store.getJob(jobId);
    if (!rec) return `Job not found: ${jobId}. Hint: list jobs with \`stepwise jobs\`.`;
    if (command === 'pause' && rec.status !== 'running')
      return `Cannot pause job ${jobId}: it is ${rec.status} (only a running job can be paused).`;
    if (command === 'resume' && !['paused', 'cancelled', 'completed', 'failed'].includes(rec.status))
      return `Cannot resume job ${jobId}: it is ${rec.status} (resume works on paused, failed, cancelled or completed jobs).`;
    if (command === 'cancel' && rec.status === 'cancelled') return `Job ${jobId} is already cancelled.`;
    return null;
  }

  function control(jobId: string, command: string, args: Record<string, unknown> = {}): void {
    const why = refuse(jobId, command);
    if (why) throw new Error(why);
    const job = drive(jobId);
    if (job) engine.handle(() => apply(job, command, args));
    else store.insertCommand(jobId, command, args, engine.now());
  }

  const api: Stepwise = {
    store: reader,

    createJob(flow: CompiledFlow, o: CreateJobOptions): JobRecord {
      const bad = checkMetadata(o.metadata);
      if (bad) throw new Error(`Invalid job metadata: ${bad}`);
      const badUrl = o.notify ? checkNotifyUrl(o.notify.url) : null;
      if (badUrl) throw new Error(`Invalid notify URL: ${badUrl}`);
      return engine.handle(() => {
        const rec = engine.createJobRecord(flow, o);
        if (o.notify) store.setJobNotify(rec.id, o.notify.url, o.notify.context);
        return rec;
      });
    },

    startJob(jobId: string): void {
      const job = drive(jobId);
      if (!job) {
        store.insertCommand(jobId, 'start', {}, engine.now());
        return;
      }
      engine.handle(() => engine.startJob(job));
    },

    waitForJob(jobId: string, o: { signal?: AbortSignal } = {}): Promise<JobOutcome> {
      return new Promise<JobOutcome>((resolvePromise, reject) => {
        let job: LiveJob | null = engine.jobs.get(jobId) ?? null;
        if (!job) {
          // A job that already ended (or paused) is answered from its rows, without adopting it.
          const settled = outcomeFromStore(store, jobId);
          const rec = store.getJob(jobId);
          if (settled && rec && settled !== 'suspended') {
            resolvePromise({ status: settled as JobOutcome['status'], job: rec });
            return;
          }
          try {
            job = drive(jobId);
          } catch (e) {
            reject(e);
            return;
          }
        }
        const cleanups: (() => void)[] = [];
        const finish = (outcome: JobOutcome | null, err?: unknown): void => {
          for (const c of cleanups) c();
          if (err) reject(err);
          else if (outcome) resolvePromise(outcome);
        };
        const check = (): boolean => {
          const live = engine.jobs.get(jobId);
          let status = live ? engine.outcomeOf(live) : outcomeFromStore(store, jobId);
          // E-15.3: a pending poll is progress, not a suspension; the waiter keeps driving it.
          if (status === 'suspended' && pollPending(live ? [...live.suspended].map((id) => live.runsById.get(id)!) : store.listRuns(jobId))) status = null;
          if (!status) return false;
          const rec = store.getJob(jobId)!;
          finish({ status: status as JobOutcome['status'], job: rec });
          return true;
        };
        if (o.signal) {
          if (o.signal.aborted) return finish(null, abortError(o.signal));
          const onAbort = (): void => finish(null, abortError(o.signal!));
          o.signal.addEventListener('abort', onAbort, { once: true });
          cleanups.push(() => o.signal!.removeEventListener('abort', onAbort));
        }
        if (check()) return;
        // Engine timers are unref'd; a waiter on a job whose only progress is a poll timer
        // (E-15.3) must keep the process alive until the job settles.
        const keepAlive = setInterval(() => {
          if (closed) clearInterval(keepAlive); // a closed instance never holds the process
        }, 1000);
        cleanups.push(() => clearInterval(keepAlive));
        cleanups.push(engine.onJobTouched((id) => id === jobId && check()));
        if (!job) {
          // Another live process drives it: poll the rows; adopt it if that owner dies.
          const t = setInterval(() => {
            if (closed) return;
            if (check()) return;
            const row = store.getJobRow(jobId);
            if (row && ownerState(row, owner, clock.now()) !== 'alive') {
              try {
                drive(jobId);
                check();
              } catch (e) {
                finish(null, e);
              }
            }
          }, COMMAND_POLL_MS);
          cleanups.push(() => clearInterval(t));
        }
      });
    },

    pauseJob: (jobId) => control(jobId, 'pause'),
    resumeJob: (jobId) => control(jobId, 'resume'),
    cancelJob: (jobId) => control(jobId, 'cancel'),

    rerunStep(jobId: string, step: string): void {
      const job = drive(jobId);
      if (!job) {
        store.insertCommand(jobId, 'rerun', { step }, engine.now());
        return;
      }
      const err = engine.handle(() => engine.rerun(job, step));
      if (err) throw new Error(`Cannot rerun: ${err}`);
    },

    async recover(): Promise<{ jobsResumed: string[] }> {
      const rows = store
        .st(
          `SELECT * FROM jobs j WHERE parent_job_id IS NULL AND (status = 'running' OR (status = 'paused' AND EXISTS (
             SELECT 1 FROM step_runs r WHERE r.job_id = j.id AND r.status IN ('running', 'delegated'))))`,
        )
        .all() as Record<string, any>[];
      const resumed: string[] = [];
      for (const row of rows) {
        if (engine.jobs.has(row.id)) continue;
        if (ownerState(row, owner, clock.now()) === 'alive') continue;
        const job = engine.handle(() => adoptJob(engine, row.id));
        if (job) resumed.push(row.id);
      }
      return { jobsResumed: resumed };
    },

    async fulfillRun(runId: string, payload: unknown): Promise<FulfillResult> {
      const pre = precheckFulfil(store, runId, payload);
      if (pre) return pre;
      const run = store.getRun(runId);
      if (!run) return { status: 'rejected', error: runNotFound(runId), problems: [runNotFound(runId)] };
      return viaOwner(run.jobId, 'fulfill', { run_id: runId, payload }, (job) => fulfillLive(engine, job, runId, payload));
    },

    async pollNow(runId: string): Promise<PollNowResult> {
      const run = store.getRun(runId);
      if (!run) return { status: 'rejected', error: runNotFound(runId) };
      if (run.status === 'suspended' && run.watch?.mode === 'external')
        return { status: 'rejected', error: `Run ${runId} waits for external input, not a poll check. Hint: answer it with \`stepwise fulfill ${runId} '<json>'\`` };
      if (run.status !== 'suspended' || run.watch?.mode !== 'poll')
        return { status: 'rejected', error: `Run ${runId} is not a suspended poll step (status: ${run.status})` };
      const r = await viaOwner<PollNowResult>(run.jobId, 'poll_now', { run_id: runId }, (job) => pollLive(job, runId));
      return r.status === 'started' && !engine.jobs.has(run.jobId) ? { ...r, status: 'requested' } : r;
    },

    onEvent: (listener) => engine.onEvent(listener),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearInterval(commandPoll);
      engine.close();
      // Pending hooks and deliveries (e.g. `job.completed` of a `run --wait`) get a short grace; they may still record failure events.
      await notifier.close();
      // Release ownership so the next process adopts unfinished jobs at once (D-R2).
      try {
        store.st(`UPDATE jobs SET runner_pid = NULL WHERE created_by = ? AND runner_pid = ?`).run(owner, process.pid);
      } catch {
        // the file may be gone in tests; nothing to release then
      }
      unregisterOwner(owner);
      await new Promise((r) => setImmediate(r));
      store.close();
    },
  };
  return api;
}

function abortError(signal: AbortSignal): Error {
  const e = new Error(signal.reason instanceof Error ? signal.reason.message : 'The wait was aborted');
  e.name = 'AbortError';
  return e;
}
