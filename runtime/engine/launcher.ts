/**
 * Starting executors (E-7, D-R2, D-R6): a launch writes the run row, reserves a slot and
 * starts the executor once the transaction commits; a launch refused a slot waits in the
 * engine's launch queue (global or per executor type). Also in-place restarts of interrupted
 * attempts and relaunches decided before a crash. The engine drains the queue after results.
 */
import type { CompiledStep } from '../../compiler/ir.js';
import type { ExecutorResult } from '../executors/types.js';
import { resolveInputs, type ResolvedInputs } from '../logic/input-resolution.js';
import { isActiveRun } from '../logic/job-view.js';
import type { RunRecord } from '../types.js';
import { cacheKeyFor, cacheLookup, isCacheable } from './cache.js';
import { startDelegation } from './delegation.js';
import { crash, crashMessage, type Engine } from './engine.js';
import type { QueuedLaunch } from './launch-queue.js';
import type { LiveJob } from './live-job.js';
import type { Blocked } from './slots.js';

/** Starts a run of `step` (or queues it when every executor slot is taken, D-R6). */
export function launch(engine: Engine, job: LiveJob, stepName: string, resolved: ResolvedInputs, bypass = false): void {
  const step = job.index.steps.get(stepName)!.step;
  const delegated = step.kind === 'for_each' || step.kind === 'sub_flow';
  const type = step.executor.type;
  const blocked = delegated ? null : engine.slots.blocked(type);
  if (blocked) {
    if (wait(engine, job, { jobId: job.id, step: stepName, bypass }, type, blocked)) {
      // A loop (or rerun) relaunch is a decision already committed: it must survive a crash
      // while it waits for a slot; readiness would not relaunch a current step (E-10.1).
      if (bypass) markPendingLaunch(engine, job, stepName, true);
    }
    return;
  }
  if (job.frames[stepName]?.pendingLaunch) markPendingLaunch(engine, job, stepName, false);
  const at = engine.now();
  const run: RunRecord = {
    id: engine.store.freshId('run', 'step_runs'),
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
  engine.store.insertRun(run, engine.owner);
  job.addRun(run);
  job.refreshCurrent([stepName]);
  engine.emit(job, 'step.started', { step: stepName, attempt: run.attempt });
  if (delegated) {
    startDelegation(engine, job, step, run);
    return;
  }
  const config = renderOrFail(engine, job, step, run);
  if (!config) return;
  run.executorState = { _interpolated_config: config };
  engine.store.updateRun(run);
  engine.armDurationLimit(job, step, run);
  if (step.cache?.enabled && isCacheable(step)) {
    const key = cacheKeyFor(step, run);
    const hit = cacheLookup(engine.store, key, engine.clock.now());
    run.executorState = { ...(run.executorState ?? {}), cache_key: key };
    if (hit) {
      run.executorState = { ...run.executorState, from_cache: true };
      engine.completeRun(job, run, hit, { fromCache: true });
      return;
    }
  }
  startAfterCommit(engine, job, step, run, config);
}

/** Reserves the executor's slot now and starts it once the transaction commits (D-R2: the row first). */
function startAfterCommit(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord, config: Record<string, unknown>): void {
  engine.slots.reserve(step.executor.type);
  engine.defer(() => {
    engine.slots.unreserve(step.executor.type);
    startExecutor(engine, job, step, run, config);
  });
}

/** Queues a launch refused a slot (D-R6, E-7.2); false when the step already waits. */
function wait(engine: Engine, job: LiveJob, item: QueuedLaunch, type: string, blocked: Blocked): boolean {
  if (job.queued.has(item.step)) return false;
  job.queued.add(item.step);
  engine.queue.add(item, blocked.reason === 'global' ? null : type);
  if (blocked.reason === 'executor_type') {
    // E-7.2: once per throttled episode (it ends when the step launches or its job stops).
    engine.emit(job, 'step.throttled', { step: item.step, executor_type: type, running: blocked.running, limit: blocked.limit, reason: 'executor_type' });
  }
  return true;
}

/** Persists (in the job's loop frames) that `step` must be launched, bypassing readiness. */
export function markPendingLaunch(engine: Engine, job: LiveJob, step: string, on: boolean): void {
  const f = job.frames[step];
  if (on) {
    job.frames[step] = { iteration: f?.iteration ?? 0, parent: f?.parent ?? job.flow.deps.parentFrame?.[step] ?? null, pendingLaunch: true };
  } else if (f) {
    job.frames[step] = { iteration: f.iteration, parent: f.parent };
  }
  engine.store.setLoopFrames(job.id, job.frames);
}

/** Launches every relaunch that was decided but not started (resume, adoption). */
export function launchPending(engine: Engine, job: LiveJob): void {
  for (const [target, frame] of Object.entries(job.frames)) {
    if (!frame.pendingLaunch || job.record.status !== 'running') continue;
    markPendingLaunch(engine, job, target, false);
    const latest = job.latest(target);
    if (job.queued.has(target) || isActiveRun(latest)) continue;
    launch(engine, job, target, resolveInputs(job, job.index.steps.get(target)!.step), true);
  }
}

/** Stage A (T-1) config for a launch; a rendering error fails the run as `executor_crash` (E-8.5) and yields null. */
function renderOrFail(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord): Record<string, unknown> | null {
  try {
    return engine.host.render(step, run.inputs);
  } catch (e) {
    engine.failRun(job, run, crashMessage(e), 'executor_crash', null);
    return null;
  }
}

/**
 * D-R2: re-executes an interrupted attempt in its own run row (same attempt number), so a
 * crash never changes what `attempt` means to exit rules and scripts.
 */
export function restartInPlace(engine: Engine, job: LiveJob, run: RunRecord): void {
  const step = job.index.steps.get(run.stepName)!.step;
  // Adoption can find many interrupted attempts at once: they restart within the caps too
  // (D-R6). A waiting one keeps its `running` row, so a crash meanwhile finds it again.
  const blocked = engine.slots.blocked(step.executor.type);
  if (blocked) {
    wait(engine, job, { jobId: job.id, step: run.stepName, bypass: false, restartRunId: run.id }, step.executor.type, blocked);
    return;
  }
  const restarts = Number(run.executorState?.restarts ?? 0) + 1;
  const config = renderOrFail(engine, job, step, run);
  if (!config) return;
  run.executorState = { _interpolated_config: config, restarts };
  run.pid = null;
  engine.store.updateRun(run);
  startAfterCommit(engine, job, step, run, config);
}

function startExecutor(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord, config: Record<string, unknown>): void {
  if (engine.closed || run.status !== 'running' || engine.jobs.get(job.id) !== job) return;
  const ac = new AbortController();
  job.aborts.set(run.id, ac);
  engine.slots.started(step.executor.type);
  let promise: Promise<ExecutorResult>;
  try {
    promise = engine.host.start(job, step, run, config, ac.signal, (info) => {
      if (engine.closed) return;
      // D-R2: the child's pid and files are durable before we wait on it (re-attach after a crash).
      engine.safely(() =>
        engine.handle(() => {
          run.pid = info.pid;
          run.executorState = { ...(run.executorState ?? {}), spawn: info };
          engine.store.updateRun(run);
        }),
      );
    });
  } catch (e) {
    promise = Promise.resolve(crash(e));
  }
  awaitResult(engine, job, run, promise, ac);
}

/** Wires an in-flight executor promise (new or re-attached, already counted by `slots.started`) to the engine. */
export function awaitResult(engine: Engine, job: LiveJob, run: RunRecord, promise: Promise<ExecutorResult>, ac: AbortController): void {
  job.aborts.set(run.id, ac);
  const type = job.index.steps.get(run.stepName)?.step.executor.type ?? 'script';
  promise
    .catch((e) => crash(e))
    .then((result) => {
      engine.slots.finished(type);
      if (job.aborts.get(run.id) === ac) job.aborts.delete(run.id);
      if (engine.closed) return;
      engine.resultArrived(job, run, result);
    });
}

/** A queued launch whose slot opened; stale entries (job stopped, step relaunched) are skipped. */
export function launchQueued(engine: Engine, item: QueuedLaunch): void {
  const job = engine.jobs.get(item.jobId);
  if (!job || !job.queued.has(item.step)) return;
  job.queued.delete(item.step);
  if (job.record.status !== 'running') return;
  if (item.restartRunId) {
    const run = job.runsById.get(item.restartRunId);
    if (run?.status === 'running' && !job.aborts.has(run.id)) restartInPlace(engine, job, run);
    return;
  }
  if (item.bypass) {
    const latest = job.latest(item.step);
    if (isActiveRun(latest)) {
      if (job.frames[item.step]?.pendingLaunch) markPendingLaunch(engine, job, item.step, false); // already running again
      return;
    }
    launch(engine, job, item.step, resolveInputs(job, job.index.steps.get(item.step)!.step), true);
  } else if (!engine.tryLaunch(job, item.step)) {
    engine.afterChange(job, [item.step]);
  }
}
