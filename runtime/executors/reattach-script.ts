/**
 * Re-attaching to a script child after an engine restart (D-R2, E-23.2 step 4). The engine
 * persisted the SpawnInfo when the child started; the wrapper keeps writing the output files
 * and finally the exit code, whether or not anyone is listening. We are not the child's parent
 * any more, so we poll the pid instead of waiting for an exit event.
 */
import type { ExecutorResult, SpawnInfo } from './types.js';
import { delay } from './abort-link.js';
import { isOwnedPidAlive, terminateGroup } from './process-group.js';
import { DEFAULT_KILL_GRACE_MS, resultFromFiles, spawnInfoRecord } from './script-executor.js';
import { abortedResult } from './script-result.js';

export interface ReattachOptions {
  /** How often to check whether the pid is still alive (100 ms). */
  pollMs?: number;
  /** SIGTERM → SIGKILL grace when the signal aborts (5 s). */
  killGraceMs?: number;
  /** Declared outputs, used as `_watch` fulfilment outputs when the script names none. */
  outputs?: string[];
}

export async function reattachScript(info: SpawnInfo, signal: AbortSignal, opts: ReattachOptions = {}): Promise<ExecutorResult> {
  const pollMs = opts.pollMs ?? 100;
  const meta = { reattached: true };
  while (isOwnedPidAlive(info.pid, info.pgid)) {
    if (signal.aborted) break;
    await delay(pollMs, signal);
  }
  if (signal.aborted) {
    await terminateGroup(info.pgid, opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
    return abortedResult(signal.reason, { ...meta, ...spawnInfoRecord(info) });
  }
  return resultFromFiles(info, opts.outputs ?? [], meta);
}
