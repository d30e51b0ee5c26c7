/**
 * `retry {max_retries=5, backoff=none|exponential, backoff_base=0.01, transient_only=false}`
 * (EX-7.2): re-runs a failing inner executor inside the same step run (no new run row, E-2.2).
 * `idempotency: non_retriable` runs it exactly once. A cancel or timeout (aborted signal) is
 * never retried. Each execution gets its own `retryIndex`, so script output files do not clobber.
 */
import type { Executor, ExecutorResult } from './types.js';
import { TRANSIENT_CATEGORIES } from './classify-error.js';
import { delay, withMeta } from './abort-link.js';

export interface RetryPolicy {
  maxRetries: number;
  backoff: 'none' | 'exponential';
  /** Seconds. */
  backoffBase: number;
  transientOnly: boolean;
}

/** The policy from decorator config, with the reference defaults for missing or invalid values. */
export function retryPolicy(config: Record<string, unknown>): RetryPolicy {
  const max = Number(config.max_retries);
  const base = Number(config.backoff_base);
  return {
    maxRetries: config.max_retries !== undefined && Number.isInteger(max) && max >= 0 ? max : 5,
    backoff: config.backoff === 'exponential' ? 'exponential' : 'none',
    backoffBase: config.backoff_base !== undefined && Number.isFinite(base) && base >= 0 ? base : 0.01,
    transientOnly: config.transient_only === true,
  };
}

export function retryDecorator(inner: Executor, config: Record<string, unknown>, idempotency: string): Executor {
  const policy = retryPolicy(config);
  return {
    type: inner.type,
    async start(inv) {
      const { ctx } = inv;
      if (idempotency === 'non_retriable') {
        const once = await inner.start(inv);
        return withMeta(once, 'retry', { attempts: 1, reasons: once.kind === 'failed' ? [once.error] : [], non_retriable: true });
      }
      // Nested retry decorators multiply their indices so every execution keeps distinct files.
      const baseIndex = (ctx.retryIndex ?? 0) * (policy.maxRetries + 1);
      const reasons: string[] = [];
      let result: ExecutorResult | undefined;
      let attempts = 0;
      for (let i = 0; i <= policy.maxRetries; i++) {
        attempts = i + 1;
        result = await inner.start({ ...inv, ctx: { ...ctx, retryIndex: baseIndex + i } });
        if (result.kind !== 'failed') break;
        reasons.push(result.error);
        if (ctx.signal.aborted || i === policy.maxRetries) break;
        if (policy.transientOnly && !TRANSIENT_CATEGORIES.includes(result.category ?? '')) break;
        const waitMs = policy.backoff === 'exponential' ? policy.backoffBase * 2 ** i * 1000 : 0;
        if (waitMs > 0 && !(await delay(waitMs, ctx.signal))) break;
      }
      return withMeta(result as ExecutorResult, 'retry', { attempts, reasons });
    },
  };
}
