/**
 * DESIGN D-R2 / SPEC E-23: a driver process is SIGKILLed ≥ 50 times at seeded random moments
 * while it runs batches of jobs (chain, self-loop, for_each, non_retriable step). Afterwards
 * every job must end as a crash-free job ends, no completed step may be recorded twice, no
 * non_retriable step may start twice, event ids must be gap-free and the event log must count
 * exactly the completed runs.
 *
 * Replay a failure with CRASH_SEED=<seed printed below> npx vitest run tests/crash.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Stepwise } from '../../runtime/types.js';
import { killAtLine, prepareDriver, runClean } from './harness.js';
import { runScenario } from './scenario.js';

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
  try {
    await runClean([tmp('probe'), 'probe'], 30_000);
    return { ok: true, reason: '' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split('\n')[0]!.slice(0, 300) };
  }
}
const driverMode = await prepareDriver();
const engine = await probeEngine();
if (!engine.ok) console.warn(`[tests/crash] SKIPPED: engine not ready — a one-step probe job did not complete: ${engine.reason}`);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function openStore(projectDir: string): Promise<Stepwise> {
  const { openStepwise } = await import('../../runtime/index.js');
  return openStepwise({ projectDir });
}

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
});
