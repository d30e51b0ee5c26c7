/**
 * Project hooks (P-5) run off the engine's path (D-12): a bounded queue (overflow drops the
 * oldest), limited parallelism, a timeout that kills the hook's whole process group, and
 * every failure (non-zero exit, timeout, spawn error, drop) handed to `onFailure`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '../types.js';
import { waitIdle } from './wait-until.js';

export interface HookRun {
  /** `suspend`, `complete`, … (the file is `on-<hook>`). */
  hook: string;
  path: string;
  envelope: EventEnvelope;
  stdin: Record<string, unknown>;
}

export interface HookFailure {
  exitCode: number | null;
  error?: string;
  stderr: string;
}

export interface HookRunnerOptions {
  projectDir: string;
  timeoutMs: number;
  concurrency: number;
  queueLimit: number;
  onFailure(run: HookRun, failure: HookFailure): void;
}

interface Active {
  child: ChildProcess;
  killReason: string | null;
}

/** stderr kept for hooks.log; a chatty hook must not grow memory. */
const STDERR_CAP = 4096;
/** After `exit`, how long to wait for the pipes to close (a backgrounded grandchild may hold them). */
const PIPE_SETTLE_MS = 100;

export class HookRunner {
  private queue: HookRun[] = [];
  private active = new Set<Active>();
  private wakers = new Set<() => void>();
  private closed = false;

  constructor(private readonly o: HookRunnerOptions) {}

  enqueue(run: HookRun): void {
    if (this.closed) {
      this.o.onFailure(run, { exitCode: null, error: 'not run: the process was closing', stderr: '' });
      return;
    }
    if (this.queue.length >= this.o.queueLimit) {
      const dropped = this.queue.shift()!;
      this.o.onFailure(dropped, { exitCode: null, error: `dropped: more than ${this.o.queueLimit} hook runs were pending`, stderr: '' });
    }
    this.queue.push(run);
    this.pump();
  }

  /** Lets pending and running hooks finish for up to `graceMs`, then drops the queue and kills what still runs. */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    const idle = (): boolean => this.queue.length === 0 && this.active.size === 0;
    const subscribe = (w: () => void): (() => void) => {
      this.wakers.add(w);
      return () => this.wakers.delete(w);
    };
    if (await waitIdle(idle, subscribe, graceMs)) return;
    for (const run of this.queue.splice(0)) {
      this.o.onFailure(run, { exitCode: null, error: 'not run: the process closed first', stderr: '' });
    }
    for (const a of this.active) {
      a.killReason = `killed: still running ${graceMs} ms after the process began closing`;
      killGroup(a.child);
    }
    await waitIdle(idle, subscribe, 1000);
  }

  private pump(): void {
    while (this.active.size < this.o.concurrency && this.queue.length > 0) this.start(this.queue.shift()!);
    for (const w of [...this.wakers]) w();
  }

  private start(run: HookRun): void {
    const tmp = join(this.o.projectDir, '.stepwise', 'tmp');
    const file = join(tmp, `hook-${run.envelope.event_id}-${run.hook}-${randomBytes(4).toString('hex')}.json`);
    try {
      mkdirSync(tmp, { recursive: true });
      writeFileSync(file, JSON.stringify(run.envelope));
    } catch (e) {
      this.o.onFailure(run, { exitCode: null, error: `cannot write the event file: ${(e as Error).message}`, stderr: '' });
      return;
    }
    const sys = run.envelope.metadata.sys;
    const env = {
      ...process.env,
      STEPWISE_JOB_ID: run.envelope.job_id,
      STEPWISE_EVENT: run.envelope.event,
      STEPWISE_SESSION_ID: typeof sys.session_id === 'string' ? sys.session_id : '',
      STEPWISE_EVENT_FILE: file,
    };
    // Own process group, so a timeout kills everything the hook started.
    let child: ChildProcess;
    try {
      child = spawn(run.path, [], { cwd: this.o.projectDir, env, detached: true, stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (e) {
      removeFile(file);
      this.o.onFailure(run, { exitCode: null, error: `cannot start: ${(e as Error).message}`, stderr: '' });
      return;
    }
    const active: Active = { child, killReason: null };
    this.active.add(active);
    let stderr = '';
    let exitCode: number | null = null;
    let done = false;
    const timer = setTimeout(() => {
      active.killReason = `timed out after ${this.o.timeoutMs} ms`;
      killGroup(child);
    }, this.o.timeoutMs);
    const finish = (failure: HookFailure | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stderr?.destroy();
      removeFile(file);
      this.active.delete(active);
      if (failure) this.o.onFailure(run, failure);
      this.pump();
    };
    const settle = (): void => {
      if (active.killReason) finish({ exitCode, error: active.killReason, stderr });
      else if (exitCode !== 0) finish({ exitCode, stderr });
      else finish(null);
    };
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < STDERR_CAP) stderr += d.toString('utf8').slice(0, STDERR_CAP - stderr.length);
    });
    child.stdin?.on('error', () => {
      // a hook that never reads stdin closes the pipe early: not a failure
    });
    child.stdin?.end(JSON.stringify(run.stdin));
    child.on('error', (e) => finish({ exitCode: null, error: `cannot start: ${e.message}`, stderr }));
    child.on('exit', (code) => {
      exitCode = code;
      setTimeout(settle, PIPE_SETTLE_MS).unref();
    });
    child.on('close', settle);
  }
}

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
