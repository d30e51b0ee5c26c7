/**
 * The `script` executor (SPEC EX-1, T-4). The command runs under a tiny `sh` wrapper that is
 * the leader of its own process group and redirects output to files in the workspace, then
 * records the exit code in a file. Nothing ties the child to the engine's pipes, so if the
 * engine is SIGKILLed the command finishes anyway and a restarted engine re-attaches to it
 * from the SpawnInfo it persisted (D-R2, E-23.2, see reattach-script.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Executor, ExecutorInvocation, ExecutorResult, SpawnInfo } from './types.js';
import { checkInputBlocklist } from './blocklist.js';
import { prepareCommand } from './script-command.js';
import { buildScriptEnv } from './script-env.js';
import { abortedResult, buildScriptResult, crashResult } from './script-result.js';
import { readExitCode, readTextOrEmpty, stepIoPaths } from './step-io.js';
import { terminateGroup } from './process-group.js';
import { spawnViaHelper, type SpawnedJob } from './spawner.js';

export interface ScriptExecutorOptions {
  /** Time between SIGTERM and SIGKILL of the process group on cancel/timeout (E-14.2: 5 s). */
  killGraceMs?: number;
  /** Environment the child inherits (default `process.env`); tests pass a fixed one. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Fork wrappers through the shared helper (spawner.ts; default unless STEPWISE_NO_SPAWN_HELPER=1). */
  useHelper?: boolean;
}

export const DEFAULT_KILL_GRACE_MS = 5000;

/**
 * The wrapper is the step's only process (the bench floor is one `sh -c` per step):
 * `$1..$3` are the output and exit-code files, then either the command text (shell mode,
 * run with `eval` so a syntax error lands in the step's stderr) or the argv (direct mode).
 * An EXIT trap records the status even for `exit N`; the file is read only after the
 * process is gone (here, or by re-attach after an engine crash), so no rename is needed.
 */
const WRAPPER_HEAD = [
  '__sw_ec=$3',
  'exec >"$1" 2>"$2"',
  'trap \'printf "%s\\n" "$?" >"$__sw_ec"\' EXIT',
  'shift 3',
];
export const WRAPPER_SCRIPT = [...WRAPPER_HEAD, '"$@"'].join('\n');
export const SHELL_WRAPPER_SCRIPT = [...WRAPPER_HEAD, '__sw_cmd=$1', 'shift', 'eval "unset __sw_cmd; $__sw_cmd"'].join('\n');

/** SpawnInfo fields as they are shown in executor_meta / executor_state (E-2.3, EX-1.3). */
export function spawnInfoRecord(info: SpawnInfo): Record<string, unknown> {
  return {
    pid: info.pid,
    pgid: info.pgid,
    stdout_path: info.stdoutPath,
    stderr_path: info.stderrPath,
    exitcode_path: info.exitCodePath,
    shell_mode: info.shellMode,
  };
}

/** Builds the result of a finished wrapper from its files (shared with re-attach). */
export function resultFromFiles(
  info: SpawnInfo,
  outputs: string[],
  extraMeta: Record<string, unknown> = {},
  /** The status the engine saw itself (it outlived the child); the file is the fallback after a crash. */
  observedExitCode: number | null = null,
): ExecutorResult {
  const record = spawnInfoRecord(info);
  const meta = { ...extraMeta, shell_mode: info.shellMode, pid: info.pid };
  // The status the helper or node saw is the one the wrapper wrote (its EXIT trap keeps $?);
  // the file is for a status nobody saw: killed by a signal, or finished during an engine crash.
  const exitCode = observedExitCode ?? readExitCode(info.exitCodePath);
  if (exitCode === null) {
    return {
      kind: 'failed',
      error: 'Runner died: cannot confirm success (no exit code recorded)',
      category: 'infra_failure',
      meta,
      state: record,
    };
  }
  return buildScriptResult({
    exitCode,
    stdout: readTextOrEmpty(info.stdoutPath),
    // Only a failure reports stderr (EX-1.5); `stepwise logs` reads the file itself.
    stderr: exitCode === 0 ? '' : readTextOrEmpty(info.stderrPath),
    outputs,
    meta,
    state: record,
  });
}

export function createScriptExecutor(opts: ScriptExecutorOptions = {}): Executor {
  const killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  return {
    type: 'script',
    start: (inv) => runScript(inv, killGraceMs, opts.baseEnv ?? process.env, opts.useHelper ?? process.env.STEPWISE_NO_SPAWN_HELPER !== '1'),
  };
}

/** A missing file is the usual case: a stat is far cheaper than the ENOENT error unlinkSync throws. */
function removeIfExists(file: string): void {
  if (!existsSync(file)) return;
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The step-io directory is made only when the write finds it missing (once per job), not per step. */
function writeInputFile(dir: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  }
}

/** Today's path, and the fallback when the helper is unavailable: node forks the wrapper itself. */
async function spawnDirect(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<SpawnedJob | { error: string }> {
  let child: ChildProcess;
  try {
    child = spawn(argv[0] ?? 'sh', argv.slice(1), { cwd, env, detached: true, stdio: 'ignore' });
  } catch (err) {
    // spawn throws synchronously on e.g. a NUL byte in an argument or an input value.
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('exit', (code) => resolve({ code }));
    child.once('error', (error) => resolve({ code: null, error }));
  });
  if (child.pid === undefined) {
    const r = await exited;
    return { error: `OSError: cannot start sh: ${r.error?.message ?? 'unknown error'}` };
  }
  return { pid: child.pid, exited: exited.then((r) => r.code) };
}

async function runScript(inv: ExecutorInvocation, killGraceMs: number, baseEnv: NodeJS.ProcessEnv, useHelper: boolean): Promise<ExecutorResult> {
  const { ctx, inputs, config } = inv;
  const blocked = checkInputBlocklist(inputs);
  if (blocked) return crashResult(`ValueError: ${blocked}`);
  const command = config.command;
  if (typeof command !== 'string' || command.trim() === '') {
    return crashResult(`ValueError: script step '${ctx.stepName}' has no command (config.command)`);
  }
  if (ctx.signal.aborted) return abortedResult(ctx.signal.reason);

  const io = stepIoPaths(ctx.workspace, ctx.stepName, ctx.attempt, ctx.retryIndex ?? 0);
  // The reference passes the flow dir in the config (`flow_dir`, SPEC §5); the context wins.
  const flowDir = ctx.flowDir ?? (typeof config.flow_dir === 'string' ? config.flow_dir : undefined);
  const prepared = prepareCommand(command, flowDir);
  try {
    // The input file first: it also (re)creates the directory when it is missing.
    writeInputFile(io.dir, io.input, JSON.stringify(inputs, null, 2));
    // A stale exit code (same step and attempt after a job reset) must never be read as this run's.
    removeIfExists(io.exitCode);
  } catch (err) {
    return crashResult(`OSError: cannot prepare workspace ${ctx.workspace}: ${(err as Error).message}`);
  }
  const env = buildScriptEnv(inputs, ctx, io, baseEnv);
  const meta = { shell_mode: prepared.shellMode, command: prepared.command };

  const shell = prepared.shellMode === 'shell';
  const argv = ['sh', '-c', shell ? SHELL_WRAPPER_SCRIPT : WRAPPER_SCRIPT, 'sh', io.stdout, io.stderr, io.exitCode, ...(shell ? [prepared.command] : prepared.argv)];
  const started = (useHelper ? await spawnViaHelper(argv, ctx.workspace, env) : null) ?? (await spawnDirect(argv, ctx.workspace, env));
  if ('error' in started) return crashResult(started.error, meta);

  const info: SpawnInfo = {
    pid: started.pid,
    pgid: started.pid,
    stdoutPath: io.stdout,
    stderrPath: io.stderr,
    exitCodePath: io.exitCode,
    shellMode: prepared.shellMode,
  };
  try {
    ctx.onSpawn?.(info);
  } catch {
    // The engine's bookkeeping failing must not orphan a running child; it is still awaited below.
  }

  let cancelled: Promise<void> | null = null;
  const onAbort = (): void => {
    cancelled ??= terminateGroup(info.pgid, killGraceMs);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) onAbort();
  let observed: number | null = null;
  try {
    observed = await started.exited;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (cancelled) {
    await cancelled;
    return abortedResult(ctx.signal.reason, { ...meta, ...spawnInfoRecord(info) });
  }
  return resultFromFiles(info, ctx.outputs.map((o) => o.name), meta, observed);
}
