/**
 * Whole-process figures: `stepwise run <flow> --wait` and `stepwise validate`, each in a fresh
 * temp project per workload (the first run creates and warms the db; the measured runs reuse
 * it), and the bare-spawn floor measured in the same bench run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './flows.js';
import { floorRun, median, timedRun, type Sample } from './measure.js';

export const BIN = path.join(REPO, 'bin', 'stepwise.js');

/**
 * Where the per-workload projects are made (BENCH_DIR, default the temp dir). On this VM a
 * directory tree new to the file system creates files slower for a while (bench/FINDINGS.md):
 * BENCH_DIR inside an old project directory measures the steady state a long-lived project sees.
 */
const PROJECTS_ROOT = process.env.BENCH_DIR ?? os.tmpdir();

export interface WholeRow {
  name: string;
  scriptRuns: number;
  n: number;
  wallS?: number;
  cpuS?: number | null;
  peakMB?: number | null;
  floorS?: number;
  floorCpuS?: number | null;
  error?: string;
}

/** Why a `run --wait` sample does not count (non-zero exit, not completed), or null. */
function runProblem(s: Sample): string | null {
  let status = '?';
  try {
    status = String((JSON.parse(s.stdout) as { status?: unknown }).status);
  } catch {
    /* not JSON: reported below */
  }
  if (s.code === 0 && status === 'completed') return null;
  const detail = (s.stdout.trim() || s.stderr.trim()).split('\n').slice(0, 2).join(' ').slice(0, 160);
  return `exit ${s.code}, status ${status}: ${detail}`;
}

const medianOrNull = (xs: Array<number | null>): number | null =>
  xs.every((x): x is number => x !== null) && xs.length > 0 ? median(xs) : null;

/** `extra` flags go after `--wait` (the `--no-cache` rows compile the flow in every run). */
export async function measureRun(name: string, scriptRuns: number, flowFile: string, n: number, extra: string[] = []): Promise<WholeRow> {
  const row: WholeRow = { name, scriptRuns, n };
  const projectDir = mkdtempSync(path.join(PROJECTS_ROOT, `sw-bench-${name.replace(/\W+/g, '-')}-`));
  try {
    // --project-dir: the fresh directory is the project even when BENCH_DIR lies inside another one.
    const argv = [process.execPath, BIN, '--project-dir', projectDir, 'run', flowFile, '--wait', ...extra];
    const warm = await timedRun(argv, projectDir, 90_000);
    const warmProblem = runProblem(warm);
    if (warmProblem) return { ...row, error: warmProblem };
    // Runs and floor samples alternate so both see the same machine load (a shared box's load
    // swings a lot within a minute; back-to-back blocks would skew wall ÷ floor).
    const samples: Sample[] = [];
    const floors: Sample[] = [];
    for (let i = 0; i < n; i++) {
      const s = await timedRun(argv, projectDir, 90_000);
      const problem = runProblem(s);
      if (problem) return { ...row, error: `run ${i + 1}: ${problem}` };
      samples.push(s);
      floors.push(await floorRun(scriptRuns));
    }
    if (process.env.BENCH_SAMPLES) process.stderr.write(`${name}: ${samples.map((s) => s.wallS.toFixed(3)).join(' ')} (floor ${floors.map((s) => s.wallS.toFixed(3)).join(' ')})\n`);
    return {
      ...row,
      wallS: median(samples.map((s) => s.wallS)),
      cpuS: medianOrNull(samples.map((s) => s.cpuS)),
      peakMB: medianOrNull(samples.map((s) => s.peakMB)),
      floorS: median(floors.map((s) => s.wallS)),
      floorCpuS: medianOrNull(floors.map((s) => s.cpuS)),
    };
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

/**
 * `inProject` false: a directory without `.stepwise/`, so nothing is cached and every run
 * compiles (the figure the target is about). True: inside a project, where the first (unmeasured)
 * run fills the compile cache and the measured ones are cache hits.
 */
export async function measureValidate(flowFile: string, n: number, inProject = false): Promise<WholeRow> {
  const row: WholeRow = { name: inProject ? 'validate chain500 (project, cache hit)' : 'validate chain500', scriptRuns: 0, n };
  const projectDir = mkdtempSync(path.join(PROJECTS_ROOT, 'sw-bench-validate-'));
  try {
    if (inProject) mkdirSync(path.join(projectDir, '.stepwise'));
    // The cold row compiles in every run, wherever it runs (BENCH_DIR may lie inside a project).
    const argv = [process.execPath, BIN, 'validate', flowFile, ...(inProject ? [] : ['--no-cache'])];
    const samples: Sample[] = [];
    for (let i = 0; i <= n; i++) {
      const s = await timedRun(argv, projectDir, 60_000);
      if (s.code !== 0) return { ...row, error: `exit ${s.code}: ${(s.stderr.trim() || s.stdout.trim()).split('\n')[0]!.slice(0, 160)}` };
      if (i > 0) samples.push(s); // the first run warms the page cache
    }
    return {
      ...row,
      wallS: median(samples.map((s) => s.wallS)),
      cpuS: medianOrNull(samples.map((s) => s.cpuS)),
      peakMB: medianOrNull(samples.map((s) => s.peakMB)),
    };
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

/** ((wall_N − wall_one) − (floor_N − floor_1)) / (N − 1), in ms (shared/bench/README.md). */
export function marginalMs(row: WholeRow, one: WholeRow): number | null {
  if (row.scriptRuns <= 1 || row.wallS === undefined || row.floorS === undefined) return null;
  if (one.wallS === undefined || one.floorS === undefined) return null;
  return (((row.wallS - one.wallS) - (row.floorS - one.floorS)) / (row.scriptRuns - 1)) * 1000;
}

/** The same formula on CPU seconds: less sensitive to a busy machine than wall time. */
export function marginalCpuMs(row: WholeRow, one: WholeRow): number | null {
  if (row.scriptRuns <= 1 || typeof row.cpuS !== 'number' || typeof row.floorCpuS !== 'number') return null;
  if (typeof one.cpuS !== 'number' || typeof one.floorCpuS !== 'number') return null;
  return (((row.cpuS - one.cpuS) - (row.floorCpuS - one.floorCpuS)) / (row.scriptRuns - 1)) * 1000;
}
