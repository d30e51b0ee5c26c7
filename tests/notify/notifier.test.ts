/**
 * The notifier's pieces in process (P-4, P-5, P-6, D-12): payload shapes, the bounded hook
 * queue, per-job delivery order, closing with a hanging receiver, sub-jobs, session id.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStepwise } from '../../runtime/index.js';
import type { EventEnvelope } from '../../runtime/types.js';
import { Store } from '../../runtime/store/store.js';
import { createNotifier } from '../../runtime/notify/notifier.js';
import { HookRunner, type HookFailure, type HookRun } from '../../runtime/notify/hook-runner.js';
import { hookPayload, webhookBody } from '../../runtime/notify/payloads.js';
import { fieldSpecs, fulfillCommand } from '../../runtime/watch/field-hints.js';
import { WebhookSender, type Delivery, type WebhookFailure } from '../../runtime/notify/webhook-sender.js';
import { compile, fakeScript } from '../runtime/helpers.js';
import { startReceiver, type Receiver } from './support.js';

const env = (over: Partial<EventEnvelope> = {}): EventEnvelope => ({
  event: 'step.completed',
  job_id: 'job-1',
  timestamp: '2026-01-01T00:00:00.000+00:00',
  event_id: 7,
  metadata: { sys: { depth: 0 }, app: {} },
  data: { step: 's', attempt: 1 },
  step: 's',
  ...over,
});

let receiver: Receiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe('P-4/P-5/P-6 payloads', () => {
  it('P-6: data keys flattened, envelope keys restored when data clobbers them, context only when non-empty', () => {
    const e = env({ event: 'effector.action', data: { event: 'x', job_id: 'y', event_id: 0, metadata: 1, data: 2, timestamp: 't', extra: true } });
    const body = webhookBody(e, { ticket: 'T-1' });
    expect(body).toMatchObject({ event: 'effector.action', job_id: 'job-1', event_id: 7, timestamp: e.timestamp, extra: true, context: { ticket: 'T-1' } });
    expect(body.metadata).toEqual(e.metadata);
    expect(body.data).toEqual(e.data);
    expect(webhookBody(env(), {})).not.toHaveProperty('context');
  });

  it('P-5: stdin payload keeps its four fixed keys; fulfill_command quotes the example for sh', () => {
    const p = hookPayload(env({ data: { step: 's', hook: 'evil', event: 'evil' } }), 'step-complete');
    expect(p).toEqual({ event: 'step.completed', hook: 'step-complete', job_id: 'job-1', timestamp: env().timestamp, step: 's' });
    expect(fulfillCommand('run-1', fieldSpecs(["it's", 'b'], null))).toBe(`stepwise fulfill run-1 '{"it'"'"'s":"...","b":"..."}'`);
  });
});

describe('P-5 approval hooks (events not emitted by the engine yet)', () => {
  it('P-5: job.awaiting_approval runs on-approval-needed with approve_command; job.approved runs on-approved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-approval-'));
    mkdirSync(join(dir, '.stepwise', 'hooks'), { recursive: true });
    for (const name of ['approval-needed', 'approved']) {
      writeFileSync(join(dir, '.stepwise', 'hooks', `on-${name}`), `#!/bin/sh\ncat > '${join(dir, name)}.json'\n`);
      chmodSync(join(dir, '.stepwise', 'hooks', `on-${name}`), 0o755);
    }
    const store = new Store(join(dir, '.stepwise', 'stepwise.db'));
    const notifier = createNotifier({ projectDir: dir, store, now: () => new Date().toISOString() });
    notifier.onEvent(env({ event: 'job.awaiting_approval', data: {}, step: undefined }));
    notifier.onEvent(env({ event: 'job.approved', data: {}, step: undefined }));
    await notifier.close();
    store.close();
    const needed = JSON.parse(readFileSync(join(dir, 'approval-needed.json'), 'utf8'));
    expect(needed).toEqual({ event: 'job.awaiting_approval', hook: 'approval-needed', job_id: 'job-1', timestamp: env().timestamp, approve_command: 'stepwise job approve job-1' });
    expect(JSON.parse(readFileSync(join(dir, 'approved.json'), 'utf8')).hook).toBe('approved');
  });
});

describe('D-12 hook queue', () => {
  it('D-12: the queue is bounded: overflow drops the oldest pending run and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-hq-'));
    const hook = join(dir, 'on-step-complete');
    writeFileSync(hook, '#!/bin/sh\nsleep 0.2\n');
    chmodSync(hook, 0o755);
    const failures: { run: HookRun; f: HookFailure }[] = [];
    const runner = new HookRunner({ projectDir: dir, timeoutMs: 5000, concurrency: 1, queueLimit: 2, onFailure: (run, f) => failures.push({ run, f }) });
    for (let i = 1; i <= 5; i++) runner.enqueue({ hook: 'step-complete', path: hook, envelope: env({ event_id: i }), stdin: {} });
    // 1 runs, 2..5 queue behind it with room for two: 2 and 3 are dropped, oldest first.
    expect(failures.map((x) => x.run.envelope.event_id)).toEqual([2, 3]);
    expect(failures[0]!.f.error).toBe('dropped: more than 2 hook runs were pending');
    await runner.close(5000);
    expect(failures.length).toBe(2);
    expect(readdirEmpty(join(dir, '.stepwise', 'tmp'))).toBe(true);
  });
});

describe('D-12 webhook sender', () => {
  it('P-6: one job\'s deliveries arrive in order even when the first answer is slow; another job is not held up', async () => {
    const order: string[] = [];
    receiver = await startReceiver(async (b) => {
      order.push(`${b.job_id}:${b.event_id}`);
      if (b.job_id === 'A' && b.event_id === 1) await new Promise((r) => setTimeout(r, 300));
      return 200;
    });
    const failures: WebhookFailure[] = [];
    const sender = new WebhookSender({ timeoutMs: 5000, attempts: 3, backoffMs: 10, queueLimit: 256, onFailure: (_d, f) => failures.push(f) });
    const send = (jobId: string, eventId: number): void =>
      sender.enqueue({ jobId, url: receiver!.url, eventId, body: JSON.stringify({ job_id: jobId, event_id: eventId }) });
    send('A', 1);
    send('A', 2);
    send('A', 3);
    send('B', 1);
    await sender.close(5000);
    expect(failures).toEqual([]);
    expect(order.filter((x) => x.startsWith('A'))).toEqual(['A:1', 'A:2', 'A:3']);
    // B was delivered while A:1 was still waiting for its answer.
    expect(order.indexOf('B:1')).toBeLessThan(order.indexOf('A:2'));
  });

  it('D-12: close() does not hang on a receiver that hangs: after the grace it aborts and reports every pending delivery', async () => {
    receiver = await startReceiver('hang');
    const failures: { d: Delivery; f: WebhookFailure }[] = [];
    const sender = new WebhookSender({ timeoutMs: 60_000, attempts: 3, backoffMs: 10, queueLimit: 256, onFailure: (d, f) => failures.push({ d, f }) });
    for (let i = 1; i <= 3; i++) sender.enqueue({ jobId: 'A', url: receiver.url, eventId: i, body: '{}' });
    await sender.close(200);
    expect(failures.map((x) => [x.d.eventId, x.f.attempts])).toEqual([
      [1, 1],
      [2, 0],
      [3, 0],
    ]);
    expect(failures[0]!.f.error).toContain('not delivered: the process closed first');
    expect(receiver.bodies.length).toBe(1);
  });
});

describe('P-6/P-5 through openStepwise', () => {
  it('P-6: sub-jobs are not posted (only the job that has the URL); P-5: STEPWISE_SESSION_ID from metadata.sys.session_id', async () => {
    receiver = await startReceiver('ok');
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-notify-api-'));
    mkdirSync(join(dir, '.stepwise', 'hooks'), { recursive: true });
    const out = join(dir, 'session.txt');
    writeFileSync(join(dir, '.stepwise', 'hooks', 'on-complete'), `#!/bin/sh\nprintf %s "$STEPWISE_SESSION_ID" > '${out}'\n`);
    chmodSync(join(dir, '.stepwise', 'hooks', 'on-complete'), 0o755);
    const flow = compile(`
name: fe
steps:
  src: { run: '{"items": [1, 2]}', outputs: [items] }
  each:
    for_each: src.items
    outputs: [results]
    flow:
      steps:
        work: { run: '{"r": 1}', inputs: { item: $job.item }, outputs: [r] }
`);
    const sw = openStepwise({ projectDir: dir, executors: { script: fakeScript() } });
    const job = sw.createJob(flow, { inputs: {}, metadata: { sys: { session_id: 'S-42' } }, notify: { url: receiver.url } });
    sw.startJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    await sw.close();
    const subJobs = new Set(receiver.bodies.map((b) => b.job_id));
    expect([...subJobs]).toEqual([job.id]);
    expect(receiver.bodies.map((b) => b.event)).toContain('for_each.started');
    expect(receiver.bodies.at(-1)!.event).toBe('job.completed');
    expect(readFileSync(out, 'utf8')).toBe('S-42');
  });

  it('P-6: createJob refuses a notify URL that is not http(s)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-notify-api-'));
    const sw = openStepwise({ projectDir: dir, executors: { script: fakeScript() } });
    const flow = compile('name: t\nsteps:\n  a: { run: \'{"x": 1}\', outputs: [x] }\n');
    expect(() => sw.createJob(flow, { inputs: {}, notify: { url: 'file:///etc/passwd' } })).toThrow(/Invalid notify URL: .*only http and https/);
    void sw.close();
  });
});

function readdirEmpty(p: string): boolean {
  return !existsSync(p) || readdirSync(p).length === 0;
}
