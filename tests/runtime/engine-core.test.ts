/** Engine core through the public API with a fake executor: SPEC E-4, E-5, E-6, E-12, E-13. */
import { describe, expect, it } from 'vitest';
import { runFlow } from './helpers.js';

describe('E-5 readiness / E-13 outputs: chain, parallel, join', () => {
  it('CT-01 a→b→c completes; one run each; outputs are the terminal artifact', async () => {
    const r = await runFlow(`
name: chain
steps:
  a: { run: '{"x": 1}', outputs: [x] }
  b: { run: '{"y": 2}', inputs: { x: a.x }, outputs: [y] }
  c: { run: '{"z": 3}', inputs: { y: b.y }, outputs: [z] }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ z: 3 }]);
    expect(r.runs().map((x) => x.stepName)).toEqual(['a', 'b', 'c']);
    expect(r.runs('b')[0]!.inputs).toEqual({ x: 1 });
    expect(r.runs('b')[0]!.depRunIds).toEqual({ a: r.runs('a')[0]!.id });
    await r.sw.close();
  });

  it('CT-02 fan-out runs b and c together; the join runs once with both values', async () => {
    const started: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = (v: number) => async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return { v };
    };
    const r = await runFlow(
      `
name: join
steps:
  a: { run: '{"x": 5}', outputs: [x] }
  b: { run: 'x', inputs: { x: a.x }, outputs: [v] }
  c: { run: 'x', inputs: { x: a.x }, outputs: [v] }
  d: { run: '{"sum": 13}', inputs: { p: b.v, q: c.v }, outputs: [sum] }
`,
      { handlers: { b: slow(6), c: slow(7) }, log: started },
    );
    expect(r.outcome.status).toBe('completed');
    expect(maxInFlight).toBe(2);
    expect(r.runs('d')).toHaveLength(1);
    expect(r.runs('d')[0]!.inputs).toEqual({ p: 6, q: 7 });
    await r.sw.close();
  });

  it('CT-41 / E-12.1 a false `when` is skipped eagerly; any_of takes the branch that ran', async () => {
    const r = await runFlow(`
name: branch
steps:
  classify: { run: '{"cat": "simple"}', outputs: [cat] }
  quick: { run: '{"r": "quick"}', inputs: { cat: classify.cat }, when: "cat == 'simple'", outputs: [r] }
  deep: { run: '{"r": "deep"}', inputs: { cat: classify.cat }, when: "cat == 'complex'", outputs: [r] }
  report:
    run: '{"report": "ok"}'
    inputs:
      r: { any_of: [quick.r, deep.r] }
    outputs: [report]
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('deep').map((x) => x.status)).toEqual(['skipped']);
    expect(r.runs('report')[0]!.inputs).toEqual({ r: 'quick' });
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ report: 'ok' }]);
    await r.sw.close();
  });

  it('CT-42 any_of launches with the first finished source and never re-runs', async () => {
    const r = await runFlow(
      `
name: anyof
steps:
  p: { run: '{"v": "p"}', outputs: [v] }
  q: { run: '{"v": "q"}', outputs: [v] }
  use:
    run: '{"got": 1}'
    inputs:
      v: { any_of: [p.v, q.v] }
    outputs: [got]
`,
      { handlers: { p: async () => (await new Promise((r) => setTimeout(r, 50)), { v: 'p' }) } },
    );
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('use')).toHaveLength(1);
    expect(r.runs('use')[0]!.inputs).toEqual({ v: 'q' });
    expect(r.runs('p')[0]!.status).toBe('completed');
    await r.sw.close();
  });

  it('CT-44 after_resolved accepts a skipped dep; a step bound to a skipped step is skipped by settlement', async () => {
    const r = await runFlow(`
name: resolved
steps:
  pa: { run: '{"v": 1}', when: "True", outputs: [v] }
  pb: { run: '{"v": 2}', when: "False", outputs: [v] }
  after_b: { run: '{"w": 1}', inputs: { v: pb.v }, outputs: [w] }
  join: { run: '{"j": 1}', after_resolved: [pa, pb], outputs: [j] }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('join')[0]!.status).toBe('completed');
    expect(r.runs('pb')[0]!.error).toBe('when condition false');
    expect(r.runs('after_b')[0]!.status).toBe('skipped');
    expect(r.runs('after_b')[0]!.error).toBe('Not reached');
    await r.sw.close();
  });

  it('CT-39 / E-4.2 on_error continue: dependents see null; the job completes', async () => {
    const r = await runFlow(`
name: cont
steps:
  a: { run: 'fail: boom', outputs: [x], on_error: continue }
  b: { run: '{"got": 1}', inputs: { x: a.x }, outputs: [got] }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('b')[0]!.inputs).toEqual({ x: null });
    expect(r.runs('a')[0]!.artifact).toEqual({ _error: 'boom' });
    await r.sw.close();
  });

  it('CT-43 an optional binding to a later step resolves null and never re-runs the consumer', async () => {
    const r = await runFlow(
      `
name: optional
steps:
  a: { run: '{"x": 1}', outputs: [x] }
  b: { run: '{"y": 2}', inputs: { x: a.x }, outputs: [y] }
  c:
    run: '{"z": 3}'
    inputs:
      y: { from: b.y, optional: true }
    outputs: [z]
`,
      { handlers: { b: async () => (await new Promise((r) => setTimeout(r, 30)), { y: 2 }) } },
    );
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('c')).toHaveLength(1);
    expect(r.runs('c')[0]!.inputs).toEqual({ y: null });
    await r.sw.close();
  });

  it('E-4.1 / CT-03 $job inputs resolve (missing → null) and declared defaults apply', async () => {
    const r = await runFlow(
      `
name: jobin
inputs:
  greeting: { default: hello }
steps:
  a: { run: '{"m": 1}', inputs: { g: $job.greeting, t: $job.topic }, outputs: [m] }
`,
      { inputs: {} },
    );
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('a')[0]!.inputs).toEqual({ g: 'hello', t: null });
    await r.sw.close();
  });

  it('E-4.2 nested field path: a.b → value, missing → null', async () => {
    const r = await runFlow(`
name: nested
steps:
  a: { run: '{"a": {"b": 7}}', outputs: [a] }
  c: { run: '{"got": 7}', inputs: { v: a.a.b, w: a.a.zz }, outputs: [got] }
`);
    expect(r.runs('c')[0]!.inputs).toEqual({ v: 7, w: null });
    await r.sw.close();
  });
});

describe('P-3 / P-4 events', () => {
  it('emits the lifecycle and step events with the envelope; event ids are contiguous', async () => {
    const r = await runFlow(`
name: ev
steps:
  a: { run: '{"x": 1}', outputs: [x] }
`);
    const evs = r.sw.store.listEvents({ jobId: r.jobId });
    expect(evs.map((e) => e.event)).toEqual(['job.started', 'step.started', 'step.completed', 'exit.resolved', 'job.completed']);
    const ids = evs.map((e) => e.event_id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(evs[1]).toMatchObject({ job_id: r.jobId, step: 'a', data: { step: 'a', attempt: 1 }, metadata: { sys: { depth: 0 }, app: {} } });
    expect(evs[3]!.data).toEqual({ step: 'a', rule: 'implicit_advance', action: 'advance' });
    expect(evs[1]!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT.*\+00:00$/);
    await r.sw.close();
  });
});
