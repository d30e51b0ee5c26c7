/**
 * `executor: poll` (SPEC EX-2, E-15.3): `start` only suspends; the engine arms a durable
 * timer and runs `check_command` every `interval_seconds` (runtime/watch/poll-watch.ts).
 * `check_command` arrives already rendered by Stage A with shell quoting (T-1).
 */
import type { Executor, ExecutorInvocation, ExecutorResult } from './types.js';
import { renderPromptStageB } from './external-executor.js';

export const DEFAULT_POLL_INTERVAL_SECONDS = 60;

export function createPollExecutor(): Executor {
  return {
    type: 'poll',
    async start({ inputs, config, ctx }: ExecutorInvocation): Promise<ExecutorResult> {
      const check = typeof config.check_command === 'string' ? config.check_command : '';
      if (check.trim() === '') return { kind: 'failed', error: "poll step needs a 'check_command'", category: 'executor_crash' };
      const n = Number(config.interval_seconds);
      const interval = Number.isFinite(n) && n > 0 ? n : DEFAULT_POLL_INTERVAL_SECONDS;
      const prompt = typeof config.prompt === 'string' ? renderPromptStageB(config.prompt, inputs) : `Polling: ${check}`;
      return {
        kind: 'watch',
        watch: {
          mode: 'poll',
          config: { check_command: check, interval_seconds: interval, prompt },
          fulfillmentOutputs: ctx.outputs.map((o) => o.name),
        },
      };
    },
  };
}
