/**
 * DESIGN D-R2 / SPEC E-23: a driver process is SIGKILLed ≥ 50 times at seeded random moments
 * while it runs batches of jobs (chain, self-loop, for_each, non_retriable step). Afterwards
 * every job must end as a crash-free job ends, no completed step may be recorded twice, no
 * non_retriable step may start twice, event ids must be gap-free and the event log must count
 * exactly the completed runs.
 *
 * Replay a failure with CRASH_SEED=<seed printed below> npx vitest run tests/crash.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAtLine, prepareDriver, runClean, startDriver, waitFor } from './harness.js';
import { NON_RETRIABLE_STEP } from './crash-flow.js';
import { ledgerLines } from './inspect.js';
import { openStore, runScenario } from './scenario.js';

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MIN_KILLS = 50;
const BATCH = 6;
const dirs: string[] = [];
const tmp = (tag: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `sw-crash-${tag}-`));
  dirs.push(d);
  return d;
};

// Why a runtime check and not an unconditional test: the engine is built in parallel with this
// harness. The crash test is only meaningful once a one-step job really completes through the
// public API; until then it is skipped, and the reason is printed (never silently).
async function probeEngine(): Promise<{ ok: boolean; reason: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-crash-probe-'));
  try {
    await runClean([dir, 'probe'], 30_000);
    return { ok: true, reason: '' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0]!.slice(0, 300) };
  } finally {
    // Removed here, not in afterAll: vitest skips the hooks of a file whose tests are all skipped.
    rmSync(dir, { recursive: true, force: true });
  }
}
const driverMode = await prepareDriver();
const engine = await probeEngine();
if (!engine.ok) console.warn(`[tests/crash] SKIPPED: engine not ready — a one-step probe job did not complete: ${engine.reason}`);

afterAll(() => {
  if (process.env.STEPWISE_KEEP_TEST_TMP !== '1') for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('crash recovery under SIGKILL (DESIGN D-R2, SPEC E-23)', () => {
  it.skipIf(!engine.ok)(
    `D-R2: ≥${MIN_KILLS} SIGKILLs leave every job as a crash-free run ends it (seed ${SEED})`,
    async () => {
      console.log(`[tests/crash] driver: ${driverMode}; seed ${SEED} (replay: CRASH_SEED=${SEED} npx vitest run tests/crash)`);

      const r = await runScenario({ seed: SEED, minKills: MIN_KILLS, batchSize: BATCH, tmp });
      console.log(`[tests/crash] ${r.kills} kills, ${r.jobs} jobs, ${r.interrupted} paused on an interrupted non_retriable step`);
      expect(r.kills).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(r.problems, `crash invariants (seed ${SEED}, kill delays ms: ${r.delays.join(',')})`).toEqual([]);
    },
    150_000,
  );

  // The deterministic form of a failure the random kills above hit now and then: the engine is
  // killed after the attempt row of a loop body is written but before its child exists. Recovery
  // cancels that run and starts attempt+1, and since the exit rule counts `attempt` (E-10.3),
  // the crash eats one loop iteration. A crash-free run completes `spin` 3 times (CT-27 shape).
  it.skipIf(!engine.ok)('D-R2/E-10.3: a loop body killed before its child started still completes 3 iterations', async () => {
    const dir = tmp('loop');
    await killAtLine([dir, 'hang-loop'], 'hung');
    await runClean([dir, 'fake-drive']);
    const sw = await openStore(dir);
    try {
      const job = sw.store.listJobs({ topLevelOnly: true })[0]!;
      const runs = sw.store.listRuns(job.id, 'spin').map((r) => `#${r.attempt} ${r.status}`);
      expect(sw.store.getJob(job.id)!.status).toBe('completed');
      expect(runs.filter((r) => r.endsWith('completed')), `spin runs: ${runs.join(', ')}`).toHaveLength(3);
    } finally {
      await sw.close();
    }
  });

  // Found by the 2-lane soak (two driver processes sharing the db): when every executor slot is
  // taken, a loop relaunch waits in the engine's in-memory launch queue; the commit that decided
  // the loop (`loop.iteration`) is durable but the pending relaunch is not, so a crash at that
  // moment loses the remaining iterations. Crash-free, this flow completes `spin` 3 times.
  it.skipIf(!engine.ok)('D-R1/E-10.1: a loop relaunch queued behind the executor cap survives a crash', async () => {
    const dir = tmp('loop-queue');
    const life = startDriver([dir, 'loop-queue']); // SIGKILLs itself right after the loop commit
    const end = await life.end;
    expect(end.stdout, 'the driver reached the loop decision').toMatch(/^looped$/m);
    await runClean([dir, 'fake-drive']);
    const sw = await openStore(dir);
    try {
      const job = sw.store.listJobs({ topLevelOnly: true })[0]!;
      const runs = sw.store.listRuns(job.id).map((r) => `${r.stepName}#${r.attempt} ${r.status}`);
      expect(sw.store.getJob(job.id)!.status).toBe('completed');
      expect(runs.filter((r) => /^spin#\d+ completed$/.test(r)), `runs: ${runs.join(', ')}`).toHaveLength(3);
    } finally {
      await sw.close();
    }
  });

  // DESIGN §3 "several processes (CLI runs, the server) may share" the db. Found by the 3-lane
  // soak: two processes opening a fresh project at once both read user_version 0 and both run
  // migration 1 ("table flows already exists"). Racy by nature: 3 rounds of 4 processes that all open at the same instant.
  it.skipIf(!engine.ok)('DESIGN §3: processes opening a fresh project at the same moment all succeed', async () => {
    const failures: string[] = [];
    for (let round = 0; round < 3; round++) {
      const dir = tmp('open-race');
      const startAt = String(Date.now() + 1500); // every process loaded, then all open at once
      const results = await Promise.allSettled([1, 2, 3, 4].map(() => runClean([dir, 'probe', startAt])));
      for (const r of results) if (r.status === 'rejected') failures.push(String(r.reason).split('\n')[0]!.slice(0, 200));
    }
    expect(failures).toEqual([]);
  });

  // D-R2 ends with "script children that are still alive are re-attached (… they write their
  // exit code to a file)": that holds for non_retriable steps too. Failing such a run as
  // `interrupted` when its child is alive or has already exited tells the human to resume, and
  // the resume executes the side effect a second time — what the random kills above show.
  /** Kills `start-nr` once its child has started; returns the job workspace. */
  async function killDuringNonRetriable(dir: string): Promise<string> {
    const life = startDriver([dir, 'start-nr']);
    const marker = await waitFor(() => {
      const jobs = path.join(dir, '.stepwise', 'jobs');
      if (!existsSync(jobs)) return null;
      for (const id of readdirSync(jobs)) {
        const ws = path.join(jobs, id, 'workspace');
        if (existsSync(path.join(ws, `started-${NON_RETRIABLE_STEP}`))) return ws;
      }
      return null;
    });
    life.child.kill('SIGKILL');
    await life.end;
    if (!marker) throw new Error('the non_retriable child never started');
    return marker;
  }

  async function outcomeAfterRecovery(dir: string, workspace: string) {
    await runClean([dir, 'drive', '1', '0']);
    const sw = await openStore(dir);
    try {
      const job = sw.store.listJobs({ topLevelOnly: true })[0]!;
      const runs = sw.store.listRuns(job.id, NON_RETRIABLE_STEP).map((r) => `#${r.attempt} ${r.status} ${r.errorCategory ?? ''}`);
      return { status: sw.store.getJob(job.id)!.status, runs, executions: ledgerLines(workspace, NON_RETRIABLE_STEP) };
    } finally {
      await sw.close();
    }
  }

  it.skipIf(!engine.ok)('D-R2: a non_retriable child still alive at recovery is re-attached, not failed as interrupted', async () => {
    const dir = tmp('nr-alive');
    const ws = await killDuringNonRetriable(dir);
    const out = await outcomeAfterRecovery(dir, ws); // recovery starts while the child sleeps
    expect(out, `runs: ${out.runs.join(', ')}`).toMatchObject({ status: 'completed', executions: 1 });
  });

  it.skipIf(!engine.ok)('D-R2/E-23.2: a non_retriable child that exited while the engine was down is read back from its exit-code file', async () => {
    const dir = tmp('nr-exited');
    const ws = await killDuringNonRetriable(dir);
    expect(await waitFor(() => (ledgerLines(ws, NON_RETRIABLE_STEP) > 0 ? ws : null)), 'the orphaned child finishes its work').toBe(ws);
    await new Promise((r) => setTimeout(r, 200)); // and writes its exit code
    const out = await outcomeAfterRecovery(dir, ws);
    expect(out, `runs: ${out.runs.join(', ')}`).toMatchObject({ status: 'completed', executions: 1 });
  });
});
