/**
 * `stepwise run <flow>` (CLI-3, CLI-4, CLI-5). Headless by default with progress on stderr;
 * `--wait` prints exactly one JSON object on stdout; `--async` starts a detached runner and
 * returns the job id at once.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { ensureProjectDir } from '../project.js';
import { loadFlow } from '../flow-loader.js';
import { collectInputs, missingInputs } from '../inputs.js';
import { openEngine } from '../engine.js';
import { awaitJob, progressFor } from '../await-job.js';
import { errorReport } from '../wait-json.js';
import { checkNotifyUrl, parseNotifyContext } from '../../runtime/notify/check-notify.js';

interface RunOptions {
  wait?: boolean;
  async?: boolean;
  input: string[];
  varsFile?: string;
  name?: string;
  objective?: string;
  output?: string;
  notify?: string;
  notifyContext?: string;
  /** `--no-cache`: compile the flow even when the project's compile cache holds it. */
  cache: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  program
    .command('run <flow>')
    .description('run a flow (file, directory with FLOW.yaml, or flow name)')
    .option('--wait', 'block until the job settles and print exactly one JSON object (for agents)')
    .option('--async', 'start the job in the background and print its id')
    .option('--input <key=value>', 'a job input (repeatable; value @path reads a file)', collect, [])
    .option('--vars-file <path>', 'inputs from a YAML or JSON file')
    .option('--name <name>', 'a name for the job')
    .option('--objective <text>', 'what the job is for (default: the flow name)')
    .option('--output <format>', 'json: print the result as JSON')
    .option('--notify <url>', 'POST every event of the job to this http(s) URL (P-6)')
    .option('--notify-context <json>', 'a JSON object sent as `context` with every webhook POST')
    .option('--no-cache', 'compile the flow afresh instead of reusing .stepwise/cache/compile')
    .action(async (ref: string, opts: RunOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as { projectDir?: string };
      if (opts.wait && opts.async) throw new CliError('--wait and --async cannot be combined: pick one.', 2);
      if (opts.output && opts.output !== 'json') throw new CliError(`--output ${opts.output} is not supported; use --output json.`, 2);
      process.exitCode = await run(ref, opts, globals.projectDir);
    });
}

async function run(ref: string, opts: RunOptions, projectOverride: string | undefined): Promise<number> {
  const json = Boolean(opts.wait || opts.async);
  let projectDir: string;
  let jobId: string;
  let engine;
  try {
    const notify = notifyTarget(opts);
    projectDir = ensureProjectDir(projectOverride);
    const { flow, warnings } = await loadFlow(ref, projectDir, { color: !json && Boolean(process.stderr.isTTY), cache: opts.cache });
    if (!json && warnings.length > 0) process.stderr.write(`(${warnings.length} warning${warnings.length === 1 ? '' : 's'}; see \`stepwise validate ${ref}\`)\n`);
    const inputs = await collectInputs(flow, opts, process.cwd());
    const missing = missingInputs(flow, inputs, ref);
    if (missing) throw new CliError(missing, 2);
    engine = await openEngine(projectDir);
    const job = engine.createJob(flow, { inputs, name: opts.name, objective: opts.objective, notify });
    jobId = job.id;
  } catch (err) {
    if (err instanceof CliError && json) {
      const r = errorReport(err.message, err.exitCode);
      process.stdout.write(`${JSON.stringify(r.json)}\n`);
      return r.exitCode;
    }
    throw err;
  }
  if (opts.async) {
    await engine.close();
    startDetachedRunner(jobId, projectDir);
    process.stdout.write(`${JSON.stringify({ job_id: jobId, status: 'running' })}\n`);
    return 0;
  }
  try {
    const mode = opts.wait ? 'wait' : opts.output === 'json' ? 'headless-json' : 'headless';
    const progress = progressFor(engine, jobId, mode);
    engine.startJob(jobId);
    return await awaitJob(engine, jobId, mode, progress);
  } finally {
    await engine.close();
  }
}

/** P-6 flags → the job's webhook target; bad values exit 2 naming the flag. */
function notifyTarget(opts: RunOptions): { url: string; context?: Record<string, unknown> } | undefined {
  let context: Record<string, unknown> | undefined;
  if (opts.notifyContext !== undefined) {
    const parsed = parseNotifyContext(opts.notifyContext);
    if ('error' in parsed) throw new CliError(`--notify-context ${parsed.error}`, 2);
    context = parsed.context;
  }
  if (opts.notify === undefined) {
    if (context) throw new CliError('--notify-context needs --notify <url>: the context is sent with the webhook POSTs.', 2);
    return undefined;
  }
  const bad = checkNotifyUrl(opts.notify);
  if (bad) throw new CliError(`--notify ${bad}`, 2);
  return { url: opts.notify, context };
}

/** `--async`: a detached `stepwise __drive <job>` owns the job; this process returns at once. */
function startDetachedRunner(jobId: string, projectDir: string): void {
  const bin = fileURLToPath(new URL('../bin/stepwise.js', import.meta.url));
  const child = spawn(process.execPath, [bin, '__drive', jobId, '--project-dir', projectDir], {
    detached: true,
    stdio: 'ignore',
    cwd: projectDir,
  });
  child.unref();
}
