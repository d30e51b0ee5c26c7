/**
 * Poll watches (SPEC E-15.3, EX-2, DESIGN D-R3): a durable timer row (kind 'poll') per
 * suspended poll run. When it fires, the check runs OFF the engine's transaction; its
 * outcome comes back as an input (TIMER_FIRED) that fulfils the run or re-arms the timer.
 * The row stays in the table while a check is in flight (its due time moved one interval
 * ahead), so a process that dies mid-check leaves a timer the adopter re-arms.
 */
import { stepIoPaths } from '../executors/step-io.js';
import type { RunRecord } from '../types.js';
import type { Engine } from '../engine/engine.js';
import type { LiveJob } from '../engine/live-job.js';
import { runCheck, type CheckOutcome } from './run-check.js';

export const POLL_TIMER = 'poll';

/** Run ids whose check is running in this process (one check at a time per run). */
const inFlight = new Set<string>();

export function pollIntervalMs(run: RunRecord): number {
  const cfg = (run.watch?.config ?? {}) as Record<string, unknown>;
  const n = Number(cfg.interval_seconds);
  return (Number.isFinite(n) && n > 0 ? n : 60) * 1000;
}

function watchState(run: RunRecord): Record<string, unknown> {
  const w = run.executorState?._watch;
  return typeof w === 'object' && w !== null ? { ...(w as Record<string, unknown>) } : {};
}

function setWatchState(engine: Engine, run: RunRecord, patch: Record<string, unknown>): void {
  run.executorState = { ...(run.executorState ?? {}), _watch: { ...watchState(run), ...patch } };
  engine.store.updateRun(run);
}

function pollTimers(engine: Engine, job: LiveJob, run: RunRecord) {
  return engine.store.listTimers(job.id).filter((t) => t.runId === run.id && t.kind === POLL_TIMER);
}

/** Sets (or creates) the run's poll timer row to `dueAt` and arms it after the commit. Inside `engine.handle`. */
export function schedulePoll(engine: Engine, job: LiveJob, run: RunRecord, dueAt: number): void {
  const existing = pollTimers(engine, job, run);
  let id: number;
  if (existing.length) {
    id = existing[0]!.id;
    engine.store.st('UPDATE timers SET due_at = ? WHERE id = ?').run(dueAt, id);
    for (const extra of existing.slice(1)) engine.store.deleteTimer(extra.id);
  } else {
    id = engine.store.insertTimer(job.id, run.id, POLL_TIMER, dueAt, {});
  }
  const armed = job.timers.get(id);
  if (armed) clearTimeout(armed.handle);
  job.timers.delete(id);
  setWatchState(engine, run, { next_check_at: new Date(dueAt).toISOString() });
  engine.defer(() => engine.armTimer(job, id, dueAt));
}

/** E-15.3: the first check one interval after suspension. Called when a poll watch suspends a run. */
export function startPolling(engine: Engine, job: LiveJob, run: RunRecord): void {
  setWatchState(engine, run, { check_count: 0, last_checked_at: null, last_error: null });
  schedulePoll(engine, job, run, engine.clock.now() + pollIntervalMs(run));
}

/** A 'poll' timer row fired (inside `engine.handle`). */
export function firePollTimer(engine: Engine, job: LiveJob, timer: { id: number; runId: string | null }): void {
  const run = timer.runId ? job.runsById.get(timer.runId) : undefined;
  if (!run || run.status !== 'suspended' || run.watch?.mode !== 'poll') {
    engine.store.deleteTimer(timer.id);
    return;
  }
  requestCheck(engine, job, run, false);
}

/**
 * Starts a check now (inside `engine.handle`). `force` (poll-now) skips the E-15.3 rule that a
 * check less than one interval after the last one is skipped.
 */
export function requestCheck(engine: Engine, job: LiveJob, run: RunRecord, force: boolean): 'started' | 'busy' | 'skipped' {
  if (inFlight.has(run.id)) return 'busy';
  const interval = pollIntervalMs(run);
  const now = engine.clock.now();
  const last = Date.parse(String(watchState(run).last_checked_at ?? ''));
  if (job.record.status !== 'running' || (!force && Number.isFinite(last) && now - last < interval - 50)) {
    // Paused jobs do not poll; a too-early fire waits for the rest of its interval.
    schedulePoll(engine, job, run, Number.isFinite(last) && job.record.status === 'running' ? last + interval : now + interval);
    return 'skipped';
  }
  // The row moves one interval ahead: it is the durable "check again" if we die mid-check.
  // If it fires while this check still runs, the fire finds the run busy and does nothing;
  // applyCheck re-arms it when the check ends.
  schedulePoll(engine, job, run, now + interval);
  inFlight.add(run.id);
  const cfg = (run.watch?.config ?? {}) as Record<string, unknown>;
  const command = typeof cfg.check_command === 'string' ? cfg.check_command : '';
  engine.defer(() => {
    const ac = new AbortController();
    job.aborts.set(run.id, ac);
    const io = stepIoPaths(job.record.workspace, run.stepName, run.attempt);
    runCheck(command, { cwd: job.record.workspace, inputsPath: io.input, inputs: run.inputs, signal: ac.signal })
      .catch((e: unknown): CheckOutcome => ({ kind: 'error', error: String(e) }))
      .then((outcome) => {
        inFlight.delete(run.id);
        if (job.aborts.get(run.id) === ac) job.aborts.delete(run.id);
        if (engine.closed || engine.jobs.get(job.id) !== job) return;
        engine.safely(() => engine.handle(() => engine.input(job, { type: 'TIMER_FIRED' }, () => applyCheck(engine, job, run, outcome))));
      });
  });
  return 'started';
}

/** The outcome of a check, as an engine input: fulfil (derived outputs, exit rules) or re-arm. */
export function applyCheck(engine: Engine, job: LiveJob, run: RunRecord, outcome: CheckOutcome): void {
  if (run.status !== 'suspended' || run.watch?.mode !== 'poll') return;
  const st = watchState(run);
  const patch: Record<string, unknown> = { check_count: Number(st.check_count ?? 0) + 1, last_checked_at: engine.now() };
  if (outcome.kind === 'error') patch.last_error = outcome.error;
  setWatchState(engine, run, patch);
  if (outcome.kind === 'ready') {
    // Completing the run also deletes its poll timers (clearRunTimers).
    const err = engine.fulfill(job, run, outcome.artifact);
    if (err === null) return;
    // E-15.3: a derived-output error is recorded and polling continues.
    setWatchState(engine, run, { last_error: err });
  }
  schedulePoll(engine, job, run, engine.clock.now() + pollIntervalMs(run));
}
