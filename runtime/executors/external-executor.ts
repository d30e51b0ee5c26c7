/**
 * `executor: external` (SPEC EX-3, E-15.1): renders the prompt (T-2 Stage B with D-1/D-2:
 * one pass, `{{name}}` too, null → "") and suspends the run until someone fulfils it.
 * Fulfilment itself (typed coercion, derived outputs) is the engine's (runtime/watch/).
 */
import type { Executor, ExecutorInvocation, ExecutorResult } from './types.js';
import { renderTemplate } from './template.js';

export const DEFAULT_EXTERNAL_PROMPT = 'Awaiting external input';

/** Stage B of a prompt that Stage A already rendered (T-2). */
export function renderPromptStageB(prompt: string, inputs: Record<string, unknown>): string {
  if (!prompt.includes('$') && !prompt.includes('{{')) return prompt;
  return renderTemplate(prompt, inputs, { bound: new Set(Object.keys(inputs)), quote: 'none', mustache: true });
}

export function createExternalExecutor(): Executor {
  return {
    type: 'external',
    async start({ inputs, config, ctx }: ExecutorInvocation): Promise<ExecutorResult> {
      const raw = typeof config.prompt === 'string' && config.prompt.trim() !== '' ? config.prompt : DEFAULT_EXTERNAL_PROMPT;
      const prompt = renderPromptStageB(raw, inputs);
      return {
        kind: 'watch',
        watch: { mode: 'external', config: { prompt }, fulfillmentOutputs: ctx.outputs.map((o) => o.name) },
        meta: { prompt },
      };
    },
  };
}
