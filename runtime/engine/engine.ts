/**
 * The engine core (D-R1): every input (start, executor result, sub-job settled, control
 * operation, timer) is handled synchronously inside ONE SQLite transaction that writes the
 * job status, run rows and event rows; the side effects it asked for (start executors,
 * arm timers, notify listeners) run only after the commit.
 *
 * Readiness is incremental: a change to step S re-checks S, its dependents, the steps whose
 * current flag flipped (E-6 cascade) and loop neighbours. A full scan happens only when a
 * job stalls (nothing running), to settle it (E-12).
 */
import type { CompiledFlow, CompiledStep, ExitRule } from '../../compiler/ir.js';
import type { ExecutorResult } from '../executors/types.js';
import { isoAt } from '../ids.js';
import type { ResolvedInputs } from '../logic/input-resolution.js';
import { checkReady } from '../logic/readiness.js';
import { envelope, type Store } from '../store/store.js';
import type { Clock, EventEnvelope, JobRecord, JobStatus, PauseInfo, RunRecord } from '../types.js';
import { advanceJob, type JobMachineEvent } from './job-machine.js';
import { LiveJob } from './live-job.js';
import { onSubJobSettled } from './delegation.js';
import type { ExecutorHost } from './executor-host.js';
import { adoptJob } from './adoption.js';
import * as settlement from './settlement.js';
import * as outcomes from './outcomes.js';
import * as control from './control.js';
import * as timers from './timers.js';
import * as launcher from './launcher.js';
import { createJobRecord } from './create-job.js';
import { DEFAULT_EXECUTOR_CAPS, ExecutorSlots, type ExecutorCaps } from './slots.js';
import { LaunchQueue } from './launch-queue.js';

export const DEFAULT_MAX_RUNNING = 32;

export interface EngineOptions {
  store: Store;
  clock: Clock;
  owner: string;
  projectDir: string;
  host: ExecutorHost;
  maxRunning?: number;
  /** E-7.2 caps per executor type (0 = unlimited); default `{agent: 3}`. */
  executorCaps?: ExecutorCaps;
}

export class Engine {
  readonly store: Store;
  readonly clock: Clock;
  readonly owner: string;
  readonly projectDir: string;
  readonly host: ExecutorHost;
  readonly jobs = new Map<string, LiveJob>();
  readonly slots: ExecutorSlots;
  closed = false;
  /** Launches waiting for a global slot or a slot of their executor type. */
  readonly queue = new LaunchQueue();
  private depth = 0;
  private effects: (() => void)[] = [];
  private envelopes: EventEnvelope[] = [];
  private touched = new Set<string>();
  private listeners = new Set<(e: EventEnvelope) => void>();
  private jobWatchers = new Set<(jobId: string) => void>();

  constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.owner = opts.owner;
    this.projectDir = opts.projectDir;
    this.host = opts.host;
    // E-7.1: default 32 running executors, STEPWISE_EXECUTOR_THREADS overrides (D-R6: the cap is exact).
    const env = Number(process.env.STEPWISE_EXECUTOR_THREADS);
    this.slots = new ExecutorSlots(opts.maxRunning ?? (Number.isInteger(env) && env > 0 ? env : DEFAULT_MAX_RUNNING), { ...DEFAULT_EXECUTOR_CAPS, ...(opts.executorCaps ?? {}) });
  }

  now(): string {
    return isoAt(this.clock.now());
  }

  onEvent(l: (e: EventEnvelope) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Called after each commit with every job id the handled input touched. */
  onJobTouched(l: (jobId: string) => void): () => void {
    this.jobWatchers.add(l);
    return () => this.jobWatchers.delete(l);
  }

  /** Runs `fn` as one handled input: one transaction, then effects (D-R1). Nested calls join the outer one. */
  handle<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    let out: T;
    try {
      out = this.store.tx(fn);
    } catch (e) {
      // The transaction rolled back: drop the in-memory state of the jobs it touched so it
      // is rebuilt from the committed rows, and do not perform the effects.
      const dropped = [...this.touched].map((id) => this.jobs.get(id)).filter((j): j is LiveJob => !!j);
      for (const id of this.touched) this.jobs.delete(id);
      this.touched.clear();
      this.afterRollback(dropped, e);
      this.slots.rolledBack();
      this.effects = [];
      this.envelopes = [];
      this.depth--;
      throw e;
    }
    this.depth--;
    this.slots.committed();
    const effects = this.effects;
    const envs = this.envelopes;
    const touched = [...this.touched];
    this.effects = [];
    this.envelopes = [];
    this.touched.clear();
    for (const env of envs) {
      for (const l of this.listeners) {
        try {
          l(env);
        } catch {
          // A listener (progress line, hook) must never break the engine (D-12).
        }
      }
    }
    for (const eff of effects) eff();
    for (const id of touched) for (const w of this.jobWatchers) w(id);
    return out;
  }

  /**
   * A job must not hang silently after a rolled-back input. A busy database (another process
   * held the write lock past busy_timeout) is retried by re-adopting the job from its rows;
   * anything else is an engine bug: the job fails, saying so (D-14).
   */
  private afterRollback(jobs: LiveJob[], e: unknown): void {
    if (this.closed || jobs.length === 0) return;
    const text = `${(e as { code?: string })?.code ?? ''} ${e instanceof Error ? e.message : String(e)}`;
    const busy = /SQLITE_BUSY|SQLITE_LOCKED|database is locked/i.test(text);
    const t = setTimeout(
      () => {
        if (this.closed) return;
        for (const job of jobs) {
          if (this.jobs.has(job.id)) continue;
          if (busy) {
            this.safely(() => this.handle(() => adoptJob(this, job.id)));
            continue;
          }
          for (const ac of job.aborts.values()) ac.abort(new Error('internal engine error'));
          this.safely(() => this.failAfterBug(job, e instanceof Error ? e.message : String(e)));
        }
      },
      busy ? 250 : 0,
    );
    t.unref?.();
  }

  private failAfterBug(job: LiveJob, message: string): void {
    const error = `Internal engine error: ${message}`;
    const at = this.now();
    this.store.tx(() => {
      const row = this.store.getJobRow(job.id);
      if (!row) return;
      const step = advanceJob(job.flow, row.status as JobStatus, { type: 'FAIL', data: { reason: 'internal_error', error } });
      if (!step.changed) return;
      this.store
        .st(`UPDATE step_runs SET status = 'cancelled', error = ?, completed_at = ? WHERE job_id = ? AND status IN ('running', 'suspended', 'delegated')`)
        .run(error, at, job.id);
      this.store.setJobFailure(job.id, { error, step: null });
      this.store.setJobStatus(job.id, step.status, at);
      for (const ev of step.events) this.store.insertEvent(job.id, at, ev.event, ev.data);
    });
    for (const w of this.jobWatchers) w(job.id);
  }

  defer(effect: () => void): void {
    this.effects.push(effect);
  }

  touch(job: LiveJob): void {
    this.touched.add(job.id);
  }

  emit(job: LiveJob, type: string, data: Record<string, unknown>): void {
    const at = this.now();
    const eventId = this.store.insertEvent(job.id, at, type, data);
    this.envelopes.push(envelope(eventId, type, job.id, at, data, job.record.metadata));
    this.touch(job);
  }

  // ── jobs ────────────────────────────────────────────────────────────────

  /** Creates a job row (status pending) pinned to `flow` (D-R5). */
  createJobRecord(
    flow: CompiledFlow,
    opts: {
      inputs: Record<string, unknown>;
      name?: string;
      objective?: string;
      metadata?: { sys?: Record<string, unknown>; app?: Record<string, unknown> };
      parent?: { job: LiveJob; runId: string; workspace: string | ((id: string) => string) };
    },
  ): JobRecord {
    return createJobRecord(this, flow, opts);
  }

  /** Advances the lifecycle machine (XState `transition`) and appends its events. */
  transitionJob(job: LiveJob, event: JobMachineEvent): boolean {
    const step = advanceJob(job.flow, job.record.status, event);
    if (!step.changed) return false;
    const at = this.now();
    job.record = { ...job.record, status: step.status, updatedAt: at };
    this.store.setJobStatus(job.id, step.status, at);
    for (const e of step.events) this.emit(job, e.event, e.data);
    this.touch(job);
    if (['completed', 'failed', 'cancelled', 'paused'].includes(step.status)) this.onJobSettled(job);
    if (['completed', 'failed', 'cancelled'].includes(step.status)) {
      // An ended job leaves memory (a long-lived server must not grow); rerun/resume reload it from rows.
      this.defer(() => {
        if (this.jobs.get(job.id) === job && ['completed', 'failed', 'cancelled'].includes(job.record.status)) this.jobs.delete(job.id);
      });
    }
    return true;
  }

  /**
   * A step input goes through the machine too (D-R1): it is handled only when the job's
   * state accepts it (running or paused); otherwise it is dropped.
   */
  input(job: LiveJob, event: JobMachineEvent, handler: () => void): void {
    this.touch(job); // a rollback while handling it must drop this job's in-memory state
    if (advanceJob(job.flow, job.record.status, event).handlers.length > 0) handler();
  }

  startJob(job: LiveJob): void {
    if (job.record.status !== 'pending') return;
    this.transitionJob(job, { type: 'START' });
    this.dispatchAll(job);
  }

  /** A job reached completed/failed/cancelled/paused: tell the parent run (E-16.4, E-17.1). */
  private onJobSettled(job: LiveJob): void {
    if (job.record.parentJobId && job.record.parentRunId) {
      const parent = this.jobs.get(job.record.parentJobId);
      const runId = job.record.parentRunId;
      if (parent) this.input(parent, { type: 'SUB_JOB_SETTLED' }, () => onSubJobSettled(this, parent, runId, job));
    }
  }

  // ── dispatch ────────────────────────────────────────────────────────────

  /** Full scan: used on start, resume and stall (never per event). */
  dispatchAll(job: LiveJob): void {
    this.afterChange(job, job.index.order, true);
  }

  /**
   * After steps changed: refresh current flags (cascade), re-check readiness of the
   * candidates, launch what is ready; settle the job when it stalls (E-12).
   */
  afterChange(job: LiveJob, changed: Iterable<string>, full = false): void {
    const changedList = [...changed];
    const flipped = job.refreshCurrent(changedList);
    if (job.record.status !== 'running') return;
    const candidates = new Set<string>();
    const add = (s: string): void => {
      candidates.add(s);
      for (const d of job.index.steps.get(s)?.dependents ?? []) candidates.add(d);
    };
    for (const s of changedList) {
      add(s);
      const info = job.index.steps.get(s);
      // A looper going idle releases its targets (E-5.5); a target going idle frees failed loopers (E-5.3).
      for (const t of info?.loopTargets ?? []) add(t);
      for (const l of job.index.loopersOf.get(s) ?? []) candidates.add(l);
    }
    for (const s of flipped) add(s);
    const order = full ? job.index.order : [...candidates].sort((a, b) => stepIndex(job, a) - stepIndex(job, b));
    for (const s of order) {
      if (job.record.status !== 'running') return;
      this.tryLaunch(job, s);
    }
    if (job.record.status === 'running' && !job.busy && job.suspended.size === 0) this.settle(job);
  }

  // ── launching (launcher.ts) ─────────────────────────────────────────────

  launch(job: LiveJob, stepName: string, resolved: ResolvedInputs, bypass = false): void {
    return launcher.launch(this, job, stepName, resolved, bypass);
  }

  markPendingLaunch(job: LiveJob, step: string, on: boolean): void {
    return launcher.markPendingLaunch(this, job, step, on);
  }

  launchPending(job: LiveJob): void {
    return launcher.launchPending(this, job);
  }

  restartInPlace(job: LiveJob, run: RunRecord): void {
    return launcher.restartInPlace(this, job, run);
  }

  awaitResult(job: LiveJob, run: RunRecord, promise: Promise<ExecutorResult>, ac: AbortController): void {
    return launcher.awaitResult(this, job, run, promise, ac);
  }

  /** Launches `step` when ready (E-5). Returns true when a run was started or queued. */
  tryLaunch(job: LiveJob, step: string): boolean {
    if (job.queued.has(step)) return true;
    const r = checkReady(job, step);
    if (!r.ready) return false;
    this.launch(job, step, r.resolved);
    return true;
  }

  /** Results that settled in the same tick, handled in one transaction (one commit for many). */
  private arrived: { job: LiveJob; run: RunRecord; result: ExecutorResult }[] = [];

  /** An executor answered (launcher.ts awaitResult): handled with the others of this tick. */
  resultArrived(job: LiveJob, run: RunRecord, result: ExecutorResult): void {
    this.arrived.push({ job, run, result });
    if (this.arrived.length === 1) queueMicrotask(() => this.flushArrived());
  }

  private flushArrived(): void {
    const batch = this.arrived;
    this.arrived = [];
    if (this.closed) return;
    this.safely(() =>
      this.handle(() => {
        for (const { job, run, result } of batch) {
          if (this.jobs.get(job.id) !== job) continue;
          this.input(job, { type: 'EXECUTOR_RESULT' }, () => this.onResult(job, run, result));
        }
      }),
    );
    this.safely(() => this.drainQueue());
  }

  private drainQueue(): void {
    if (this.closed || this.queue.empty) return;
    // One transaction for every slot that opened (a for_each over 10,000 items drains in batches).
    this.handle(() => this.queue.drain(this.slots, (item) => launcher.launchQueued(this, item)));
  }

  // ── results (E-8) ───────────────────────────────────────────────────────

  onResult(job: LiveJob, run: RunRecord, result: ExecutorResult): void {
    return outcomes.onResult(this, job, run, result);
  }

  suspendRun(job: LiveJob, run: RunRecord, watch: Record<string, unknown>): void {
    return outcomes.suspendRun(this, job, run, watch);
  }

  fulfill(job: LiveJob, run: RunRecord, payload: Record<string, unknown>): string | null {
    return outcomes.fulfill(this, job, run, payload);
  }

  completeRun(job: LiveJob, run: RunRecord, artifact: Record<string, unknown>, opts: { fromCache?: boolean; forEach?: { itemCount: number } }): void {
    return outcomes.completeRun(this, job, run, artifact, opts);
  }

  applyExitRules(job: LiveJob, step: CompiledStep, run: RunRecord, artifact: Record<string, unknown>): void {
    return outcomes.applyExitRules(this, job, step, run, artifact);
  }

  fireRule(job: LiveJob, step: CompiledStep, rule: ExitRule, onFailure: boolean, run: RunRecord): void {
    return outcomes.fireRule(this, job, step, rule, onFailure, run);
  }

  fireLoopRule(job: LiveJob, step: CompiledStep, rule: ExitRule, onFailure: boolean, run: RunRecord): void {
    return outcomes.fireLoopRule(this, job, step, rule, onFailure, run);
  }

  // ── failures (E-11) ─────────────────────────────────────────────────────

  markFailed(job: LiveJob, run: RunRecord, error: string, category: string | null, artifact: Record<string, unknown> | null): void {
    return outcomes.markFailed(this, job, run, error, category, artifact);
  }

  failRun(job: LiveJob, run: RunRecord, error: string, category: string | null, artifact: Record<string, unknown> | null): void {
    return outcomes.failRun(this, job, run, error, category, artifact);
  }

  halt(job: LiveJob, step: string | null, error: string): void {
    return outcomes.halt(this, job, step, error);
  }

  failJob(job: LiveJob, data: Record<string, unknown>, failure: { error: string; step: string | null }): void {
    return outcomes.failJob(this, job, data, failure);
  }

  skipNeverRun(job: LiveJob): void {
    return settlement.skipNeverRun(this, job);
  }

  insertSkipped(job: LiveJob, step: string, depRunIds: Record<string, string>, reason: string, error: string): void {
    return settlement.insertSkipped(this, job, step, depRunIds, reason, error);
  }

  stopActive(job: LiveJob, to: 'cancelled' | 'suspended', error: string | null): void {
    return control.stopActive(this, job, to, error);
  }

  // ── settlement (E-12) ───────────────────────────────────────────────────

  readonly settling = new Set<string>();

  settle(job: LiveJob): void {
    return settlement.settle(this, job);
  }

  finish(job: LiveJob): void {
    return settlement.finish(this, job);
  }

  // ── control (E-14) ──────────────────────────────────────────────────────

  pauseWith(job: LiveJob, info: PauseInfo): void {
    return control.pauseWith(this, job, info);
  }

  pause(job: LiveJob): void {
    return control.pause(this, job);
  }

  resume(job: LiveJob): void {
    return control.resume(this, job);
  }

  cancel(job: LiveJob): void {
    return control.cancel(this, job);
  }

  rerun(job: LiveJob, step: string): string | null {
    return control.rerun(this, job, step);
  }

  // ── timers (D-R3, E-21) ─────────────────────────────────────────────────

  armDurationLimit(job: LiveJob, step: CompiledStep, run: RunRecord): void {
    return timers.armDurationLimit(this, job, step, run);
  }

  armTimer(job: LiveJob, timerId: number, dueAt: number): void {
    return timers.armTimer(this, job, timerId, dueAt);
  }

  fireDueTimers(): void {
    return timers.fireDueTimers(this);
  }

  /** Runs a callback from a timer or promise: an engine bug is reported, never an unhandled rejection. */
  safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      process.stderr.write(`stepwise: internal engine error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }

  fireTimer(job: LiveJob, timerId: number): void {
    return timers.fireTimer(this, job, timerId);
  }

  clearRunTimers(job: LiveJob, run: RunRecord): void {
    return timers.clearRunTimers(this, job, run);
  }

  close(): void {
    this.closed = true;
    for (const job of this.jobs.values()) {
      for (const ac of job.aborts.values()) ac.abort(new Error('engine closed'));
      for (const t of job.timers.values()) clearTimeout(t.handle);
    }
  }

  /** Status a waiter sees (`suspended` = nothing running/delegated, ≥1 suspended run). */
  outcomeOf(job: LiveJob): JobStatus | 'suspended' | null {
    const s = job.record.status;
    if (s === 'completed' || s === 'failed' || s === 'cancelled' || s === 'paused') return s;
    if (s === 'running' && !job.busy && job.suspended.size > 0) return 'suspended';
    return null;
  }
}

function stepIndex(job: LiveJob, s: string): number {
  return job.index.steps.get(s)?.step.index ?? 0;
}

/** E-8.5: "Executor crash: <Type>: <msg>". */
export function crashMessage(e: unknown): string {
  const name = e instanceof Error ? e.name : 'Error';
  const msg = e instanceof Error ? e.message : String(e);
  return `Executor crash: ${name}: ${msg}`;
}

export function crash(e: unknown): ExecutorResult {
  return { kind: 'failed', error: crashMessage(e), category: 'executor_crash' };
}

