/**
 * Durable timers (D-R3, E-21): absolute due times in the `timers` table, armed with the
 * injected clock, re-armed on adoption; a duration limit fails its run with category timeout.
 */
import type { CompiledStep } from '../../compiler/ir.js';
import type { RunRecord } from '../types.js';
import type { Engine } from './engine.js';
import type { LiveJob } from './live-job.js';
import { POLL_TIMER, firePollTimer } from '../watch/poll-watch.js';

export function armDurationLimit(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord): void {
  const minutes = step.limits.maxDurationMinutes;
  if (!minutes || minutes <= 0) return;
  const due = engine.clock.now() + minutes * 60_000;
  const id = engine.store.insertTimer(job.id, run.id, 'duration', due, { limit_minutes: minutes });
  engine.defer(() => engine.armTimer(job, id, due));
}

export function armTimer(engine: Engine, job: LiveJob, timerId: number, dueAt: number): void {
  if (engine.closed) return;
  const delay = Math.max(0, dueAt - engine.clock.now());
  const t = setTimeout(() => {
    job.timers.delete(timerId);
    if (engine.closed || engine.jobs.get(job.id) !== job) return;
    engine.safely(() => engine.handle(() => engine.input(job, { type: 'TIMER_FIRED' }, () => engine.fireTimer(job, timerId))));
  }, Math.min(delay, 2 ** 31 - 1));
  t.unref?.();
  job.timers.set(timerId, { dueAt, handle: t });
}

/** Fires timers that are due by the injected clock (tests skip time; D-R3). Polled by the API layer. */
export function fireDueTimers(engine: Engine): void {
  const now = engine.clock.now();
  for (const job of [...engine.jobs.values()]) {
    for (const [id, t] of [...job.timers]) {
      if (t.dueAt > now) continue;
      clearTimeout(t.handle);
      job.timers.delete(id);
      engine.safely(() => engine.handle(() => engine.input(job, { type: 'TIMER_FIRED' }, () => engine.fireTimer(job, id))));
    }
  }
}

export function fireTimer(engine: Engine, job: LiveJob, timerId: number): void {
  const timer = engine.store.listTimers(job.id).find((t) => t.id === timerId);
  if (!timer) return;
  // Poll checks keep their row while a check runs (E-15.3, D-R3): runtime/watch/poll-watch.ts.
  if (timer.kind === POLL_TIMER) return firePollTimer(engine, job, timer);
  engine.store.deleteTimer(timerId);
  if (timer.kind !== 'duration' || !timer.runId) return;
  const run = job.runsById.get(timer.runId);
  if (!run || run.status !== 'running') return;
  const limit = Number(timer.data.limit_minutes);
  const started = run.startedAt ? Date.parse(run.startedAt) : engine.clock.now();
  const actual = (engine.clock.now() - started) / 60_000;
  job.aborts.get(run.id)?.abort(new Error('duration limit exceeded'));
  job.aborts.delete(run.id);
  engine.emit(job, 'step.limit_exceeded', { step: run.stepName, limit_type: 'duration', limit_value: limit, actual_value: actual });
  engine.failRun(job, run, `Duration limit exceeded: ${actual.toFixed(1)}m > ${limit}m`, 'timeout', null);
}

export function clearRunTimers(engine: Engine, job: LiveJob, run: RunRecord): void {
  // Only steps with a duration limit, poll watches (E-15.3) or re-armed timers have rows;
  // skip the query otherwise.
  if (job.timers.size === 0 && run.watch?.mode !== 'poll' && !job.index.steps.get(run.stepName)?.step.limits.maxDurationMinutes) return;
  for (const t of engine.store.listTimers(job.id)) {
    if (t.runId !== run.id) continue;
    engine.store.deleteTimer(t.id);
    const armed = job.timers.get(t.id);
    if (armed) clearTimeout(armed.handle);
    job.timers.delete(t.id);
  }
}
