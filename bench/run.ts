/**
 * `npm run bench`: whole-process workloads against a bare-spawn floor measured in the same run,
 * `validate chain500`, in-process compile time and no-op engine runs (linearity check).
 * Prints one markdown report and writes it to bench/out/latest.md. A failing piece (engine
 * or compiler not built yet) shows up as an ERROR row; the bench itself never crashes on it.
 *
 * Env: BENCH_N (default 9, as the Python figures: median of 9) runs per workload; BENCH_SAMPLES=1 prints each sample;
 * BENCH_DIR where the workload projects are made (default the temp dir).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateFlows, REPO, SCALING, STANDARD, workloadFile } from './flows.js';
import { HAVE_GNU_TIME } from './measure.js';
import { inProcTable, targetsTable, validateTable, wholeTable, type InProcRow } from './report.js';
import { measureRun, measureValidate, type WholeRow } from './whole-process.js';
import type { WorkerResult } from './in-process-worker.js';

const N = Math.max(1, Number(process.env.BENCH_N ?? 9) || 9);
const N_SCALING = N;
/** Keep the whole bench under ~4 minutes: later sections are skipped once this is spent. */
const BUDGET_MS = 225_000;
const started = Date.now();
const overBudget = () => Date.now() - started > BUDGET_MS;
const SKIPPED = 'skipped: bench time budget (~4 min) spent';

function runWorker(what: string, size: number, timeoutMs: number, workDir: string): Promise<WorkerResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench', 'in-process-worker.ts'), what, String(size)], {
      cwd: REPO,
      env: { ...process.env, BENCH_TMP: workDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') return resolve({ ok: false, error: `timed out after ${timeoutMs / 1000} s (super-linear?)` });
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as WorkerResult);
      } catch {
        resolve({ ok: false, error: `worker exit ${code}: ${(err.trim() || out.trim()).split('\n')[0]?.slice(0, 160)}` });
      }
    });
  });
}

async function inProc(what: string, label: string, size: number, workDir: string): Promise<InProcRow> {
  if (overBudget()) return { what: label, size, error: SKIPPED };
  const remaining = Math.max(10_000, BUDGET_MS + 30_000 - (Date.now() - started));
  const r = await runWorker(what, size, Math.min(90_000, remaining), workDir);
  return r.ok ? { what: label, size, ms: r.ms, steps: r.steps } : { what: label, size, error: r.error };
}

function progress(msg: string): void {
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${msg}\n`);
}

async function main(): Promise<void> {
  const flowDir = mkdtempSync(path.join(os.tmpdir(), 'sw-bench-flows-'));
  const gen = generateFlows(flowDir);
  const cpus = os.cpus();
  const header = [
    '# Stepwise bench',
    '',
    `node ${process.version} · ${cpus.length} CPU (${cpus[0]?.model.trim() ?? '?'}) · ${os.platform()} ${os.release()} · ${new Date().toISOString()}`,
    `load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min)${os.loadavg()[0]! > cpus.length ? ' — machine busy: wall times include waiting for a CPU' : ''}`,
    `N = ${N} (scaling set ${N_SCALING}) · projects in ${process.env.BENCH_DIR ?? os.tmpdir()} · flows from ${gen.source} · cpu/peak via ${HAVE_GNU_TIME ? '/usr/bin/time' : 'bash time + VmHWM polling'} · wall = median, whole process`,
  ].join('\n');

  const rows: WholeRow[] = [];
  for (const [name, runs] of STANDARD) {
    progress(`run ${name}`);
    rows.push(overBudget() ? { name, scriptRuns: runs, n: N, error: SKIPPED } : await measureRun(name, runs, workloadFile(flowDir, name), N));
  }
  for (const [name, runs] of SCALING) {
    progress(`run ${name}`);
    rows.push(overBudget() ? { name, scriptRuns: runs, n: N_SCALING, error: SKIPPED } : await measureRun(name, runs, workloadFile(flowDir, name), N_SCALING));
  }
  // The rows above reuse the project's compile cache (the warm-up run fills it, as any second
  // run of a flow does); these compile in every run, to show what a first run pays.
  const noCache: WholeRow[] = [];
  for (const [name, runs] of [['one', 1], ['chain50', 50], ['loop20', 20], ['chain100', 100]] as const) {
    progress(`run ${name} --no-cache`);
    noCache.push(overBudget() ? { name, scriptRuns: runs, n: N, error: SKIPPED } : await measureRun(name, runs, workloadFile(flowDir, name), N, ['--no-cache']));
  }
  progress('validate chain500');
  const validate = overBudget()
    ? { name: 'validate chain500', scriptRuns: 0, n: N, error: SKIPPED }
    : await measureValidate(workloadFile(flowDir, 'chain500'), N);
  progress('validate chain500 in a project');
  const validateCached = overBudget()
    ? { name: 'validate chain500 (project, cache hit)', scriptRuns: 0, n: N, error: SKIPPED }
    : await measureValidate(workloadFile(flowDir, 'chain500'), N, true);

  const compile: InProcRow[] = [];
  for (const size of [1000, 5000, 20000]) {
    progress(`compile chain ${size}`);
    compile.push(await inProc('compile', 'compileSource chain', size, flowDir));
  }
  const engine: InProcRow[] = [];
  for (const [what, label] of [
    ['engine-chain', 'no-op engine chain'],
    ['engine-foreach', 'no-op engine for_each items'],
  ] as const) {
    for (const size of [1000, 10000]) {
      progress(`${label} ${size}`);
      engine.push(await inProc(what, label, size, flowDir));
    }
  }
  rmSync(flowDir, { recursive: true, force: true });

  const doc = [
    header,
    '',
    '## `stepwise run <flow> --wait` (py = the Python reference, shared/bench/README.md)',
    '',
    wholeTable(rows),
    '',
    'marginal = ((wall_N − wall_one) − (floor_N − floor_1)) / (N − 1); floor = as many bare `sh -c "echo …"` spawns from a bash loop, measured in this run, each floor sample right after a workload sample. cpu marginal = the same formula on user+sys CPU seconds (child processes included; steps forked by the spawn helper are not waited for by the CLI process, so most of their CPU is not counted), steadier than wall on a busy machine. Each workload runs in its own fresh project after one unmeasured warm-up run, which also fills the compile cache.',
    '',
    '### The same, compiling the flow in every run (`--no-cache`)',
    '',
    wholeTable(noCache),
    '',
    validateTable(validate, validateCached),
    '',
    '## Targets',
    '',
    targetsTable(rows, validate),
    '',
    '## In process (one fresh process per row; µs per step should stay flat as size grows)',
    '',
    inProcTable('compile', compile),
    '',
    inProcTable('engine, no-op script executor', engine),
    '',
    `total bench time ${((Date.now() - started) / 1000).toFixed(0)} s · load average at end ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
    '',
  ].join('\n');
  process.stdout.write(doc);
  const outDir = path.join(REPO, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.md'), doc);
}

await main();
