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
import { NON_RETRIABLE_STEP } from './crash-flow.js';
import { killAtLine, killLoop, prepareDriver, runClean } from './harness.js';
import { completedCounts, eventIdProblems, jobTree, ledgerLines, RawDb } from './inspect.js';

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

      // 1. The crash-free reference: one job of the same flow.
      const baseDir = tmp('base');
      await runClean([baseDir, 'drive', '1', '0']);
      const base = await openStore(baseDir);
      const baseJob = base.store.listJobs({ topLevelOnly: true })[0]!;
      const expected = {
        status: base.store.getJob(baseJob.id)!.status,
        outputs: base.store.terminalOutputs(baseJob.id),
        counts: completedCounts(base.store, baseJob),
      };
      await base.close();
      expect(expected.status, 'the crash-free job itself must complete').toBe('completed');

      // 2. Kill, restart, kill… then one clean life that settles everything.
      const dir = tmp('crash');
      const report = await killLoop(dir, { seed: SEED, minKills: MIN_KILLS, batchSize: BATCH });
      await runClean([dir, 'drive', String(BATCH), '0'], 45_000);
      const where = `(seed ${SEED}, kill delays ms: ${report.delays.join(',')})`;
      const problems: string[] = [];

      // 3. Before any human action: completed, or paused on an interrupted non_retriable run.
      const raw = new RawDb(dir);
      const interrupted = new Set<string>();
      for (const j of raw.topLevelJobs()) {
        const charges = ledgerLines(j.workspace, NON_RETRIABLE_STEP);
        if (charges > 1) problems.push(`${j.name}: non_retriable step started ${charges} times before any resume`);
        if (j.status === 'completed') continue;
        const last = raw.latestRun(j.id, NON_RETRIABLE_STEP);
        if (j.status === 'paused' && last?.status === 'failed' && last.errorCategory === 'interrupted') interrupted.add(j.id);
        else problems.push(`${j.name}: ended ${j.status} (latest ${NON_RETRIABLE_STEP} run: ${JSON.stringify(last)}); crash-free ends completed`);
      }
      const jobCount = raw.topLevelJobs().length;
      raw.close();

      // 4. The human resumes the interrupted ones; they must then finish.
      const fin = (await runClean([dir, 'finish'], 45_000)) as { resumed: string[] };
      expect([...fin.resumed].sort(), `resumed jobs ${where}`).toEqual([...interrupted].sort());

      // 5. Every job now matches the crash-free one, run for run.
      const sw = await openStore(dir);
      try {
        for (const j of sw.store.listJobs({ topLevelOnly: true })) {
          const job = sw.store.getJob(j.id)!;
          if (job.status !== expected.status) problems.push(`${job.name}: ${job.status} after finish (${sw.store.failureInfo(job.id).error})`);
          const outputs = sw.store.terminalOutputs(job.id);
          if (JSON.stringify(outputs) !== JSON.stringify(expected.outputs))
            problems.push(`${job.name}: terminal outputs ${JSON.stringify(outputs)} ≠ ${JSON.stringify(expected.outputs)}`);
          const counts = completedCounts(sw.store, job);
          if (JSON.stringify(counts) !== JSON.stringify(expected.counts))
            problems.push(`${job.name}: completed runs ${JSON.stringify(counts)} ≠ crash-free ${JSON.stringify(expected.counts)}`);
          const charges = ledgerLines(job.workspace, NON_RETRIABLE_STEP);
          const allowed = interrupted.has(job.id) ? 2 : 1;
          if (charges > allowed) problems.push(`${job.name}: non_retriable step started ${charges} times (allowed ${allowed})`);
          for (const sub of jobTree(sw.store, job).slice(1))
            if (sub.status !== 'completed') problems.push(`${job.name}: sub-job ${sub.name} ${sub.status}`);
        }
      } finally {
        await sw.close();
      }
      const rawAfter = new RawDb(dir);
      problems.push(...eventIdProblems(rawAfter.eventIds()), ...rawAfter.eventLogProblems());
      rawAfter.close();

      console.log(`[tests/crash] ${report.kills} kills, ${jobCount} jobs, ${interrupted.size} paused on an interrupted non_retriable step`);
      expect(report.kills).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(problems, `crash invariants ${where}`).toEqual([]);
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
