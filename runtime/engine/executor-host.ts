/**
 * Hosts executors for the engine (D-R1: executors are engine-hosted async functions, not
 * XState children): Stage A rendering (T-1), registry lookup, decorators (EX-7), context.
 */
import type { CompiledStep } from '../../compiler/ir.js';
import type { Executor, ExecutorResult, SpawnInfo } from '../executors/types.js';
import { renderStepConfig } from '../executors/render-config.js';
import { wrapWithDecorators } from '../executors/decorators.js';
import { createScriptExecutor } from '../executors/script-executor.js';
import { lookupExecutor } from '../executors/executor-registry.js';
import type { RunRecord } from '../types.js';
import type { LiveJob } from './live-job.js';

export interface ExecutorHost {
  render(step: CompiledStep, inputs: Record<string, unknown>): Record<string, unknown>;
  start(
    job: LiveJob,
    step: CompiledStep,
    run: RunRecord,
    config: Record<string, unknown>,
    signal: AbortSignal,
    onSpawn: (info: SpawnInfo) => void,
  ): Promise<ExecutorResult>;
}

/** Types the engine knows but that are not built yet (issue 4) fail the run with a clear message. */
export function unavailable(type: string): Executor {
  return {
    type,
    start: async () => ({
      kind: 'failed',
      error: `executor type '${type}' is not available yet in this version`,
      category: 'executor_crash',
    }),
  };
}

export function defaultExecutors(): Record<string, Executor> {
  return { script: createScriptExecutor() };
}

export function createExecutorHost(projectDir: string, registry: Record<string, Executor>): ExecutorHost {
  return {
    render: (step, inputs) => renderStepConfig(step, inputs),
    start(job, step, run, config, signal, onSpawn) {
      const type = step.executor.type;
      // Explicit registry first, then types the executors room registers (executor-registry.ts).
      const base = registry[type] ?? lookupExecutor(type) ?? unavailable(type);
      const exec = wrapWithDecorators(base, step, { registry: (t) => registry[t] ?? lookupExecutor(t) });
      return exec.start({
        inputs: run.inputs,
        config,
        ctx: {
          jobId: job.id,
          runId: run.id,
          stepName: step.name,
          attempt: run.attempt,
          workspace: job.record.workspace,
          projectDir,
          flowDir: job.flow.flowDir,
          idempotency: step.idempotency,
          outputs: step.outputs,
          signal,
          onSpawn,
        },
      });
    },
  };
}
