/**
 * `fallback {fallback_ref: {type, config}}` (EX-7.3): when the primary fails, run an executor of
 * another type with the given config (not Stage-A rendered, no decorators of its own) and return
 * its result. A cancel or timeout of the primary is not "a failure to fall back from".
 */
import type { Executor } from './types.js';
import type { ExecutorLookup } from './executor-registry.js';
import { withMeta } from './abort-link.js';

export function fallbackDecorator(inner: Executor, config: Record<string, unknown>, lookup: ExecutorLookup): Executor {
  const ref = (typeof config.fallback_ref === 'object' && config.fallback_ref !== null ? config.fallback_ref : {}) as Record<string, unknown>;
  const type = typeof ref.type === 'string' ? ref.type : '';
  const fallbackConfig = (typeof ref.config === 'object' && ref.config !== null ? ref.config : {}) as Record<string, unknown>;
  return {
    type: inner.type,
    async start(inv) {
      const primary = await inner.start(inv);
      if (primary.kind !== 'failed' || inv.ctx.signal.aborted) return primary;
      const fallback = type ? lookup(type) : undefined;
      if (!fallback) {
        const error = type ? `Unknown executor type: ${type}` : 'fallback_ref.type is missing';
        return withMeta(primary, 'fallback', { primary_failed: true, reason: primary.error, error });
      }
      const result = await fallback.start({ ...inv, config: fallbackConfig });
      return withMeta(result, 'fallback', { primary_failed: true, reason: primary.error, type });
    },
  };
}
