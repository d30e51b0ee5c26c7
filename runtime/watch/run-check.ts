/**
 * One poll check (SPEC EX-2): `check_command` through `sh -c` in the job workspace, with the
 * parent env plus `JOB_ENGINE_INPUTS` (T-4), a 300 s timeout, in its own process group so a
 * timeout or cancel kills everything it forked. Runs off the engine's transaction; the
 * outcome is fed back to the engine as an input.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { signalGroup } from '../executors/process-group.js';
import { parseStdoutObject } from '../executors/script-result.js';

export const CHECK_TIMEOUT_MS = 300_000;
const MAX_CAPTURE = 1 << 20;
const MAX_ERROR = 1000;

export type CheckOutcome =
  | { kind: 'ready'; artifact: Record<string, unknown> }
  | { kind: 'not_ready' }
  | { kind: 'error'; error: string };

export interface CheckOptions {
  cwd: string;
  /** Where the inputs JSON is written; exported as JOB_ENGINE_INPUTS. */
  inputsPath: string;
  inputs: Record<string, unknown>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** EX-2: stdout → ready (JSON object) or not ready (empty, non-JSON, non-object). */
export function classifyCheckOutput(stdout: string): CheckOutcome {
  const artifact = parseStdoutObject(stdout.trim());
  return artifact ? { kind: 'ready', artifact } : { kind: 'not_ready' };
}

/** EX-2 error text: stderr, else the last stdout line, else "command exited with code N" (≤1000 chars). */
export function checkErrorText(code: number, stdout: string, stderr: string): string {
  const err = stderr.trim();
  const lastLine = stdout.trim().split('\n').pop()?.trim() ?? '';
  const text = err || lastLine || `command exited with code ${code}`;
  return text.length > MAX_ERROR ? text.slice(0, MAX_ERROR) : text;
}

export function runCheck(command: string, opts: CheckOptions): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    try {
      mkdirSync(dirname(opts.inputsPath), { recursive: true });
      writeFileSync(opts.inputsPath, JSON.stringify(opts.inputs));
      mkdirSync(opts.cwd, { recursive: true });
    } catch (e) {
      resolve({ kind: 'error', error: `cannot prepare the check: ${(e as Error).message}` });
      return;
    }
    const child = spawn('sh', ['-c', command], {
      cwd: opts.cwd,
      env: { ...process.env, JOB_ENGINE_INPUTS: opts.inputsPath },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let done = false;
    let timedOut = false;
    const kill = (): void => signalGroup(child.pid ?? 0, 'SIGKILL');
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, opts.timeoutMs ?? CHECK_TIMEOUT_MS);
    timer.unref?.();
    const onAbort = (): void => kill();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_CAPTURE) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_CAPTURE) stderr += d.toString('utf8');
    });
    const finish = (o: CheckOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(o);
    };
    child.on('error', (e) => finish({ kind: 'error', error: `cannot run check_command: ${e.message}` }));
    child.on('close', (code, signal) => {
      if (timedOut) return finish({ kind: 'error', error: `timeout after ${Number(((opts.timeoutMs ?? CHECK_TIMEOUT_MS) / 1000).toFixed(1))}s` });
      if (opts.signal?.aborted) return finish({ kind: 'error', error: 'check aborted' });
      if (code !== 0) return finish({ kind: 'error', error: checkErrorText(code ?? (signal ? 128 : 1), stdout, stderr) });
      finish(classifyCheckOutput(stdout));
    });
  });
}
