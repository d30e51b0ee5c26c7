/**
 * `notification {webhook_url, timeout_seconds=5}` (D-3): when the inner executor settles,
 * POST an event envelope (EVENTS_AND_API P-4 shape) to `webhook_url`. The webhook never fails
 * the step and never holds it longer than `timeout_seconds`; its outcome goes into
 * `meta.notification`.
 */
import type { ExecutorContext, ExecutorResult, Executor } from './types.js';
import { withMeta } from './abort-link.js';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>;

const EVENT_OF: Record<ExecutorResult['kind'], string> = {
  data: 'step.completed',
  failed: 'step.failed',
  watch: 'step.suspended',
};

export function notificationEnvelope(result: ExecutorResult, ctx: ExecutorContext): Record<string, unknown> {
  const data: Record<string, unknown> = { step: ctx.stepName, run_id: ctx.runId, attempt: ctx.attempt };
  if (result.kind === 'failed') Object.assign(data, { error: result.error, error_category: result.category });
  if (result.kind === 'data') data.artifact = result.artifact;
  if (result.kind === 'watch') data.watch_mode = result.watch.mode;
  return {
    event: EVENT_OF[result.kind],
    job_id: ctx.jobId,
    timestamp: new Date().toISOString(),
    event_id: null,
    metadata: { sys: {}, app: {} },
    data,
    step: ctx.stepName,
  };
}

export function notificationDecorator(inner: Executor, config: Record<string, unknown>, fetchImpl?: FetchLike): Executor {
  const url = typeof config.webhook_url === 'string' ? config.webhook_url : '';
  const seconds = Number(config.timeout_seconds);
  const timeoutMs = config.timeout_seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000;
  return {
    type: inner.type,
    async start(inv) {
      const result = await inner.start(inv);
      if (!url) return withMeta(result, 'notification', { sent: false, error: 'webhook_url is missing' });
      const post = fetchImpl ?? (globalThis.fetch as unknown as FetchLike);
      let timer: NodeJS.Timeout | undefined;
      // A fetch that ignores its signal still cannot hold the step past the limit.
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`webhook timed out after ${timeoutMs / 1000}s`)), timeoutMs);
      });
      try {
        const request = post(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(notificationEnvelope(result, inv.ctx)),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const res = await Promise.race([request, expired]);
        return withMeta(result, 'notification', { sent: true, webhook_url: url, status: res.status });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return withMeta(result, 'notification', { sent: false, webhook_url: url, error: message });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
