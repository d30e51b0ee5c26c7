/**
 * Waiting on watches: what a waiter counts as "suspended" (only external watches, E-15.3:
 * a pending poll is progress), and the reply of a command forwarded to a job's owner.
 */
import type { Store } from '../store/store.js';
import type { RunRecord } from '../types.js';

/** True when a suspended run of these is a poll watch (the job is still making progress). */
export function pollPending(runs: Iterable<RunRecord>): boolean {
  for (const r of runs) if (r.status === 'suspended' && r.watch?.mode === 'poll') return true;
  return false;
}

export const REPLY_POLL_MS = 100;
export const REPLY_TIMEOUT_MS = 60_000;

/**
 * Polls a job_commands row until its owner marks it done, and returns its `result`.
 * `onIdle` runs on every tick (adopt the job if its owner died meanwhile).
 */
export function waitCommandReply(
  store: Store,
  commandId: number,
  opts: { isClosed: () => boolean; onIdle: () => void; timeoutMs?: number },
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + (opts.timeoutMs ?? REPLY_TIMEOUT_MS);
  return new Promise((resolve) => {
    const tick = (): void => {
      if (opts.isClosed()) return resolve({ status: 'rejected', error: 'stepwise closed while waiting for the job owner', problems: [] });
      let row;
      try {
        row = store.getCommand(commandId);
      } catch {
        row = undefined; // busy database: next tick
      }
      if (row?.doneAt) return resolve(row.result ?? { status: 'rejected', error: 'the job owner applied the command without a reply', problems: [] });
      if (Date.now() > deadline) {
        const error = 'the process that owns this job did not answer within 60 s. Hint: check it with `stepwise status <job>`; if it hangs, stop it and retry';
        return resolve({ status: 'rejected', error, problems: [error] });
      }
      try {
        opts.onIdle();
      } catch {
        // adoption failed (busy database): retry on the next tick
      }
      setTimeout(tick, REPLY_POLL_MS);
    };
    tick();
  });
}
