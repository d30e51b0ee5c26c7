/**
 * What happens to a run after its executor answers: suspension (E-15), completion and exit
 * rules (E-8.4, E-9), loops (E-10), failures with on_error and the circuit breaker (E-11).
 */
import type { CompiledStep, ExitRule } from '../../compiler/ir.js';
import { evaluateExitRules, noMatchMessage } from '../logic/exit-rules.js';
import { resolveInputs } from '../logic/input-resolution.js';
import { fireLoop } from '../logic/loop-frames.js';
import { applyDerivedOutputs, processArtifact } from '../logic/process-artifact.js';
import type { ExecutorResult } from '../executors/types.js';
import type { RunRecord } from '../types.js';
import { cacheWrite, isCacheable } from './cache.js';
import type { Engine } from './engine.js';
import type { LiveJob } from './live-job.js';
import { normalizeWatch } from '../watch/normalize-watch.js';
import { startPolling } from '../watch/poll-watch.js';
import { PERMANENT_CATEGORIES } from '../executors/classify-error.js';

const PERMANENT: ReadonlySet<string> = new Set(PERMANENT_CATEGORIES);

export function suspendRun(engine: Engine, job: LiveJob, run: RunRecord, raw: Record<string, unknown>): void {
  const watch = normalizeWatch(job, run, raw);
  run.status = 'suspended';
  run.watch = watch;
  engine.store.updateRun(run);
  job.noteStatus(run);
  if (watch.mode === 'poll') startPolling(engine, job, run);
  const config = (watch.config ?? {}) as Record<string, unknown>;
  engine.emit(job, 'step.suspended', {
    step: run.stepName,
    run_id: run.id,
    watch_mode: watch.mode ?? null,
    prompt: typeof config.prompt === 'string' ? config.prompt : null,
  });
  engine.afterChange(job, [run.stepName]);
}

/**
 * E-15.2 fulfilment of a suspended run (external/poll watches, issue 4 wires the callers):
 * derived outputs (an error rejects and the run stays suspended), then COMPLETED,
 * `watch.fulfilled`, exit rules, dispatch. Returns an error message or null.
 */
export function fulfill(engine: Engine, job: LiveJob, run: RunRecord, payload: Record<string, unknown>): string | null {
  if (run.status !== 'suspended') return `Run ${run.id} is not suspended (status: ${run.status})`;
  const step = job.index.steps.get(run.stepName)!.step;
  const d = applyDerivedOutputs(step, payload);
  if (!d.ok) return d.error;
  run.status = 'running'; // completeRun moves it on; the active set stays consistent
  job.noteStatus(run);
  const mode = typeof run.watch?.mode === 'string' ? run.watch.mode : 'external';
  engine.emit(job, 'watch.fulfilled', { run_id: run.id, mode, payload });
  engine.completeRun(job, run, d.artifact, {});
  return null;
}

/** E-8: what a run's executor answered — suspend, fail, or check and complete it. */
export function onResult(engine: Engine, job: LiveJob, run: RunRecord, result: ExecutorResult): void {
  if (run.status !== 'running') return; // paused, cancelled or timed out meanwhile
  const step = job.index.steps.get(run.stepName)!.step;
  if (result.meta) run.executorMeta = { ...(run.executorMeta ?? {}), ...result.meta };
  if (result.state) run.executorState = { ...(run.executorState ?? {}), ...result.state };
  if (result.kind === 'watch') {
    // Every other outcome ends the run through markFailed or completeRun, which clear its timers.
    engine.clearRunTimers(job, run);
    engine.suspendRun(job, run, result.watch as unknown as Record<string, unknown>);
    return;
  }
  if (result.kind === 'failed') {
    engine.failRun(job, run, result.error, result.category, result.artifact ?? null);
    return;
  }
  // E-21 / D-4: a cost limit is checked against what the executor reports (`executor_meta.cost_usd`).
  const cost = Number(run.executorMeta?.cost_usd ?? 0);
  const maxCost = step.limits.maxCostUsd;
  if (typeof maxCost === 'number' && Number.isFinite(cost) && cost > maxCost) {
    engine.emit(job, 'step.limit_exceeded', { step: step.name, limit_type: 'cost', limit_value: maxCost, actual_value: cost });
    engine.failRun(job, run, `Cost limit exceeded: $${cost} > $${maxCost}`, 'cost_limit', result.artifact ?? null);
    return;
  }
  const checked = processArtifact(step, result.artifact ?? {});
  if (!checked.ok) {
    // E-8.3: the job halts at once — exit rules, on_error and the breaker are bypassed.
    failAndHalt(engine, job, run, checked.error, result.artifact ?? {});
    return;
  }
  engine.completeRun(job, run, checked.artifact, {});
}

/** Run COMPLETED (E-8.4), then exit rules (E-9). */
export function completeRun(engine: Engine, job: LiveJob, run: RunRecord, artifact: Record<string, unknown>, opts: { fromCache?: boolean; forEach?: { itemCount: number } }): void {
  const step = job.index.steps.get(run.stepName)!.step;
  run.status = 'completed';
  run.artifact = artifact;
  run.completedAt = engine.now();
  engine.store.updateRun(run);
  job.noteStatus(run);
  engine.clearRunTimers(job, run);
  const data: Record<string, unknown> = { step: run.stepName, attempt: run.attempt };
  if (opts.fromCache) data.from_cache = true;
  if (opts.forEach) Object.assign(data, { for_each: true, item_count: opts.forEach.itemCount, cached_count: 0 });
  engine.emit(job, 'step.completed', data);
  if (!opts.fromCache && step.cache?.enabled && isCacheable(step) && typeof run.executorState?.cache_key === 'string') {
    cacheWrite(engine, step, job, run.executorState.cache_key, artifact);
  }
  engine.applyExitRules(job, step, run, artifact);
}

export function applyExitRules(engine: Engine, job: LiveJob, step: CompiledStep, run: RunRecord, artifact: Record<string, unknown>): void {
  const ev = evaluateExitRules(step, artifact, run.attempt);
  const d = ev.decision;
  if (d.kind === 'implicit_advance' || d.kind === 'fallthrough') {
    engine.emit(job, 'exit.resolved', { step: step.name, rule: 'implicit_advance', action: 'advance' });
    engine.afterChange(job, [step.name]);
    return;
  }
  if (d.kind === 'no_match') {
    // E-9.3: the completed run becomes a failure and goes through E-11.
    engine.failRun(job, run, noMatchMessage(step.name, artifact), null, artifact);
    return;
  }
  engine.emit(job, 'exit.resolved', { step: step.name, rule: d.rule.name, action: d.rule.action });
  engine.fireRule(job, step, d.rule, false, run);
}

/** Executes a fired exit rule's action (E-9.2, E-11.4). */
export function fireRule(engine: Engine, job: LiveJob, step: CompiledStep, rule: ExitRule, onFailure: boolean, run: RunRecord): void {
  switch (rule.action) {
    case 'advance':
      engine.afterChange(job, [step.name]);
      return;
    case 'loop':
      engine.fireLoopRule(job, step, rule, onFailure, run);
      return;
    case 'escalate':
      engine.pauseWith(job, { reason: 'escalated', step: step.name, rule: rule.name });
      return;
    case 'abandon':
      engine.failJob(job, { reason: 'abandoned', step: step.name, rule: rule.name }, {
        error: `abandoned by exit rule ${rule.name} of step ${step.name}`,
        step: step.name,
      });
      return;
  }
}

export function fireLoopRule(engine: Engine, job: LiveJob, step: CompiledStep, rule: ExitRule, onFailure: boolean, run: RunRecord): void {
  const target = rule.target ?? step.name;
  if (rule.maxIterations !== undefined && rule.maxIterations !== null) {
    if (onFailure) {
      // E-11.4 [D-30]: on the failure path the TOTAL run count of the target is compared, and the job fails.
      if (job.runsOf(target).length >= rule.maxIterations) {
        engine.halt(job, step.name, run.error ?? 'step failed');
        return;
      }
    }
  }
  // E-10.1 with D-4: the rule's max_iterations, and the target's limits.max_iterations, count completed runs.
  const caps = [onFailure ? undefined : rule.maxIterations, job.index.steps.get(target)?.step.limits.maxIterations].filter(
    (n): n is number => typeof n === 'number',
  );
  const completedOf = (s: string): number => job.runsOf(s).filter((r) => r.status === 'completed').length;
  // The looper's own limits.max_iterations bounds how often the loop body (itself included) runs again.
  const own = step.name !== target ? step.limits.maxIterations : undefined;
  const hit =
    caps.length && completedOf(target) >= Math.min(...caps)
      ? { count: completedOf(target), max: Math.min(...caps) }
      : typeof own === 'number' && completedOf(step.name) >= own
        ? { count: completedOf(step.name), max: own }
        : null;
  if (hit) {
    engine.emit(job, 'loop.max_reached', { step: step.name, target, completed_count: hit.count, max_iterations: hit.max });
    engine.pauseWith(job, { reason: 'max_iterations_reached', step: step.name, target });
    return;
  }
  job.frames = fireLoop(job.frames, target, job.flow.deps.parentFrame ?? {});
  engine.emit(job, 'loop.iteration', { step: step.name, target, count: job.frames[target]!.iteration });
  if (job.record.status !== 'running') {
    // Paused meanwhile (e.g. a parallel branch escalated): nothing new starts until resume.
    job.frames[target] = { ...job.frames[target]!, pendingLaunch: true };
    engine.store.setLoopFrames(job.id, job.frames);
    return;
  }
  engine.store.setLoopFrames(job.id, job.frames);
  const latest = job.latest(target);
  if (!latest || !['running', 'suspended', 'delegated'].includes(latest.status)) {
    // E-10.1: launched immediately, bypassing readiness, with inputs resolved now.
    engine.launch(job, target, resolveInputs(job, job.index.steps.get(target)!.step), true);
  }
  engine.afterChange(job, [step.name, target]);
}

export function markFailed(engine: Engine, job: LiveJob, run: RunRecord, error: string, category: string | null, artifact: Record<string, unknown> | null): void {
  run.status = 'failed';
  run.error = error;
  run.errorCategory = category;
  run.artifact = { ...(artifact ?? {}), _error: error, ...(category ? { error_category: category } : {}) };
  run.completedAt = engine.now();
  engine.store.updateRun(run);
  job.noteStatus(run);
  engine.clearRunTimers(job, run);
}

/**
 * Fails a run and halts the job at once: no exit rules, no on_error, no breaker (E-8.3 output
 * violations, E-16.1/E-17.1 failed delegations).
 */
export function failAndHalt(engine: Engine, job: LiveJob, run: RunRecord, error: string, artifact: Record<string, unknown> | null = null): void {
  engine.markFailed(job, run, error, null, artifact);
  engine.emit(job, 'step.failed', { step: run.stepName, attempt: run.attempt, error });
  engine.halt(job, run.stepName, error);
}

export function failRun(engine: Engine, job: LiveJob, run: RunRecord, error: string, category: string | null, artifact: Record<string, unknown> | null): void {
  const step = job.index.steps.get(run.stepName)!.step;
  engine.markFailed(job, run, error, category, artifact);
  engine.emit(job, 'step.failed', {
    step: step.name,
    attempt: run.attempt,
    error,
    error_category: category,
    on_error: step.onError,
  });
  if (step.onError === 'continue') {
    engine.afterChange(job, [step.name]);
    return;
  }
  if (category && PERMANENT.has(category)) {
    engine.halt(job, step.name, error);
    return;
  }
  const limit = step.limits.maxInfraRetries;
  if (limit > 0) {
    let n = 0;
    const runs = job.runsOf(step.name);
    for (let i = runs.length - 1; i >= 0 && runs[i]!.status === 'failed'; i--) n++;
    if (n >= limit) {
      const msg = `Step '${step.name}' failed after ${n} consecutive failures (last: ${error})`;
      run.error = msg;
      engine.store.updateRun(run);
      engine.halt(job, step.name, msg);
      return;
    }
  }
  const ev = evaluateExitRules(step, run.artifact ?? {}, run.attempt);
  if (ev.decision.kind === 'fired') {
    const rule = ev.decision.rule;
    engine.emit(job, 'exit.resolved', { step: step.name, rule: rule.name, action: rule.action, on_failure: true });
    engine.fireRule(job, step, rule, true, run);
    return;
  }
  engine.halt(job, step.name, error);
}

/** Halt (E-11): never-run steps SKIPPED, active runs cancelled, job FAILED. */
export function halt(engine: Engine, job: LiveJob, step: string | null, error: string): void {
  if (job.record.status !== 'running') return;
  engine.failJob(job, step ? { reason: 'step_failed', step, error } : { reason: 'no_terminal_reached' }, { error, step });
}

export function failJob(engine: Engine, job: LiveJob, data: Record<string, unknown>, failure: { error: string; step: string | null }): void {
  engine.stopActive(job, 'cancelled', 'Job failed');
  engine.skipNeverRun(job);
  engine.store.setJobFailure(job.id, failure);
  engine.transitionJob(job, { type: 'FAIL', data });
}
