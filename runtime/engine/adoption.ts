/**
 * Loading a job from rows and adopting it (D-R2, D-R3, E-23): rebuild the in-memory index,
 * reconcile every unfinished attempt by idempotency, re-arm timers, rebuild for_each
 * progress, then continue. Used by `recover()` and when a caller finds a job whose owner died.
 */
import { existsSync } from 'node:fs';
import type { SpawnInfo } from '../executors/types.js';
import { reattachScript } from '../executors/reattach-script.js';
import { resultFromFiles } from '../executors/script-executor.js';
import { findOrphanScript } from './find-orphan.js';
import { isOwnedPidAlive } from '../executors/process-group.js';
import type { LoopFrames } from '../logic/loop-frames.js';
import { mergedTerminalArtifact } from '../logic/terminal-outputs.js';
import type { RunRecord } from '../types.js';
import { toJobRecord } from '../store/store.js';
import type { Engine } from './engine.js';
import { LiveJob } from './live-job.js';
import { recordItem } from './delegation.js';
import { failAndHalt } from './outcomes.js';
import { ownerState } from '../ownership.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** Loads a job (and its unfinished sub-jobs) into the engine; returns every job loaded. */
export function loadJob(engine: Engine, jobId: string, loaded: LiveJob[] = []): LiveJob | undefined {
  const existing = engine.jobs.get(jobId);
  if (existing) return existing;
  const row = engine.store.getJobRow(jobId);
  if (!row) return undefined;
  const record = toJobRecord(row);
  const flow = engine.store.getFlow(record.flowHash);
  if (!flow) return undefined;
  const job = new LiveJob(record, flow);
  for (const r of engine.store.listRuns(jobId)) job.addRun(r);
  job.frames = (JSON.parse(row.loop_frames ?? '{}') ?? {}) as LoopFrames;
  job.rebuildCurrent();
  engine.jobs.set(jobId, job);
  loaded.push(job);
  for (const run of job.runsById.values()) {
    if (run.status !== 'delegated') continue;
    const ids = Array.isArray(run.executorState?.sub_job_ids) ? (run.executorState!.sub_job_ids as string[]) : [];
    if (ids.length) {
      job.forEach.set(run.id, {
        subJobIds: ids,
        indexOf: new Map(ids.map((id, i) => [id, i])),
        results: new Array(ids.length).fill(undefined),
        done: 0,
        failed: 0,
        onError: job.index.steps.get(run.stepName)?.step.forEach?.onError ?? 'fail_fast',
      });
    }
    for (const sid of ids.length ? ids : run.subJobId ? [run.subJobId] : []) {
      const sub = engine.store.getJob(sid);
      if (sub && !TERMINAL.has(sub.status)) loadJob(engine, sid, loaded);
    }
  }
  return job;
}

/** Takes ownership of `jobId` and continues it. Call inside `engine.handle`. */
export function adoptJob(engine: Engine, jobId: string): LiveJob | undefined {
  // Re-checked inside the (IMMEDIATE) transaction: two processes racing to adopt cannot both win.
  const row = engine.store.getJobRow(jobId);
  if (!engine.jobs.has(jobId) && row && ownerState(row, engine.owner, engine.clock.now()) === 'alive') return undefined;
  const loaded: LiveJob[] = [];
  const job = loadJob(engine, jobId, loaded);
  if (!job) return undefined;
  const at = engine.now();
  for (const j of loaded) {
    engine.store.setOwner(j.id, engine.owner, process.pid, at);
    j.record = { ...j.record, createdBy: engine.owner, runnerPid: process.pid, heartbeatAt: at };
  }
  for (const j of loaded) reconcile(engine, j);
  return job;
}

function reconcile(engine: Engine, job: LiveJob): void {
  // Timers first (D-R3): absolute times, re-armed; overdue ones fire at once.
  for (const t of engine.store.listTimers(job.id)) engine.defer(() => engine.armTimer(job, t.id, t.dueAt));
  const restart: RunRecord[] = [];
  for (const run of [...job.runsById.values()]) {
    if (run.status !== 'running') continue;
    const step = job.index.steps.get(run.stepName)?.step;
    if (!step) continue;
    // A child still alive, or one that left its exit code, is re-attached whatever the
    // idempotency: nothing runs twice (D-R2, E-23.2).
    const spawn = run.executorState?.spawn as SpawnInfo | undefined;
    if (spawn && typeof spawn.pid === 'number' && spawn.pid > 0 && (isOwnedPidAlive(spawn.pid, spawn.pgid) || existsSync(spawn.exitCodePath))) {
      const ac = new AbortController();
      engine.defer(() => {
        engine.slots.started(step.executor.type);
        engine.awaitResult(job, run, reattachScript(spawn, ac.signal, { outputs: step.outputs.map((o) => o.name) }), ac);
      });
      continue;
    }
    // Killed between spawn and the commit of its pid: find the child by its files (D-R2).
    const orphan = step.executor.type === 'script' ? findOrphanScript(job.record.workspace, run.stepName, run.attempt) : null;
    if (orphan) {
      const outputs = step.outputs.map((o) => o.name);
      const ac = new AbortController();
      if (orphan.kind === 'running') {
        // Only a live child's pid is recorded; an exited one is found again by its files.
        run.executorState = { ...(run.executorState ?? {}), spawn: orphan.info };
        run.pid = orphan.info.pid;
        engine.store.updateRun(run);
      }
      engine.defer(() => {
        engine.slots.started(step.executor.type);
        const result =
          orphan.kind === 'running' ? reattachScript(orphan.info, ac.signal, { outputs }) : Promise.resolve(resultFromFiles(orphan.info, outputs, { reattached: true }));
        engine.awaitResult(job, run, result, ac);
      });
      continue;
    }
    // No child to re-attach: a non_retriable step must not start again without a human (D-5).
    if (step.idempotency === 'non_retriable') {
      const error = 'Interrupted: the engine stopped while this non-retriable step was running';
      engine.markFailed(job, run, error, 'interrupted', null);
      engine.emit(job, 'step.failed', { step: step.name, attempt: run.attempt, error, error_category: 'interrupted', on_error: step.onError });
      if (job.record.status === 'running') engine.pauseWith(job, { reason: 'interrupted', step: step.name });
      continue;
    }
    restart.push(run);
  }
  // for_each progress from the sub-jobs that already settled.
  for (const [runId, p] of job.forEach) {
    const run = job.runsById.get(runId)!;
    p.subJobIds.forEach((sid, i) => {
      if (run.status !== 'delegated') return;
      const sub = engine.jobs.get(sid);
      const rec = sub?.record ?? engine.store.getJob(sid);
      if (!rec || !(TERMINAL.has(rec.status) || rec.status === 'paused')) return;
      recordItem(engine, job, run, p, i, sid, rec.status, () => settledArtifact(engine, sid));
    });
  }
  for (const run of [...job.runsById.values()]) {
    if (run.status !== 'delegated' || !run.subJobId || engine.jobs.has(run.subJobId)) continue;
    const rec = engine.store.getJob(run.subJobId);
    if (!rec) continue;
    if (rec.status === 'completed') engine.completeRun(job, run, settledArtifact(engine, rec.id), {});
    else if (rec.status === 'failed' || rec.status === 'cancelled') {
      failAndHalt(engine, job, run, `Sub-job ${rec.status}`);
    }
  }
  if (job.record.status !== 'running') {
    // Paused (e.g. by an interrupted non_retriable sibling): park them as a pause would (E-14.1).
    for (const run of restart) {
      run.status = 'suspended';
      engine.store.updateRun(run);
      job.noteStatus(run);
    }
    return;
  }
  // Idempotent attempts whose child is gone run again in place (same attempt, D-R2).
  for (const run of restart) engine.restartInPlace(job, run);
  // Relaunches decided before the crash but still waiting for a slot (E-10.1).
  engine.launchPending(job);
  engine.dispatchAll(job);
}

function settledArtifact(engine: Engine, subJobId: string): Record<string, unknown> {
  const rec = engine.store.getJob(subJobId);
  const flow = rec ? engine.store.getFlow(rec.flowHash) : undefined;
  if (!rec || !flow) return {};
  const runs = engine.store.listRuns(subJobId);
  const by = new Map<string, RunRecord[]>();
  for (const r of runs) by.set(r.stepName, [...(by.get(r.stepName) ?? []), r]);
  return mergedTerminalArtifact(flow, (s) => by.get(s) ?? []);
}
