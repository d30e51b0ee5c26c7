/**
 * One in-process measurement per process (so a super-linear case can be killed by the parent's
 * timeout and memory of one case never skews the next). Prints one JSON line:
 * `{ok: true, ms, steps}` or `{ok: false, error}`.
 *
 *   node --import tsx bench/in-process-worker.ts compile <n>
 *   node --import tsx bench/in-process-worker.ts engine-chain <n>
 *   node --import tsx bench/in-process-worker.ts engine-foreach <n>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Executor } from '../runtime/executors/types.js';
import { chainYaml, foreachYaml } from './flows.js';
import { compileOrError, firstLine, loadCompiler, loadRuntime } from './pieces.js';

export interface WorkerResult {
  ok: boolean;
  ms?: number;
  steps?: number;
  error?: string;
}

const elapsedMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function compileCase(n: number): Promise<WorkerResult> {
  const c = await loadCompiler();
  if (!c.ok) return { ok: false, error: c.error };
  // Compile the same text once untimed: the JIT, the grammar and the GC heap are then warm, so
  // the figure is the steady per-step cost and 1,000 vs 20,000 shows linearity, not warm-up.
  const text = chainYaml(n);
  const warm = compileOrError(c.api, text);
  if ('error' in warm) return { ok: false, error: warm.error };
  const t0 = process.hrtime.bigint();
  const r = compileOrError(c.api, text);
  const ms = elapsedMs(t0);
  if ('error' in r) return { ok: false, error: r.error };
  return { ok: true, ms, steps: n };
}

/** The no-op executor of the brief; `gen` (the for_each source) answers with `items.list`. */
function noopScript(items: { list: number[] }): Executor {
  return {
    type: 'script',
    start: async (inv) => ({ kind: 'data', artifact: inv.ctx.stepName === 'gen' ? { items: items.list } : { x: 1 } }),
  };
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function engineCase(shape: 'chain' | 'foreach', n: number): Promise<WorkerResult> {
  const [c, r] = await Promise.all([loadCompiler(), loadRuntime()]);
  if (!c.ok) return { ok: false, error: c.error };
  if (!r.ok) return { ok: false, error: r.error };
  const compiled = compileOrError(c.api, shape === 'chain' ? chainYaml(n) : foreachYaml(n));
  if ('error' in compiled) return { ok: false, error: compiled.error };
  // Under the parent's work dir when given, so a worker killed on timeout leaves nothing behind.
  const projectDir = mkdtempSync(path.join(process.env.BENCH_TMP ?? os.tmpdir(), 'sw-bench-engine-'));
  try {
    const items = { list: range(100) };
    const sw = await r.api.openStepwise({ projectDir, executors: { script: noopScript(items) } });
    try {
      // An untimed warm-up job of the same shape (JIT, prepared statements).
      const warmFlow = compileOrError(c.api, shape === 'chain' ? chainYaml(100) : foreachYaml(100));
      if ('error' in warmFlow) return { ok: false, error: warmFlow.error };
      const warmJob = sw.createJob(warmFlow.flow, { inputs: {} });
      sw.startJob(warmJob.id);
      await sw.waitForJob(warmJob.id);
      items.list = range(n);
      const t0 = process.hrtime.bigint();
      const job = sw.createJob(compiled.flow, { inputs: {} });
      sw.startJob(job.id);
      const outcome = await sw.waitForJob(job.id);
      const ms = elapsedMs(t0);
      if (outcome.status !== 'completed') {
        const info = sw.store.failureInfo(job.id);
        return { ok: false, error: `job ${outcome.status}: ${info.error}` };
      }
      // Steps executed: the chain's n; for_each = gen + n item jobs (one step each).
      return { ok: true, ms, steps: shape === 'chain' ? n : n + 1 };
    } finally {
      await sw.close();
    }
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

async function main(): Promise<WorkerResult> {
  const [what, nText] = process.argv.slice(2);
  const n = Number(nText);
  if (!Number.isInteger(n) || n <= 0) return { ok: false, error: `bad size ${nText}` };
  try {
    if (what === 'compile') return await compileCase(n);
    if (what === 'engine-chain') return await engineCase('chain', n);
    if (what === 'engine-foreach') return await engineCase('foreach', n);
    return { ok: false, error: `unknown case ${what}` };
  } catch (err) {
    return { ok: false, error: firstLine(err) };
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
process.exit(0);
