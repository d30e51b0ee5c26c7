/**
 * The executor contract (SPEC §5, DESIGN §8 "Temporal"): an executor is an async function
 * of resolved inputs and a rendered config that returns a result union and honours an
 * AbortSignal. Executors are hosted by the engine (D-R1), never as XState children; the
 * engine writes the attempt row before calling `start` (D-R2).
 */
import type { OutputSpec } from '../../compiler/ir.js';

/** What a spawned child leaves behind so a restarted engine can re-attach (D-R2, E-23.2). */
export interface SpawnInfo {
  pid: number;
  /** Process group id (the child runs in its own group so cancel/timeout kill the whole tree). */
  pgid: number;
  stdoutPath: string;
  stderrPath: string;
  /** The wrapper writes the exit code here when the command ends, even if the engine died. */
  exitCodePath: string;
  shellMode: 'direct' | 'shell';
}

export interface ExecutorContext {
  jobId: string;
  runId: string;
  stepName: string;
  attempt: number;
  /** Job workspace: cwd of scripts (E-3). */
  workspace: string;
  projectDir: string;
  /** Directory of the flow file, when file-backed (EX-1.1). */
  flowDir?: string;
  idempotency: string;
  /** Declared outputs of the step (the engine adds them to every executor, SPEC §5). */
  outputs: OutputSpec[];
  /** Aborted on cancel, pause or timeout: kill the process group and settle promptly. */
  signal: AbortSignal;
  /** Called as soon as a child exists, before waiting on it; the engine persists it in the attempt row. */
  onSpawn?(info: SpawnInfo): void;
  /**
   * 0-based retry index inside one run, set by the retry decorator (EX-7.2). Script step-io
   * files get a `-r<i>` suffix for i > 0 so retries in the same attempt do not clobber output.
   */
  retryIndex?: number;
}

export interface ExecutorInvocation {
  /** Resolved inputs by local name; a loop-back binding on its first pass is absent (no key). */
  inputs: Record<string, unknown>;
  /** Executor config after Stage A rendering (T-1). */
  config: Record<string, unknown>;
  ctx: ExecutorContext;
}

export type WatchMode = 'external' | 'poll';

export type ExecutorResult =
  /** Success: the artifact, plus metadata shown in the inspector (`executor_meta`). */
  | { kind: 'data'; artifact: Record<string, unknown>; meta?: Record<string, unknown>; state?: Record<string, unknown> }
  /** Failure (E-8.2, E-11): `error` is the message, `category` per E-22 (null for scripts). */
  | {
      kind: 'failed';
      error: string;
      category: string | null;
      artifact?: Record<string, unknown>;
      meta?: Record<string, unknown>;
      state?: Record<string, unknown>;
    }
  /** Suspend the run (external/poll steps, or a script printing `_watch`, E-15). */
  | {
      kind: 'watch';
      watch: { mode: WatchMode; config: Record<string, unknown>; fulfillmentOutputs: string[] };
      meta?: Record<string, unknown>;
      state?: Record<string, unknown>;
    };

export interface Executor {
  readonly type: string;
  start(inv: ExecutorInvocation): Promise<ExecutorResult>;
}

/**
 * Why an executor was aborted, passed as `AbortController.abort(reason)`. Executors that see
 * an object of this shape report its category and message instead of "Cancelled"/`user_cancelled`
 * (the timeout decorator passes `{category: 'timeout', message: 'Timed out after Ns'}`).
 */
export interface AbortReason {
  category: string;
  message: string;
}

