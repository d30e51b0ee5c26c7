/**
 * The whole crash scenario (DESIGN D-R2, SPEC E-23), shared by the CI test and the manual soak
 * runner: a crash-free reference job, the seeded kill loop, a clean life, the checks a human
 * would make before resuming, the resume, and the run-for-run comparison. Returns every broken
 * invariant as a sentence instead of stopping at the first, so one seed shows the whole picture.
 */
import type { Stepwise } from '../../runtime/types.js';
import { NON_RETRIABLE_STEP } from './crash-flow.js';
import { killLoop, runClean } from './harness.js';
import { completedCounts, eventIdProblems, jobTree, ledgerLines, RawDb } from './inspect.js';

export interface ScenarioOptions {
  seed: number;
  minKills: number;
  batchSize: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Driver lives running at once on the same db (default 1). */
  lanes?: number;
  /** Makes a fresh temp dir (the caller owns cleanup). */
  tmp(tag: string): string;
}

export interface ScenarioResult {
  problems: string[];
  kills: number;
  delays: number[];
  jobs: number;
  interrupted: number;
}

/** The engine on a crash-test project (loaded lazily: the suite first checks the engine exists). */
export async function openStore(projectDir: string): Promise<Stepwise> {
  const { openStepwise } = await import('../../runtime/index.js');
  return openStepwise({ projectDir });
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const problems: string[] = [];

  // 1. The crash-free reference: one job of the same flow.
  const baseDir = o.tmp('base');
  await runClean([baseDir, 'drive', '1', '0']);
  const base = await openStore(baseDir);
  const baseJob = base.store.listJobs({ topLevelOnly: true })[0]!;
  const expected = {
    status: base.store.getJob(baseJob.id)!.status,
    outputs: base.store.terminalOutputs(baseJob.id),
    counts: completedCounts(base.store, baseJob),
  };
  await base.close();
  if (expected.status !== 'completed') problems.push(`the crash-free reference job ended ${expected.status}`);

  // 2. Kill, restart, kill… then one clean life that settles everything.
  const dir = o.tmp('crash');
  const report = await killLoop(dir, o);
  await runClean([dir, 'drive', String(o.batchSize), '0'], 45_000);

  // 3. Before any human action: completed, or paused on an interrupted non_retriable run.
  const raw = new RawDb(dir);
  const interrupted = new Set<string>();
  const chargesBeforeResume = new Map<string, number>();
  const top = raw.topLevelJobs();
  for (const j of top) {
    const charges = ledgerLines(j.workspace, NON_RETRIABLE_STEP);
    chargesBeforeResume.set(j.id, charges);
    if (charges > 1) problems.push(`${j.name}: non_retriable step started ${charges} times before any resume`);
    if (j.status === 'completed') continue;
    const last = raw.latestRun(j.id, NON_RETRIABLE_STEP);
    if (j.status === 'paused' && last?.status === 'failed' && last.errorCategory === 'interrupted') interrupted.add(j.id);
    else problems.push(`${j.name}: ended ${j.status} (latest ${NON_RETRIABLE_STEP} run: ${JSON.stringify(last)}); crash-free ends completed`);
  }
  raw.close();

  // 4. The human resumes the interrupted ones; they must then finish.
  const fin = (await runClean([dir, 'finish'], 45_000)) as { resumed: string[] };
  const resumed = [...fin.resumed].sort();
  if (JSON.stringify(resumed) !== JSON.stringify([...interrupted].sort()))
    problems.push(`finish resumed ${JSON.stringify(resumed)}, expected the interrupted ${JSON.stringify([...interrupted].sort())}`);

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
      // Strict, resume included: when the interrupted attempt's child had already run (the
      // ledger says so, and so does its exit-code file), "interrupted" invites the human to run
      // the side effect a second time — the very thing non_retriable is there to prevent.
      const charges = ledgerLines(job.workspace, NON_RETRIABLE_STEP);
      if (charges > 1)
        problems.push(
          `${job.name}: non_retriable step executed ${charges} times` +
            (interrupted.has(job.id) ? ` (it had already executed ${chargesBeforeResume.get(job.id)} time(s) when recovery marked it interrupted; the resume ran it again)` : ''),
        );
      for (const sub of jobTree(sw.store, job).slice(1)) if (sub.status !== 'completed') problems.push(`${job.name}: sub-job ${sub.name} ${sub.status}`);
    }
  } finally {
    await sw.close();
  }
  const rawAfter = new RawDb(dir);
  problems.push(...eventIdProblems(rawAfter.eventIds()), ...rawAfter.eventLogProblems());
  rawAfter.close();

  return { problems, kills: report.kills, delays: report.delays, jobs: top.length, interrupted: interrupted.size };
}
