/** D-R3 durable timers on the injected clock; re-armed after a restart (E-21 duration limit). */
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../runtime/executors/types.js';
import { openStepwise } from '../../runtime/index.js';
import { compile, tmpProject } from './helpers.js';

const FLOW = `
name: timed
steps:
  a: { run: x, outputs: [x], limits: { max_duration_minutes: 10 } }
`;

/** Never finishes on its own; settles when aborted. */
const hang: Executor = {
  type: 'script',
  start: (inv) => new Promise((res) => inv.ctx.signal.addEventListener('abort', () => res({ kind: 'failed', error: 'aborted', category: null }))),
};

describe('D-R3 timers', () => {
  it('a duration limit fires when the injected clock passes it', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const sw = openStepwise({ projectDir: tmpProject(), clock: { now: () => now }, executors: { script: hang } });
    const job = sw.createJob(compile(FLOW), { inputs: {} });
    sw.startJob(job.id);
    await new Promise((r) => setTimeout(r, 20));
    expect(sw.store.getJob(job.id)!.status).toBe('running');
    now += 11 * 60_000;
    const out = await sw.waitForJob(job.id);
    expect(out.status).toBe('failed');
    const run = sw.store.listRuns(job.id, 'a')[0]!;
    expect(run).toMatchObject({ status: 'failed', errorCategory: 'timeout', error: 'Duration limit exceeded: 11.0m > 10m' });
    const ev = sw.store.listEvents({ jobId: job.id }).find((e) => e.event === 'step.limit_exceeded')!;
    expect(ev.data).toEqual({ step: 'a', limit_type: 'duration', limit_value: 10, actual_value: 11 });
    expect(ev.timestamp).toBe('2026-01-01T00:11:00.000+00:00');
    await sw.close();
  });

  it('the timer row survives a restart and is re-armed by recover()', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => now };
    const dir = tmpProject();
    const sw1 = openStepwise({ projectDir: dir, clock, executors: { script: hang } });
    const job = sw1.createJob(compile(FLOW), { inputs: {} });
    sw1.startJob(job.id);
    await new Promise((r) => setTimeout(r, 20));
    await sw1.close();
    now += 30 * 60_000;
    const sw2 = openStepwise({ projectDir: dir, clock, executors: { script: hang } });
    await sw2.recover();
    const out = await sw2.waitForJob(job.id);
    expect(out.status).toBe('failed');
    expect(sw2.store.listRuns(job.id, 'a')[0]).toMatchObject({ errorCategory: 'timeout', error: 'Duration limit exceeded: 30.0m > 10m' });
    await sw2.close();
  });
});
