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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledFlow, CompiledStep, ExitRule } from '../../compiler/ir.js';
import type { ExecutorResult } from '../executors/types.js';
import { isoAt } from '../ids.js';
import { resolveInputs, type ResolvedInputs } from '../logic/input-resolution.js';
import { processArtifact } from '../logic/process-artifact.js';
import { isActiveRun } from '../logic/job-view.js';
import { checkReady } from '../logic/readiness.js';
import { envelope, type Store } from '../store/store.js';
import type { Clock, EventEnvelope, JobRecord, JobStatus, PauseInfo, RunRecord } from '../types.js';
import { advanceJob, type JobMachineEvent } from './job-machine.js';
import { LiveJob } from './live-job.js';
import { cacheKeyFor, cacheLookup, isCacheable } from './cache.js';
import { startDelegation, onSubJobSettled } from './delegation.js';
import type { ExecutorHost } from './executor-host.js';
import { adoptJob } from './adoption.js';
import * as settlement from './settlement.js';
import * as outcomes from './outcomes.js';
import * as control from './control.js';
import * as timers from './timers.js';
import { DEFAULT_EXECUTOR_CAPS, ExecutorSlots, type Blocked, type ExecutorCaps } from './slots.js';
import { LaunchQueue, type QueuedLaunch } from './launch-queue.js';

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
  private readonly queue = new LaunchQueue();
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
    const at = this.now();
    this.store.putFlow(flow, at);
    const id = this.store.freshId('job', 'jobs');
    const inputs: Record<string, unknown> = {};
    for (const v of flow.vars) if (v.hasDefault) inputs[v.name] = v.default;
    Object.assign(inputs, opts.inputs);
    const sys: Record<string, unknown> = { ...(opts.metadata?.sys ?? {}) };
    const parent = opts.parent;
    if (parent) {
      const psys = parent.job.record.metadata.sys;
      sys.depth = (typeof psys.depth === 'number' ? psys.depth : 0) + 1;
      sys.parent_job_id = parent.job.id;
      sys.root_job_id = typeof psys.root_job_id === 'string' ? psys.root_job_id : parent.job.id;
    } else {
      if (typeof sys.depth !== 'number') sys.depth = 0;
    }
    const workspace = parent
      ? typeof parent.workspace === 'string'
        ? parent.workspace
        : parent.workspace(id)
      : join(this.projectDir, '.stepwise', 'jobs', id, 'workspace');
    const record: JobRecord = {
      id,
      name: opts.name ?? flow.name,
      objective: opts.objective ?? flow.name,
      status: 'pending',
      inputs,
      flowHash: flow.hash,
      flowName: flow.name,
      parentJobId: parent?.job.id ?? null,
      parentRunId: parent?.runId ?? null,
      workspace,
      createdAt: at,
      updatedAt: at,
      createdBy: this.owner,
      runnerPid: process.pid,
      heartbeatAt: at,
      metadata: { sys, app: { ...(parent?.job.record.metadata.app ?? {}), ...(opts.metadata?.app ?? {}) } },
    };
    this.store.insertJob(record);
    mkdirSync(workspace, { recursive: true });
    this.jobs.set(id, new LiveJob(record, flow));
    return record;
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

  /** Launches `step` when ready (E-5). Returns true when a run was started or queued. */
  tryLaunch(job: LiveJob, step: string): boolean {
    if (job.queued.has(step)) return true;
    const r = checkReady(job, step);
    if (!r.ready) return false;
    this.launch(job, step, r.resolved);
    return true;
  }

  /** Starts a run of `step` (or queues it when every executor slot is taken, D-R6). */
  launch(job: LiveJob, stepName: string, resolved: ResolvedInputs, bypass = false): void {
    const step = job.index.steps.get(stepName)!.step;
    const delegated = step.kind === 'for_each' || step.kind === 'sub_flow';
    const type = step.executor.type;
    const blocked = delegated ? null : this.slots.blocked(type);
    if (blocked) {
      if (this.wait(job, { jobId: job.id, step: stepName, bypass }, type, blocked)) {
        // A loop (or rerun) relaunch is a decision already committed: it must survive a crash
        // while it waits for a slot; readiness would not relaunch a current step (E-10.1).
        if (bypass) this.markPendingLaunch(job, stepName, true);
      }
      return;
    }
    if (job.frames[stepName]?.pendingLaunch) this.markPendingLaunch(job, stepName, false);
    const at = this.now();
    const run: RunRecord = {
      id: this.store.freshId('run', 'step_runs'),
      jobId: job.id,
      stepName,
      attempt: job.nextAttempt(stepName),
      status: delegated ? 'delegated' : 'running',
      inputs: resolved.inputs,
      depRunIds: resolved.depRunIds,
      artifact: null,
      error: null,
      errorCategory: null,
      executorState: null,
      executorMeta: null,
      watch: null,
      subJobId: null,
      pid: null,
      startedAt: at,
      completedAt: null,
    };
    this.store.insertRun(run, this.owner);
    job.addRun(run);
    job.refreshCurrent([stepName]);
    this.emit(job, 'step.started', { step: stepName, attempt: run.attempt });
    if (delegated) {
      startDelegation(this, job, step, run);
      return;
    }
    const config = this.renderOrFail(job, step, run);
    if (!config) return;
    run.executorState = { _interpolated_config: config };
    this.store.updateRun(run);
    this.armDurationLimit(job, step, run);
    if (step.cache?.enabled && isCacheable(step)) {
      const key = cacheKeyFor(step, run);
      const hit = cacheLookup(this.store, key, this.clock.now());
      run.executorState = { ...(run.executorState ?? {}), cache_key: key };
      if (hit) {
        run.executorState = { ...run.executorState, from_cache: true };
        this.completeRun(job, run, hit, { fromCache: true });
        return;
      }
    }
    this.startAfterCommit(job, step, run, config);
  }

  /** Reserves the executor's slot now and starts it once the transaction commits (D-R2: the row first). */
  private startAfterCommit(job: LiveJob, step: CompiledStep, run: RunRecord, config: Record<string, unknown>): void {
    this.slots.reserve(step.executor.type);
    this.defer(() => {
      this.slots.unreserve(step.executor.type);
      this.startExecutor(job, step, run, config);
    });
  }

  /** Queues a launch refused a slot (D-R6, E-7.2); false when the step already waits. */
  private wait(job: LiveJob, item: QueuedLaunch, type: string, blocked: Blocked): boolean {
    if (job.queued.has(item.step)) return false;
    job.queued.add(item.step);
    this.queue.add(item, blocked.reason === 'global' ? null : type);
    if (blocked.reason === 'executor_type') {
      // E-7.2: once per throttled episode (it ends when the step launches or its job stops).
      this.emit(job, 'step.throttled', { step: item.step, executor_type: type, running: blocked.running, limit: blocked.limit, reason: 'executor_type' });
    }
    return true;
  }

  /** Persists (in the job's loop frames) that `step` must be launched, bypassing readiness. */
  markPendingLaunch(job: LiveJob, step: string, on: boolean): void {
    const f = job.frames[step];
    if (on) {
      job.frames[step] = { iteration: f?.iteration ?? 0, parent: f?.parent ?? job.flow.deps.parentFrame?.[step] ?? null, pendingLaunch: true };
    } else if (f) {
      job.frames[step] = { iteration: f.iteration, parent: f.parent };
    }
    this.store.setLoopFrames(job.id, job.frames);
  }

  /** Launches every relaunch that was decided but not started (resume, adoption). */
  launchPending(job: LiveJob): void {
    for (const [target, frame] of Object.entries(job.frames)) {
      if (!frame.pendingLaunch || job.record.status !== 'running') continue;
      this.markPendingLaunch(job, target, false);
      const latest = job.latest(target);
      if (job.queued.has(target) || isActiveRun(latest)) continue;
      this.launch(job, target, resolveInputs(job, job.index.steps.get(target)!.step), true);
    }
  }

  /** Stage A (T-1) config for a launch; a rendering error fails the run as `executor_crash` (E-8.5) and yields null. */
  private renderOrFail(job: LiveJob, step: CompiledStep, run: RunRecord): Record<string, unknown> | null {
    try {
      return this.host.render(step, run.inputs);
    } catch (e) {
      this.failRun(job, run, crashMessage(e), 'executor_crash', null);
      return null;
    }
  }

  /**
   * D-R2: re-executes an interrupted attempt in its own run row (same attempt number), so a
   * crash never changes what `attempt` means to exit rules and scripts.
   */
  restartInPlace(job: LiveJob, run: RunRecord): void {
    const step = job.index.steps.get(run.stepName)!.step;
    // Adoption can find many interrupted attempts at once: they restart within the caps too
    // (D-R6). A waiting one keeps its `running` row, so a crash meanwhile finds it again.
    const blocked = this.slots.blocked(step.executor.type);
    if (blocked) {
      this.wait(job, { jobId: job.id, step: run.stepName, bypass: false, restartRunId: run.id }, step.executor.type, blocked);
      return;
    }
    const restarts = Number(run.executorState?.restarts ?? 0) + 1;
    const config = this.renderOrFail(job, step, run);
    if (!config) return;
    run.executorState = { _interpolated_config: config, restarts };
    run.pid = null;
    this.store.updateRun(run);
    this.startAfterCommit(job, step, run, config);
  }

  private startExecutor(job: LiveJob, step: CompiledStep, run: RunRecord, config: Record<string, unknown>): void {
    if (this.closed || run.status !== 'running' || this.jobs.get(job.id) !== job) return;
    const ac = new AbortController();
    job.aborts.set(run.id, ac);
    this.slots.started(step.executor.type);
    let promise: Promise<ExecutorResult>;
    try {
      promise = this.host.start(job, step, run, config, ac.signal, (info) => {
        if (this.closed) return;
        // D-R2: the child's pid and files are durable before we wait on it (re-attach after a crash).
        this.safely(() =>
          this.handle(() => {
            run.pid = info.pid;
            run.executorState = { ...(run.executorState ?? {}), spawn: info };
            this.store.updateRun(run);
          }),
        );
      });
    } catch (e) {
      promise = Promise.resolve(crash(e));
    }
    this.awaitResult(job, run, promise, ac);
  }

  /** Wires an in-flight executor promise (new or re-attached, already counted by `slots.started`) to the engine. */
  awaitResult(job: LiveJob, run: RunRecord, promise: Promise<ExecutorResult>, ac: AbortController): void {
    job.aborts.set(run.id, ac);
    const type = job.index.steps.get(run.stepName)?.step.executor.type ?? 'script';
    promise
      .catch((e) => crash(e))
      .then((result) => {
        this.slots.finished(type);
        if (job.aborts.get(run.id) === ac) job.aborts.delete(run.id);
        if (this.closed) return;
        this.arrived.push({ job, run, result });
        if (this.arrived.length === 1) queueMicrotask(() => this.flushArrived());
      });
  }

  /** Results that settled in the same tick, handled in one transaction (one commit for many). */
  private arrived: { job: LiveJob; run: RunRecord; result: ExecutorResult }[] = [];

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
    this.handle(() => this.queue.drain(this.slots, (item) => this.launchQueued(item)));
  }

  /** A queued launch whose slot opened; stale entries (job stopped, step relaunched) are skipped. */
  private launchQueued(item: QueuedLaunch): void {
    const job = this.jobs.get(item.jobId);
    if (!job || !job.queued.has(item.step)) return;
    job.queued.delete(item.step);
    if (job.record.status !== 'running') return;
    if (item.restartRunId) {
      const run = job.runsById.get(item.restartRunId);
      if (run?.status === 'running' && !job.aborts.has(run.id)) this.restartInPlace(job, run);
      return;
    }
    if (item.bypass) {
      const latest = job.latest(item.step);
      if (isActiveRun(latest)) {
        if (job.frames[item.step]?.pendingLaunch) this.markPendingLaunch(job, item.step, false); // already running again
        return;
      }
      this.launch(job, item.step, resolveInputs(job, job.index.steps.get(item.step)!.step), true);
    } else if (!this.tryLaunch(job, item.step)) {
      this.afterChange(job, [item.step]);
    }
  }

  // ── results (E-8) ───────────────────────────────────────────────────────

  onResult(job: LiveJob, run: RunRecord, result: ExecutorResult): void {
    if (run.status !== 'running') return; // paused, cancelled or timed out meanwhile
    const step = job.index.steps.get(run.stepName)!.step;
    if (result.meta) run.executorMeta = { ...(run.executorMeta ?? {}), ...result.meta };
    if (result.state) run.executorState = { ...(run.executorState ?? {}), ...result.state };
    if (result.kind === 'watch') {
      // Every other outcome ends the run through markFailed or completeRun, which clear its timers.
      this.clearRunTimers(job, run);
      this.suspendRun(job, run, result.watch as unknown as Record<string, unknown>);
      return;
    }
    if (result.kind === 'failed') {
      this.failRun(job, run, result.error, result.category, result.artifact ?? null);
      return;
    }
    // E-21 / D-4: a cost limit is checked against what the executor reports (`executor_meta.cost_usd`).
    const cost = Number(run.executorMeta?.cost_usd ?? 0);
    const maxCost = step.limits.maxCostUsd;
    if (typeof maxCost === 'number' && Number.isFinite(cost) && cost > maxCost) {
      this.emit(job, 'step.limit_exceeded', { step: step.name, limit_type: 'cost', limit_value: maxCost, actual_value: cost });
      this.failRun(job, run, `Cost limit exceeded: $${cost} > $${maxCost}`, 'cost_limit', result.artifact ?? null);
      return;
    }
    const checked = processArtifact(step, result.artifact ?? {});
    if (!checked.ok) {
      // E-8.3: the job halts at once — exit rules, on_error and the breaker are bypassed.
      outcomes.failAndHalt(this, job, run, checked.error, result.artifact ?? {});
      return;
    }
    this.completeRun(job, run, checked.artifact, {});
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

