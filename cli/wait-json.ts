/**
 * The `--wait` contract (SPEC CLI-5 with D-5, D-11, D-14): exactly one JSON object per
 * outcome, and its exit code. Built from the store so `run --wait`, `wait`, `resume
 * --wait` and `fulfill --wait` all print the same shapes.
 */
import type { OutputSpec } from '../compiler/ir.js';
import { watchFields, watchSchema } from '../runtime/watch/normalize-watch.js';
import type { JobOutcome, JobRecord, RunRecord, StoreReader } from '../runtime/types.js';

export interface WaitReport {
  json: Record<string, unknown>;
  exitCode: number;
}

export function durationSeconds(job: JobRecord, nowMs = Date.now()): number {
  const start = Date.parse(job.createdAt);
  const end = ['completed', 'failed', 'cancelled'].includes(job.status) ? Date.parse(job.updatedAt) : nowMs;
  return Math.max(0, Math.round((end - start) / 10) / 100);
}

export function outputSchema(outputs: OutputSpec[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const o of outputs) {
    const p: Record<string, unknown> = { type: o.type };
    if (o.description) p.description = o.description;
    if (o.options) p.options = o.options;
    if (o.multiple) p.multiple = true;
    if (o.min !== undefined) p.min = o.min;
    if (o.max !== undefined) p.max = o.max;
    if (!o.required) p.required = false;
    if (o.hasDefault) p.default = o.default;
    props[o.name] = p;
  }
  return props;
}

/** The typed fields stored with a suspended run's watch, as the `output_schema` object of CLI-5 (undefined when untyped). */
export function watchOutputSchema(watch: Record<string, unknown> | null): Record<string, unknown> | undefined {
  const schema = watchSchema(watch);
  return schema ? outputSchema(schema) : undefined;
}

/** CLI-5 `suspended_steps`, read from each run's stored watch (E-15.1), which is pinned with the run. */
function suspendedSteps(runs: RunRecord[]): Record<string, unknown>[] {
  return runs
    .filter((r) => r.status === 'suspended' && r.watch)
    .map((r) => {
      const watchConfig = (r.watch?.config ?? {}) as Record<string, unknown>;
      const entry: Record<string, unknown> = {
        run_id: r.id,
        step: r.stepName,
        prompt: watchConfig.prompt ?? '',
        fields: watchFields(r.watch),
      };
      const schema = watchOutputSchema(r.watch);
      if (schema) entry.output_schema = schema;
      entry.inputs = r.inputs;
      entry.suspended_at = r.startedAt;
      return entry;
    });
}

const completedSteps = (runs: RunRecord[]) => runs.filter((r) => r.status === 'completed').map((r) => r.stepName);

export function buildWaitReport(store: StoreReader, outcome: JobOutcome): WaitReport {
  const job = store.getJob(outcome.job.id) ?? outcome.job;
  const base = { job_id: job.id };
  const cost = { cost_usd: 0, duration_seconds: durationSeconds(job) };
  switch (outcome.status) {
    case 'completed':
      return { exitCode: 0, json: { status: 'completed', ...base, outputs: store.terminalOutputs(job.id), ...cost } };
    case 'failed': {
      const f = store.failureInfo(job.id);
      return {
        exitCode: 1,
        json: { status: 'failed', ...base, error: f.error, failed_step: f.failedStep, completed_outputs: store.completedOutputs(job.id), ...cost },
      };
    }
    case 'cancelled':
      return {
        exitCode: 4,
        json: { status: 'cancelled', ...base, completed_outputs: store.completedOutputs(job.id), duration_seconds: cost.duration_seconds },
      };
    case 'paused': {
      const p = store.pauseInfo(job.id);
      return {
        exitCode: 5,
        json: {
          status: 'paused',
          ...base,
          reason: p?.reason ?? 'paused',
          step: p?.step ?? null,
          ...(p?.rule ? { rule: p.rule } : {}),
          ...(p?.target ? { target: p.target } : {}),
          resume_command: `stepwise resume ${job.id} --wait`,
          completed_steps: completedSteps(store.listRuns(job.id)),
          ...cost,
        },
      };
    }
    case 'suspended': {
      const runs = store.listRuns(job.id);
      return {
        exitCode: 5,
        json: {
          status: 'suspended',
          ...base,
          suspended_steps: suspendedSteps(runs),
          completed_steps: completedSteps(runs),
          ...cost,
        },
      };
    }
  }
}

export const errorReport = (message: string, exitCode = 2): WaitReport => ({
  exitCode,
  json: { status: 'error', exit_code: exitCode, error: message },
});
