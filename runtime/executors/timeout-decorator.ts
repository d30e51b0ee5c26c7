/**
 * `timeout {seconds | minutes}` (D-3, diverging from EX-7.1 where the reference only
 * annotates): when the limit passes, the inner executor is aborted with reason
 * `{category: 'timeout'}` — a script's whole process group is killed — and the run fails with
 * "Timed out after Ns". An inner executor that ignores its signal is abandoned after
 * `settleMs` so the step still ends.
 */
import type { AbortReason, Executor, ExecutorResult } from './types.js';
import { linkAbort, withMeta } from './abort-link.js';

export const DEFAULT_TIMEOUT_SECONDS = 30 * 60;

/** Limit in seconds: `seconds` wins over `minutes`; neither → 30 minutes (the reference default). */
export function timeoutSeconds(config: Record<string, unknown>): number {
  const seconds = Number(config.seconds);
  if (config.seconds !== undefined && Number.isFinite(seconds) && seconds > 0) return seconds;
  const minutes = Number(config.minutes);
  if (config.minutes !== undefined && Number.isFinite(minutes) && minutes > 0) return minutes * 60;
  return DEFAULT_TIMEOUT_SECONDS;
}

/** "1", "0.06", "90": seconds as a short number without float noise. */
export function formatSeconds(s: number): string {
  return String(Number(s.toFixed(3)));
}

export function timeoutDecorator(inner: Executor, config: Record<string, unknown>, settleMs = 10_000): Executor {
  const limit = timeoutSeconds(config);
  const message = `Timed out after ${formatSeconds(limit)}s`;
  return {
    type: inner.type,
    async start(inv) {
      const link = linkAbort(inv.ctx.signal);
      const started = Date.now();
      let triggered = false;
      let settleTimer: NodeJS.Timeout | undefined;
      const abandoned = new Promise<ExecutorResult>((resolve) => {
        const timer = setTimeout(() => {
          triggered = true;
          const reason: AbortReason = { category: 'timeout', message };
          link.controller.abort(reason);
          settleTimer = setTimeout(() => resolve({ kind: 'failed', error: message, category: 'timeout' }), settleMs);
        }, limit * 1000);
        link.controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      });
      let result: ExecutorResult;
      try {
        result = await Promise.race([inner.start({ ...inv, ctx: { ...inv.ctx, signal: link.controller.signal } }), abandoned]);
      } finally {
        link.controller.abort(); // stops the limit timer when the inner call finished first
        clearTimeout(settleTimer);
        link.dispose();
      }
      if (triggered && result.kind === 'failed') result = { ...result, error: message, category: 'timeout' };
      const elapsed = (Date.now() - started) / 1000;
      return withMeta(result, 'timeout', { limit_seconds: limit, triggered, elapsed_seconds: Number(elapsed.toFixed(3)) });
    },
  };
}
