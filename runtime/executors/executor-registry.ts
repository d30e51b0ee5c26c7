/**
 * Executor types by name, for the `fallback` decorator (EX-7.3), which must build an executor
 * of another type at run time. The engine may pass its own lookup to `wrapWithDecorators`;
 * otherwise this module-level registry is used (it knows `script`; others register here).
 */
import type { Executor } from './types.js';
import { createScriptExecutor } from './script-executor.js';
import { createExternalExecutor } from './external-executor.js';
import { createPollExecutor } from './poll-executor.js';

export type ExecutorFactory = () => Executor;
/** Returns a fresh executor of `type`, or undefined when the type is unknown. */
export type ExecutorLookup = (type: string) => Executor | undefined;

const factories = new Map<string, ExecutorFactory>([
  ['script', () => createScriptExecutor()],
  ['external', () => createExternalExecutor()],
  ['poll', () => createPollExecutor()],
]);

export function registerExecutorType(type: string, factory: ExecutorFactory): void {
  factories.set(type, factory);
}

export const lookupExecutor: ExecutorLookup = (type) => factories.get(type)?.();
