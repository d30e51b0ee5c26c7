/**
 * P-6 webhooks through the real CLI (`run --wait --notify`), D-12: deliveries never block
 * the engine; retries with backoff; final failures recorded as `webhook.failed`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonOut, runCli } from '../support/cli.js';
import { CHAIN_FLOW, makeProject, ms, readEvents, startReceiver, type Receiver } from './support.js';

const JOB_EVENTS = ['job.started', 'step.started', 'step.completed', 'step.started', 'step.completed', 'step.started', 'step.completed', 'job.completed'];

const lifecycle = (type: string): boolean => type.startsWith('job.') || type.startsWith('step.');

let receiver: Receiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

describe('P-6 webhooks: run --wait --notify', () => {
  it('P-6: every event of the job is POSTed in order, with context and data keys flattened', async () => {
    receiver = await startReceiver('ok');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', receiver.url, '--notify-context', '{"ticket":"T-1"}'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOut(r);
    expect(out.status).toBe('completed');
    const bodies = receiver.bodies;
    expect(bodies.map((b) => b.event)).toEqual(expect.arrayContaining(JOB_EVENTS));
    expect(bodies.map((b) => b.event).filter(lifecycle)).toEqual(JOB_EVENTS);
    // In order of event_id, gap-free against the event log.
    const ids = bodies.map((b) => b.event_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const logged = readEvents(dir).filter((e) => e.job_id === out.job_id);
    expect(ids).toEqual(logged.map((e) => e.event_id));
    for (const b of bodies) {
      expect(b.job_id).toBe(out.job_id);
      expect(b.context).toEqual({ ticket: 'T-1' });
      expect(b.metadata).toEqual({ sys: { depth: 0 }, app: {} });
      expect(typeof b.timestamp).toBe('string');
    }
    const stepStarted = bodies.find((b) => b.event === 'step.started' && b.step === 'b');
    expect(stepStarted).toMatchObject({ step: 'b', attempt: 1, data: { step: 'b', attempt: 1 } });
  }, 60_000);

  it('P-6: without --notify-context the body has no context key', async () => {
    receiver = await startReceiver('ok');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', receiver.url], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(receiver.bodies.map((b) => b.event_id)).toEqual(readEvents(dir).map((e) => e.event_id));
    for (const b of receiver.bodies) expect(b).not.toHaveProperty('context');
  }, 60_000);

  it('D-12: a receiver that hangs: attempts time out and are retried, the job is not delayed, --wait returns, webhook.failed is recorded', async () => {
    receiver = await startReceiver('hang');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    // Attempts of 700 ms: job.started gives up after ≥ 2.25 s, inside a 4 s closing grace.
    const env = { STEPWISE_WEBHOOK_TIMEOUT_MS: '700', STEPWISE_WEBHOOK_BACKOFF_MS: '50', STEPWISE_NOTIFY_GRACE_MS: '4000' };
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', receiver.url], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOut(r);
    expect(out.status).toBe('completed');
    // job.started was attempted three times (the first attempt and two retries).
    const first = receiver.bodies.filter((b) => b.event_id === 1);
    expect(first.length).toBe(3);
    const events = readEvents(dir);
    const completed = events.find((e) => e.type === 'job.completed')!;
    const started = events.find((e) => e.type === 'job.started')!;
    const failed = events.filter((e) => e.type === 'webhook.failed');
    const firstFailure = failed.find((e) => e.data.event_id === 1)!;
    expect(firstFailure.data).toEqual({ url: receiver.url, event_id: 1, attempts: 3, error: 'timed out after 700 ms' });
    // The whole job ran before even the first delivery gave up (≥ 3 × 700 ms of hanging).
    expect(ms(completed.timestamp) - ms(started.timestamp)).toBeLessThan(ms(firstFailure.timestamp) - ms(started.timestamp));
    // Every event the receiver never acknowledged is accounted for (closing aborts the rest).
    const failedIds = new Set(failed.map((e) => e.data.event_id));
    for (const e of events.filter((x) => x.type !== 'webhook.failed')) expect(failedIds.has(e.event_id)).toBe(true);
    const log = readFileSync(join(dir, '.stepwise', 'logs', 'hooks.log'), 'utf8');
    expect(log).toMatch(/webhook http:\/\/127\.0\.0\.1:\d+\/hook event_id=1 job=job-\w+ attempts=3 error: timed out after 700 ms/);
  }, 60_000);

  it('D-12: with the default limits (10 s per attempt, 2 s closing grace) a hanging receiver cannot hold `run --wait`: undelivered events are recorded', async () => {
    receiver = await startReceiver('hang');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', receiver.url], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJsonOut(r).status).toBe('completed');
    const events = readEvents(dir);
    const failed = events.filter((e) => e.type === 'webhook.failed');
    expect(failed[0]!.data).toEqual({ url: receiver.url, event_id: 1, attempts: 1, error: 'not delivered: the process closed first (attempt in flight)' });
    expect(failed.map((e) => e.data.event_id)).toEqual(events.filter((e) => e.type !== 'webhook.failed').map((e) => e.event_id));
    expect(receiver.bodies.map((b) => b.event_id)).toEqual([1]);
  }, 60_000);

  it('P-6: with --async the detached runner delivers (the target is stored with the job, not held in memory)', async () => {
    receiver = await startReceiver('ok');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--async', '--notify', receiver.url, '--notify-context', '{"k":1}'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const jobId = parseJsonOut(r).job_id;
    const deadline = Date.now() + 30_000;
    while (!receiver.bodies.some((b) => b.event === 'job.completed') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(receiver.bodies.map((b) => b.event).filter(lifecycle)).toEqual(JOB_EVENTS);
    for (const b of receiver.bodies) expect(b).toMatchObject({ job_id: jobId, context: { k: 1 } });
  }, 60_000);

  it('D-12: a receiver answering 500: three attempts per event with backoff, the job completes, webhook.failed per event', async () => {
    receiver = await startReceiver('status500');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const env = { STEPWISE_WEBHOOK_BACKOFF_MS: '20', STEPWISE_NOTIFY_GRACE_MS: '20000' };
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', receiver.url], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const out = parseJsonOut(r);
    expect(out.status).toBe('completed');
    const events = readEvents(dir);
    const jobEvents = events.filter((e) => e.type !== 'webhook.failed');
    expect(jobEvents.map((e) => e.type).filter(lifecycle)).toEqual(JOB_EVENTS);
    for (const e of jobEvents) expect(receiver.bodies.filter((b) => b.event_id === e.event_id).length).toBe(3);
    const failed = events.filter((e) => e.type === 'webhook.failed');
    expect(failed.map((e) => e.data.event_id)).toEqual(jobEvents.map((e) => e.event_id));
    for (const f of failed) expect(f.data).toMatchObject({ attempts: 3, error: 'HTTP 500' });
    // Notification events continue the one monotonic, gap-free event log.
    expect(events.map((e) => e.event_id)).toEqual(events.map((_, i) => i + 1));
  }, 60_000);
});

describe('CLI-3 --notify / --notify-context validation', () => {
  it('CLI-3: bad --notify-context JSON exits 2 naming the flag', async () => {
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--notify', 'http://127.0.0.1:9/x', '--notify-context', '{ticket'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--notify-context is not valid JSON');
  });

  it('CLI-5: in --wait mode the error is the one JSON error object on stdout', async () => {
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', 'http://127.0.0.1:9/x', '--notify-context', '[1]'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = parseJsonOut(r);
    expect(out.status).toBe('error');
    expect(out.error).toContain('--notify-context must be a JSON object');
  });

  it('CLI-3: --notify must be an http(s) URL', async () => {
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW });
    const r = await runCli(['run', 'flow.yaml', '--wait', '--notify', 'ftp://example.com/x'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(parseJsonOut(r).error).toContain('--notify "ftp://example.com/x" uses ftp; only http and https are supported');
    // Refused before any job was created.
    expect(existsSync(join(dir, '.stepwise', 'stepwise.db'))).toBe(false);
  });
});
