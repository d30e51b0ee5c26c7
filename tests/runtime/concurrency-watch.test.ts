/** D-R6 exact concurrency cap; E-15 suspended runs end a wait as `suspended`. */
import { afterEach, describe, expect, it } from 'vitest';
import { LaunchQueue } from '../../runtime/engine/launch-queue.js';
import { ExecutorSlots } from '../../runtime/engine/slots.js';
import { fakeScript, runFlow, type Handler } from './helpers.js';

/** A fake step body that records the most bodies ever running at once. */
function tracker(ms = 5) {
  const t = { inFlight: 0, max: 0, work: async () => ({}) as Record<string, unknown> };
  t.work = async () => {
    t.inFlight++;
    t.max = Math.max(t.max, t.inFlight);
    await new Promise((r) => setTimeout(r, ms));
    t.inFlight--;
    return { v: 1 };
  };
  return t;
}

/** src → n workers (w0…) → join; `extra` adds steps before join. */
function fan(n: number, extra = '') {
  const names = Array.from({ length: n }, (_, i) => `w${i}`);
  return {
    names,
    yaml: `name: fan\nsteps:\n  src: { run: '{"x": 1}', outputs: [x] }\n${names
      .map((w) => `  ${w}: { run: x, inputs: { x: src.x }, outputs: [v] }`)
      .join('\n')}\n${extra}  join: { run: '{"done": 1}', after: [${names.join(', ')}], outputs: [done] }\n`,
  };
}

describe('D-R6 / E-7.1 concurrency cap', () => {
  afterEach(() => {
    delete process.env.STEPWISE_EXECUTOR_THREADS;
  });
  it('never more running executors than STEPWISE_EXECUTOR_THREADS; every ready step still runs', async () => {
    process.env.STEPWISE_EXECUTOR_THREADS = '3';
    const t = tracker();
    const { names, yaml } = fan(10);
    const r = await runFlow(yaml, { handlers: Object.fromEntries(names.map((n) => [n, t.work])) });
    expect(r.outcome.status).toBe('completed');
    expect(t.max).toBe(3);
    for (const n of names) expect(r.runs(n)).toHaveLength(1);
    await r.sw.close();
  });
});

describe('E-7.2 caps per executor type', () => {
  it('a type at its cap waits: never more than the cap running, one step.throttled per waiting step, all complete', async () => {
    const t = tracker();
    const { names, yaml } = fan(8);
    const r = await runFlow(yaml, { handlers: Object.fromEntries(names.map((n) => [n, t.work])), executorCaps: { script: 2 } });
    expect(r.outcome.status).toBe('completed');
    expect(t.max).toBe(2);
    for (const n of names) expect(r.runs(n).map((x) => x.status)).toEqual(['completed']);
    const throttled = r.sw.store.listEvents({ jobId: r.jobId }).filter((e) => e.event === 'step.throttled');
    // src runs alone; then 8 workers become ready at once: 2 start, 6 wait (each reported once).
    expect(throttled.map((e) => e.data.step).sort()).toEqual(names.slice(2).sort());
    expect(throttled[0]!.data).toEqual({ step: 'w2', executor_type: 'script', running: 2, limit: 2, reason: 'executor_type' });
    await r.sw.close();
  });

  it('the cap of one type does not hold back another type; 0 means unlimited', async () => {
    const t = tracker(30);
    let llmStarted = 0;
    const llm = fakeScript({
      ask: () => {
        llmStarted = t.inFlight;
        return { answer: 'ok' };
      },
    });
    const { names, yaml } = fan(3, "  ask: { executor: llm, prompt: 'hi', inputs: { x: src.x }, outputs: [answer] }\n");
    const r = await runFlow(yaml, { handlers: Object.fromEntries(names.map((n) => [n, t.work])), executors: { llm }, executorCaps: { script: 1, llm: 0 } });
    expect(r.outcome.status).toBe('completed');
    expect(t.max).toBe(1);
    expect(llmStarted).toBe(1); // the llm step ran while a script held the only script slot
    expect(r.sw.store.listEvents({ jobId: r.jobId }).filter((e) => e.event === 'step.throttled').every((e) => e.data.executor_type === 'script')).toBe(true);
    await r.sw.close();
  });
});

describe('E-10.1 with caps: a loop relaunch waiting for a slot', () => {
  it('holds back the steps downstream of its target until the relaunched run completes (they run once, on its output)', async () => {
    const gate = () => {
      let open = (): void => undefined;
      const p = new Promise<void>((r) => (open = r));
      return { p, open };
    };
    const [g1, g2, g3] = [gate(), gate(), gate()];
    const tick = () => new Promise((r) => setTimeout(r, 30));
    // hold is declared before spin: when g1 opens both finish in one batch, hold's dependents d1
    // and d2 take both script slots, and spin's loop relaunch must wait in the queue.
    const yaml = `
name: throttled-loop
steps:
  hold: { run: x, outputs: [h] }
  spin:
    run: x
    outputs: [n]
    exits:
      - { name: done, when: "attempt >= 2", action: advance }
      - { name: again, when: "True", action: loop, target: spin }
  d1: { run: x, inputs: { h: hold.h }, outputs: [v] }
  d2: { run: x, inputs: { h: hold.h }, outputs: [v] }
  side: { executor: llm, prompt: hi, outputs: [v] }
  charge: { executor: llm, prompt: go, inputs: { n: spin.n, v: side.v }, outputs: [c] }
`;
    const llm = fakeScript({
      side: async () => (await g3.p, { v: 1 }),
      charge: (inv) => ({ c: inv.inputs.n }),
    });
    const handlers: Record<string, Handler> = {
      hold: async () => (await g1.p, { h: 1 }),
      spin: async (inv) => (inv.ctx.attempt === 1 ? (await g1.p, { n: 1 }) : { n: inv.ctx.attempt }),
      d1: async () => (await g2.p, { v: 1 }),
      d2: async () => (await g2.p, { v: 1 }),
    };
    const done = runFlow(yaml, { handlers, executors: { llm }, executorCaps: { script: 2, llm: 0 } });
    await tick();
    g1.open(); // hold and spin#1 finish together; d1 and d2 take the slots; spin's relaunch waits
    await tick();
    g3.open(); // side completes while spin's relaunch still waits: charge must not start on spin#1
    await tick();
    g2.open(); // the slots free up: spin#2 runs, then charge
    const r = await done;
    expect(r.outcome.status).toBe('completed');
    expect(r.events()).toContain('step.throttled');
    const charge = r.runs('charge');
    expect(charge.map((x) => x.status)).toEqual(['completed']);
    expect(charge[0]!.artifact).toEqual({ c: 2 }); // spin's output from its second (last) attempt
    await r.sw.close();
  });
});

describe('E-7.2 slot accounting (runtime/engine/slots.ts)', () => {
  it('agent is capped at 3 unless configured; a rolled-back transaction gives its reservations back', () => {
    const slots = new ExecutorSlots(32);
    expect(slots.capOf('agent')).toBe(3);
    expect(new ExecutorSlots(32, { agent: 0 }).capOf('agent')).toBe(0);
    for (let i = 0; i < 3; i++) slots.reserve('agent');
    expect(slots.blocked('agent')).toEqual({ reason: 'executor_type', running: 3, limit: 3 });
    slots.rolledBack();
    expect(slots.blocked('agent')).toBeNull();
    slots.reserve('agent');
    slots.committed();
    slots.rolledBack(); // nothing of a committed transaction is given back
    expect(slots.loadOf('agent')).toBe(1);
    slots.unreserve('agent');
    slots.started('agent');
    expect(slots.loadOf('agent')).toBe(1);
    slots.finished('agent');
    expect(slots.loadOf('agent')).toBe(0);
  });
  it('the global cap is reported when the type has room', () => {
    const slots = new ExecutorSlots(2, { script: 5 });
    slots.started('script');
    slots.started('llm');
    expect(slots.blocked('script')).toEqual({ reason: 'global', running: 2, limit: 2 });
  });
});

describe('D-R6 launch queue (runtime/engine/launch-queue.ts)', () => {
  it('hands out launches in order, per type while the type has room, then global ones while slots are free', () => {
    const q = new LaunchQueue();
    const slots = new ExecutorSlots(3, { script: 1 });
    for (let i = 0; i < 3000; i++) q.add({ jobId: 'j', step: `s${i}`, bypass: false }, 'script');
    q.add({ jobId: 'j', step: 'g0', bypass: false }, null);
    q.add({ jobId: 'j', step: 'g1', bypass: false }, null);
    const got: string[] = [];
    const take = (item: { step: string }) => {
      got.push(item.step);
      slots.reserve(item.step.startsWith('s') ? 'script' : 'llm');
    };
    q.drain(slots, take);
    expect(got).toEqual(['s0', 'g0', 'g1']); // one script slot; then the global cap of 3
    for (let i = 1; i < 3000; i++) {
      slots.unreserve('script');
      q.drain(slots, take);
    }
    expect(got.slice(3)).toEqual(Array.from({ length: 2999 }, (_, i) => `s${i + 1}`));
    expect(q.empty).toBe(true);
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
