/** Runs the real `stepwise` binary (bin/stepwise.js → dist/cli.js) as a child process. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/stepwise.js', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The one JSON object a `--wait`/`--output json` command printed, or an error naming what came out. */
export function parseJsonOut(r: CliResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`expected one JSON object on stdout, got:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

/** SIGKILLs the detached `__drive <job>` runner of a `run --async` job; returns the pids it killed. */
export function killRunner(jobId: string): number[] {
  const pids = spawnSync('pgrep', ['-f', `__drive ${jobId}`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}
