/**
 * The stored shape of a run's watch (SPEC E-15.1): `{mode, config, fulfillment_outputs,
 * output_schema?}` with snake_case keys, whatever the executor returned (`fulfillmentOutputs`
 * from the executor contract, or a script's `_watch`, E-15.4).
 */
import type { OutputSpec } from '../../compiler/ir.js';
import type { RunRecord } from '../types.js';
import type { LiveJob } from '../engine/live-job.js';

export function normalizeWatch(job: LiveJob, run: RunRecord, raw: Record<string, unknown>): Record<string, unknown> {
  const step = job.index.steps.get(run.stepName)?.step;
  const given = raw.fulfillment_outputs ?? raw.fulfillmentOutputs;
  const fields = Array.isArray(given) ? given.filter((f): f is string => typeof f === 'string') : (step?.outputs ?? []).map((o) => o.name);
  const out: Record<string, unknown> = {
    mode: raw.mode === 'poll' ? 'poll' : 'external',
    config: typeof raw.config === 'object' && raw.config !== null ? raw.config : {},
    fulfillment_outputs: fields,
  };
  if (step?.outputsTyped) out.output_schema = step.outputs;
  return out;
}

/** The typed schema stored with a watch (null when the step's outputs are untyped). */
export function watchSchema(watch: Record<string, unknown> | null): OutputSpec[] | null {
  return Array.isArray(watch?.output_schema) ? (watch!.output_schema as OutputSpec[]) : null;
}

export function watchFields(watch: Record<string, unknown> | null): string[] {
  const f = watch?.fulfillment_outputs;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}
