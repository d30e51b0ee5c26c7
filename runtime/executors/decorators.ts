/**
 * EX-7 decorators with DESIGN D-3: they wrap in the order listed, the FIRST listed being the
 * OUTERMOST (the reference does the opposite, SPEC EX-7 [QUIRK]). So
 * `[timeout, retry]` bounds all retries together, `[retry, timeout]` bounds each try.
 * Agents without a declared `retry` get the implicit one of EX-5.4 (innermost).
 */
import type { CompiledStep, DecoratorSpec } from '../../compiler/ir.js';
import type { Executor } from './types.js';
import { lookupExecutor, type ExecutorLookup } from './executor-registry.js';
import { crashResult } from './script-result.js';
import { timeoutDecorator } from './timeout-decorator.js';
import { retryDecorator } from './retry-decorator.js';
import { fallbackDecorator } from './fallback-decorator.js';
import { notificationDecorator, type FetchLike } from './notification-decorator.js';

export interface DecoratorOptions {
  /** Executor lookup for `fallback` (default: the module registry, see executor-registry.ts). */
  registry?: ExecutorLookup;
  /** HTTP client for `notification` (default: global fetch). */
  fetch?: FetchLike;
  /** How long `timeout` waits for an aborted inner executor to settle before giving up on it. */
  timeoutSettleMs?: number;
}

/** EX-5.4: the retry every agent gets unless it declares its own. */
export const IMPLICIT_AGENT_RETRY: DecoratorSpec = {
  type: 'retry',
  config: { max_retries: 5, backoff: 'exponential', backoff_base: 30, transient_only: true },
};

/** The decorators applied to a step, outermost first. */
export function effectiveDecorators(step: CompiledStep, executorType: string): DecoratorSpec[] {
  const listed = step.decorators ?? [];
  if (executorType === 'agent' && !listed.some((d) => d.type === 'retry')) return [...listed, IMPLICIT_AGENT_RETRY];
  return listed;
}

function applyOne(inner: Executor, spec: DecoratorSpec, step: CompiledStep, opts: DecoratorOptions): Executor {
  const config = spec.config ?? {};
  switch (spec.type) {
    case 'timeout':
      return timeoutDecorator(inner, config, opts.timeoutSettleMs);
    case 'retry':
      return retryDecorator(inner, config, step.idempotency);
    case 'fallback':
      return fallbackDecorator(inner, config, opts.registry ?? lookupExecutor);
    case 'notification':
      return notificationDecorator(inner, config, opts.fetch);
    default: {
      // The compiler rejects unknown types (D-10); an IR from elsewhere still fails as data.
      const type = String((spec as { type: unknown }).type);
      return { type: inner.type, start: async () => crashResult(`ValueError: Unknown decorator type: ${type}`) };
    }
  }
}

export function wrapWithDecorators(exec: Executor, step: CompiledStep, opts: DecoratorOptions = {}): Executor {
  const specs = effectiveDecorators(step, exec.type);
  // Wrap from the last listed inwards-out, so the first listed ends up outermost.
  let wrapped = exec;
  for (let i = specs.length - 1; i >= 0; i--) wrapped = applyOne(wrapped, specs[i], step, opts);
  return wrapped;
}
