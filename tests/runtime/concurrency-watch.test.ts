/** D-R6 exact concurrency cap; E-15 suspended runs end a wait as `suspended`. */
import { afterEach, describe, expect, it } from 'vitest';
import { runFlow } from './helpers.js';

describe('D-R6 / E-7.1 concurrency cap', () => {
  afterEach(() => {
    delete process.env.STEPWISE_EXECUTOR_THREADS;
  });
  it('never more running executors than STEPWISE_EXECUTOR_THREADS; every ready step still runs', async () => {
    process.env.STEPWISE_EXECUTOR_THREADS = '3';
    let inFlight = 0;
    let max = 0;
    const work = async () => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { v: 1 };
    };
    const names = Array.from({ length: 10 }, (_, i) => `w${i}`);
    const yaml = `name: fan\nsteps:\n  src: { run: '{"x": 1}', outputs: [x] }\n${names
      .map((n) => `  ${n}: { run: x, inputs: { x: src.x }, outputs: [v] }`)
      .join('\n')}\n  join: { run: '{"done": 1}', after: [${names.join(', ')}], outputs: [done] }\n`;
    const r = await runFlow(yaml, { handlers: Object.fromEntries(names.map((n) => [n, work])) });
    expect(r.outcome.status).toBe('completed');
    expect(max).toBe(3);
    for (const n of names) expect(r.runs(n)).toHaveLength(1);
    await r.sw.close();
  });
});

describe('E-15 watches', () => {
  it('E-15.4 an executor result of kind watch suspends the run; the wait ends `suspended`', async () => {
    const r = await runFlow(
      `
name: watch
steps:
  a: { run: x, outputs: [ok] }
  b: { run: '{"y": 1}', inputs: { ok: a.ok }, outputs: [y] }
`,
      {
        handlers: {
          a: () => ({ kind: 'watch', watch: { mode: 'external', config: { prompt: 'Approve?' }, fulfillmentOutputs: ['ok'] } }),
        },
      },
    );
    expect(r.outcome.status).toBe('suspended');
    expect(r.runs('a')[0]!.status).toBe('suspended');
    expect(r.runs('a')[0]!.watch).toMatchObject({ mode: 'external' });
    const ev = r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'step.suspended')!;
    expect(ev.data).toEqual({ step: 'a', run_id: r.runs('a')[0]!.id, watch_mode: 'external', prompt: 'Approve?' });
    expect(r.sw.store.getJob(r.jobId)!.status).toBe('running');
    await r.sw.close();
  });
});
