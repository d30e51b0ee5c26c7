/** Small timing helpers shared by the hook runner and the webhook sender. */

/** Resolves after `ms`, or at once when `signal` aborts. The timer never keeps the process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    t.unref();
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Resolves when `idle()` holds (checked whenever `wake` fires) or after `ms`, whichever is
 * first; true when idle was reached. This timer is ref'd on purpose: `close()` awaits it,
 * so the process must stay up for the grace period.
 */
export function waitIdle(idle: () => boolean, subscribe: (wake: () => void) => () => void, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (idle()) return resolve(true);
    const t = setTimeout(() => finish(false), ms);
    const off = subscribe(() => idle() && finish(true));
    function finish(ok: boolean): void {
      clearTimeout(t);
      off();
      resolve(ok);
    }
  });
}
