/**
 * The notifier: every event envelope of a job this process drives goes to the project hook
 * mapped to its type (P-5) and to the job's webhook (P-6). Nothing here runs inside the
 * engine's transaction or waits on it (D-12); failures become `hook.failed` /
 * `webhook.failed` events (appended in their own transaction) and lines in hooks.log.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import type { EventEnvelope, NotifyOptions } from '../types.js';
import { appendHooksLog } from './hooks-log.js';
import { HookRunner, type HookRun, type HookFailure } from './hook-runner.js';
import { HOOK_FOR_EVENT, hookPayload, webhookBody } from './payloads.js';
import { watchFieldSpecs, fulfillCommand } from '../watch/field-hints.js';
import { WebhookSender, type Delivery, type WebhookFailure } from './webhook-sender.js';

export interface Notifier {
  /** Called after the commit with each envelope (an `onEvent` listener); returns at once. */
  onEvent(env: EventEnvelope): void;
  /** Grace period for pending work, then drop/abort it. Call before the store closes. */
  close(): Promise<void>;
}

export interface NotifierDeps {
  projectDir: string;
  store: Store;
  /** ISO timestamp from the injected clock. */
  now: () => string;
  options?: NotifyOptions;
}

export const NOTIFY_DEFAULTS: Required<NotifyOptions> = {
  hookTimeoutMs: 30_000,
  hookConcurrency: 4,
  queueLimit: 256,
  webhookTimeoutMs: 10_000,
  webhookAttempts: 3,
  webhookBackoffMs: 500,
  closeGraceMs: 2_000,
};

const TERMINAL = new Set(['job.completed', 'job.failed', 'job.cancelled']);

type Target = { url: string; context: Record<string, unknown> } | null;

export function createNotifier(deps: NotifierDeps): Notifier {
  const opts = { ...NOTIFY_DEFAULTS, ...notifyOptionsFromEnv(process.env), ...definedOnly(deps.options ?? {}) };
  const { projectDir, store } = deps;
  const hooksDir = join(projectDir, '.stepwise', 'hooks');
  /** notify_url is immutable after creation: read once per job while it runs. */
  const targets = new Map<string, Target>();

  function record(jobId: string, type: string, data: Record<string, unknown>, line: string, detail?: string): void {
    const at = deps.now();
    appendHooksLog(projectDir, at, line, detail);
    try {
      store.appendEventTx(jobId, at, type, data);
    } catch {
      // store closed or busy past its timeout: hooks.log still has it
    }
  }

  const hooks = new HookRunner({
    projectDir,
    timeoutMs: opts.hookTimeoutMs,
    concurrency: opts.hookConcurrency,
    queueLimit: opts.queueLimit,
    onFailure(run: HookRun, f: HookFailure) {
      const data: Record<string, unknown> = { hook: run.hook, event: run.envelope.event, event_id: run.envelope.event_id };
      if (f.exitCode !== null) data.exit_code = f.exitCode;
      if (f.error) data.error = f.error;
      const line = `on-${run.hook} exit=${f.exitCode ?? '-'} event=${run.envelope.event} event_id=${run.envelope.event_id} job=${run.envelope.job_id}${f.error ? ` error: ${f.error}` : ''}`;
      record(run.envelope.job_id, 'hook.failed', data, line, f.stderr ? `stderr: ${f.stderr}` : undefined);
    },
  });

  const webhooks = new WebhookSender({
    timeoutMs: opts.webhookTimeoutMs,
    attempts: opts.webhookAttempts,
    backoffMs: opts.webhookBackoffMs,
    queueLimit: opts.queueLimit,
    onFailure(d: Delivery, f: WebhookFailure) {
      const data = { url: d.url, event_id: d.eventId, attempts: f.attempts, error: f.error };
      record(d.jobId, 'webhook.failed', data, `webhook ${d.url} event_id=${d.eventId} job=${d.jobId} attempts=${f.attempts} error: ${f.error}`);
    },
  });

  function targetOf(jobId: string): Target {
    let t = targets.get(jobId);
    if (t === undefined) {
      t = store.getJobNotify(jobId);
      targets.set(jobId, t);
    }
    return t;
  }

  function suspendExtra(env: EventEnvelope): Record<string, unknown> {
    const runId = typeof env.data.run_id === 'string' ? env.data.run_id : '';
    const run = runId ? store.getRun(runId) : undefined;
    // The same typed example as `list --suspended` and the --wait JSON print (field-hints.ts).
    if (run?.watch) return { fulfill_command: fulfillCommand(runId, watchFieldSpecs(run.watch)) };
    const hash = store.getJobRow(env.job_id)?.flow_hash as string | undefined;
    const step = hash ? store.getFlow(hash)?.steps.find((s) => s.name === env.step) : undefined;
    return { fulfill_command: fulfillCommand(runId, step?.outputs ?? []) };
  }

  return {
    onEvent(env: EventEnvelope): void {
      try {
        const hook = HOOK_FOR_EVENT[env.event];
        if (hook) {
          const path = join(hooksDir, `on-${hook}`);
          if (existsSync(path)) {
            const extra =
              env.event === 'step.suspended'
                ? suspendExtra(env)
                : env.event === 'job.awaiting_approval'
                  ? { approve_command: `stepwise job approve ${env.job_id}` }
                  : {};
            hooks.enqueue({ hook, path, envelope: env, stdin: hookPayload(env, hook, extra) });
          }
        }
        const target = targetOf(env.job_id);
        if (target) {
          const body = JSON.stringify(webhookBody(env, target.context));
          webhooks.enqueue({ jobId: env.job_id, url: target.url, eventId: env.event_id, body });
        }
        if (TERMINAL.has(env.event)) targets.delete(env.job_id);
      } catch (e) {
        appendHooksLog(projectDir, deps.now(), `notifier error on ${env.event} event_id=${env.event_id}: ${(e as Error).message}`);
      }
    },

    async close(): Promise<void> {
      await Promise.all([hooks.close(opts.closeGraceMs), webhooks.close(opts.closeGraceMs)]);
    },
  };
}

/**
 * Environment knobs for processes the caller does not construct (`stepwise run`, detached
 * runners): STEPWISE_HOOK_TIMEOUT_MS, STEPWISE_WEBHOOK_TIMEOUT_MS, STEPWISE_WEBHOOK_BACKOFF_MS,
 * STEPWISE_NOTIFY_GRACE_MS (positive integers; anything else is ignored).
 */
export function notifyOptionsFromEnv(env: NodeJS.ProcessEnv): NotifyOptions {
  const num = (name: string): number | undefined => {
    const n = Number(env[name]);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return definedOnly({
    hookTimeoutMs: num('STEPWISE_HOOK_TIMEOUT_MS'),
    webhookTimeoutMs: num('STEPWISE_WEBHOOK_TIMEOUT_MS'),
    webhookBackoffMs: num('STEPWISE_WEBHOOK_BACKOFF_MS'),
    closeGraceMs: num('STEPWISE_NOTIFY_GRACE_MS'),
  });
}

function definedOnly(o: NotifyOptions): NotifyOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as NotifyOptions;
}
