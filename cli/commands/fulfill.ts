/**
 * `stepwise fulfill <run_id> ['<json>'|-] [--file F] [--stdin] [--wait]` (SPEC E-15.2,
 * CLI-6, CLI-2): answers a suspended external step. Success prints
 * `{"status":"fulfilled","run_id"}`; a rejection prints every problem and the expected
 * fields (exit 2); `--wait` then behaves like `stepwise wait` (CLI-5 JSON).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { RunRecord, Stepwise } from '../../runtime/types.js';
import { describeFields, watchFieldSpecs } from '../../runtime/watch/field-hints.js';
import { requireProjectDir } from '../project.js';
import { withEngine } from '../engine.js';
import { jsonErrorPosition } from '../json-error-position.js';
import { awaitJob } from '../await-job.js';
import { rootJobId } from '../root-job.js';

interface FulfillOptions {
  file?: string;
  stdin?: boolean;
  wait?: boolean;
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** JSON.parse with a message that names where the text went wrong. */
export function parsePayload(text: string, source: string): Parsed {
  if (text.trim() === '') return { ok: false, error: `Empty payload from ${source}: pass a JSON object, e.g. '{"approved": true}'` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const msg = (e as Error).message.replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '');
    const found = jsonErrorPosition(text);
    let where = '';
    if (found >= 0) {
      const p = found;
      const before = text.slice(0, p);
      const line = before.split('\n').length;
      const col = p - before.lastIndexOf('\n');
      where = ` at position ${p} (line ${line}, column ${col}, near ${JSON.stringify(text.slice(Math.max(0, p - 10), p + 10))})`;
    }
    return { ok: false, error: `Invalid JSON payload from ${source}: ${msg}${where}` };
  }
}

function readPayload(arg: string | undefined, opts: FulfillOptions): Parsed {
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (e) {
      return { ok: false, error: `Cannot read --file ${opts.file}: ${(e as Error).message}` };
    }
    return parsePayload(text, `--file ${opts.file}`);
  }
  if (arg === '-' || opts.stdin || arg === undefined) {
    if (arg === undefined && !opts.stdin && process.stdin.isTTY)
      return { ok: false, error: `No payload: pass a JSON object as an argument, '-' to read stdin, or --file F` };
    let text = '';
    try {
      text = readFileSync(0, 'utf8');
    } catch (e) {
      return { ok: false, error: `Cannot read the payload from stdin: ${(e as Error).message}` };
    }
    return parsePayload(text, 'stdin');
  }
  return parsePayload(arg, 'the argument');
}

/** "Expected fields: …" for the run's watch, appended to a rejection so one retry suffices. */
export function runHint(run: RunRecord | undefined): string {
  if (!run?.watch) return '';
  return describeFields(watchFieldSpecs(run.watch));
}

const print = (o: unknown): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

export async function fulfillAndReport(engine: Stepwise, runId: string, payload: unknown, wait: boolean): Promise<number> {
  const run = engine.store.getRun(runId);
  if (!run) {
    print({ status: 'error', error: `Run not found: ${runId}. List runs waiting for input with \`stepwise list --suspended\`.` });
    return 1;
  }
  const r = await engine.fulfillRun(runId, payload);
  if (r.status === 'rejected') {
    const hint = runHint(engine.store.getRun(runId));
    print({ status: 'error', error: hint ? `${r.error}. ${hint}` : r.error, problems: r.problems });
    return 2;
  }
  const jobId = rootJobId(engine.store, run.jobId);
  if (wait) return awaitJob(engine, jobId, 'wait');
  print(r.status === 'fulfilled' ? { status: 'fulfilled', run_id: runId, job_id: r.job_id } : r);
  // The job's runner had exited and this process adopted it: drive it to its next stop
  // (end, pause, or another external step) rather than abandon the steps it just launched.
  const root = engine.store.getJob(jobId);
  if (r.status === 'fulfilled' && root?.runnerPid === process.pid && (root.status === 'running' || root.status === 'paused')) {
    await engine.waitForJob(jobId);
  }
  return 0;
}

export function register(program: Command): void {
  program
    .command('fulfill <run_id> [payload]')
    .description("answer a suspended external step: payload is a JSON object ('-' reads stdin)")
    .option('--file <path>', 'read the JSON payload from a file')
    .option('--stdin', 'read the JSON payload from stdin')
    .option('--wait', 'then block until the job settles and print the --wait JSON')
    .action(async (runId: string, arg: string | undefined, opts: FulfillOptions, cmd: Command) => {
      requireProjectDir(cmd.optsWithGlobals().projectDir); // no project → exit 4 before reading a payload
      const parsed = readPayload(arg, opts);
      if (!parsed.ok) {
        print({ status: 'error', error: parsed.error });
        process.exitCode = 2;
        return;
      }
      process.exitCode = await withEngine(cmd, (engine) => fulfillAndReport(engine, runId, parsed.value, Boolean(opts.wait)));
    });
}
