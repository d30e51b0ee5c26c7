/**
 * What hooks (P-5) and webhooks (P-6) receive. Both start from the one P-4 envelope the
 * store builds (`envelope()` in store.ts); this file only reshapes it.
 */
import type { EventEnvelope } from '../types.js';

/** P-5: event type → hook name (`.stepwise/hooks/on-<name>`). */
export const HOOK_FOR_EVENT: Readonly<Record<string, string>> = {
  'step.suspended': 'suspend',
  'step.completed': 'step-complete',
  'job.completed': 'complete',
  'job.failed': 'fail',
  'step.failed': 'fail',
  'job.awaiting_approval': 'approval-needed',
  'job.approved': 'approved',
};

/**
 * P-5 stdin: `{event, hook, job_id, timestamp, ...data}`. The four fixed keys are written
 * again after `data` so an event whose data happens to carry one cannot mislabel itself.
 */
export function hookPayload(env: EventEnvelope, hook: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const fixed = { event: env.event, hook, job_id: env.job_id, timestamp: env.timestamp };
  return { ...fixed, ...env.data, ...fixed, ...extra };
}

/**
 * P-6 body: the envelope, every key of `data` at top level, the envelope keys restored
 * where `data` clobbered them, and `context` when the job has a non-empty one.
 */
export function webhookBody(env: EventEnvelope, context: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...env, ...env.data, ...env };
  if (Object.keys(context).length > 0) body.context = context;
  return body;
}
