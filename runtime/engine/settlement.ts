/**
 * E-12 settlement, run only when a job stalls (nothing running, nothing queued): a full
 * readiness scan as a safety net, the eager skip of when-false steps, then completion or
 * `no_terminal_reached`.
 */
import { checkReady } from '../logic/readiness.js';
import type { RunRecord } from '../types.js';
import type { Engine } from './engine.js';
import type { LiveJob } from './live-job.js';

/** E-12.2 / E-11: steps without any run get a SKIPPED run "Not reached". */
export function skipNeverRun(engine: Engine, job: LiveJob): void {
  for (const s of job.index.order) {
    if (job.runsOf(s).length === 0) engine.insertSkipped(job, s, {}, 'settlement', 'Not reached');
  }
}

export function insertSkipped(engine: Engine, job: LiveJob, step: string, depRunIds: Record<string, string>, reason: string, error: string): void {
  const at = engine.now();
  const run: RunRecord = {
    id: engine.store.freshId('run', 'step_runs'), jobId: job.id, stepName: step, attempt: job.nextAttempt(step), status: 'skipped', inputs: {},
    depRunIds, artifact: null, error, errorCategory: null, executorState: null, executorMeta: null, watch: null,
    subJobId: null, pid: null, startedAt: null, completedAt: at,
  };
  engine.store.insertRun(run, engine.owner);
  job.addRun(run);
  engine.emit(job, 'step.skipped', { step, reason });
}

export function settle(engine: Engine, job: LiveJob): void {
  if (engine.settling.has(job.id)) return;
  engine.settling.add(job.id);
  try {
    for (let round = 0; round < 10_000 && job.record.status === 'running'; round++) {
      // Safety net: a full readiness scan, only when the job stalls.
      let launched = false;
      for (const s of job.index.order) if (engine.tryLaunch(job, s)) launched = true;
      if (launched || job.busy || job.suspended.size > 0) return;
      // E-12.1 eager skip of when-false steps whose deps are settled.
      const skipped: string[] = [];
      for (const s of job.index.whenSteps) {
        const r = checkReady(job, s);
        if (!r.ready && r.whenFalse) {
          engine.insertSkipped(job, s, r.resolved.depRunIds, 'when_false', 'when condition false');
          skipped.push(s);
        }
      }
      if (skipped.length) {
        job.refreshCurrent(skipped);
        continue;
      }
      engine.finish(job);
      return;
    }
  } finally {
    engine.settling.delete(job.id);
  }
}

export function finish(engine: Engine, job: LiveJob): void {
  const terminalDone = job.flow.terminal.some((t) => job.latest(t)?.status === 'completed' && job.isCurrent(t));
  const allSettled = job.index.order.every((s) => {
    const l = job.latest(s);
    if (!l) return false;
    return l.status === 'completed' || l.status === 'skipped' || (l.status === 'failed' && job.index.steps.get(s)!.step.onError === 'continue');
  });
  skipNeverRun(engine, job);
  if (terminalDone || allSettled) {
    engine.transitionJob(job, { type: 'COMPLETE' });
    return;
  }
  engine.store.setJobFailure(job.id, { error: 'no terminal step reached', step: null });
  engine.transitionJob(job, { type: 'FAIL', data: { reason: 'no_terminal_reached' } });
}
