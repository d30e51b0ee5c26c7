/** Exit rules, loops and failures through the engine: SPEC E-9, E-10, E-11, D-14. */
import { describe, expect, it } from 'vitest';
import { runFlow } from './helpers.js';

describe('E-9 exit rules', () => {
  it('E-10.1 / E-10.3 self loop until an advance rule fires; attempt counts runs (c04)', async () => {
    const r = await runFlow(`
name: self
steps:
  gen:
    run: '{"n": $attempt}'
    outputs: [n]
    exits:
      - { name: enough, when: "attempt >= 3", action: advance }
      - { name: again, when: "True", action: loop, target: gen }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('gen').map((x) => x.artifact)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ n: 3 }]);
    expect(r.events().filter((e) => e === 'loop.iteration')).toHaveLength(2);
    await r.sw.close();
  });

  it('E-9.3 / CT-17 explicit advance rules that all miss fail the step: completed then failed (c08)', async () => {
    const r = await runFlow(`
name: nomatch
steps:
  a:
    run: '{"v": 42}'
    outputs: [v]
    exits:
      - { name: hundred, when: "outputs.v == 100", action: advance }
`);
    expect(r.outcome.status).toBe('failed');
    const info = r.sw.store.failureInfo(r.jobId);
    expect(info.error).toBe("No exit rule matched for step 'a' (artifact: ['v'])");
    expect(info.failedStep).toBe('a');
    const evs = r.events();
    expect(evs.indexOf('step.completed')).toBeLessThan(evs.indexOf('step.failed'));
    await r.sw.close();
  });

  it('CT-18 only loop/escalate rules that miss → implicit advance', async () => {
    const r = await runFlow(`
name: fall
steps:
  a:
    run: '{"v": 42}'
    outputs: [v]
    exits:
      - { name: l, when: "outputs.v == 0", action: loop, target: a }
      - { name: e, when: "outputs.v == -1", action: escalate }
`);
    expect(r.outcome.status).toBe('completed');
    await r.sw.close();
  });

  it('X-1 / CT-20 an exit rule whose evaluation errors is skipped; the next one fires', async () => {
    const r = await runFlow(`
name: everr
steps:
  a:
    run: '{"score": null}'
    outputs: [score]
    exits:
      - { name: bad, when: "outputs.score >= 4", action: advance }
      - { name: ok, when: "True", action: advance }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'exit.resolved')!.data.rule).toBe('ok');
    await r.sw.close();
  });

  it('D-4 / CT-22 max_attempts is limits.max_iterations or null', async () => {
    const r = await runFlow(`
name: maxatt
steps:
  a:
    run: '{"v": 1}'
    outputs: [v]
    exits:
      - { name: none, when: "max_attempts is None", action: advance }
`);
    expect(r.outcome.status).toBe('completed');
    await r.sw.close();
  });

  it('E-9.2 / D-5 escalate pauses; resume continues downstream (c09)', async () => {
    const r = await runFlow(`
name: esc
steps:
  a:
    run: '{"x": 1}'
    outputs: [x]
    exits:
      - { name: needs-human, when: "outputs.x == 1", action: escalate }
  b: { run: '{"y": 1}', inputs: { x: a.x }, outputs: [y] }
`);
    expect(r.outcome.status).toBe('paused');
    expect(r.sw.store.pauseInfo(r.jobId)).toEqual({ reason: 'escalated', step: 'a', rule: 'needs-human' });
    expect(r.runs('b')).toHaveLength(0);
    r.sw.resumeJob(r.jobId);
    const again = await r.sw.waitForJob(r.jobId);
    expect(again.status).toBe('completed');
    expect(r.runs('a')).toHaveLength(1);
    expect(r.runs('b')).toHaveLength(1);
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ y: 1 }]);
    await r.sw.close();
  });

  it('E-9.2 / D-14 abandon fails the job at once with a reason (c10)', async () => {
    const r = await runFlow(`
name: abandon
steps:
  a:
    run: '{"ok": false}'
    outputs: [ok]
    exits:
      - { name: give-up, when: "not outputs.ok", action: abandon }
  b: { run: '{"done": true}', inputs: { ok: a.ok }, outputs: [done] }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId).error).toBe('abandoned by exit rule give-up of step a');
    expect(r.runs('a').map((x) => x.status)).toEqual(['completed']);
    expect(r.runs('b').map((x) => x.status)).toEqual(['skipped']);
    const failed = r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'job.failed')!;
    expect(failed.data).toEqual({ reason: 'abandoned', step: 'a', rule: 'give-up' });
    await r.sw.close();
  });
});

describe('E-10 loops', () => {
  it('E-6 / CT-28 a loop to an ancestor re-runs the body with fresh data (c05)', async () => {
    const r = await runFlow(`
name: cascade
steps:
  a: { run: '{"k": $attempt}', outputs: [k] }
  b: { run: '{"bk": 1}', inputs: { k: a.k }, outputs: [bk] }
  c: { run: '{"ck": 1}', inputs: { k: a.k }, outputs: [ck] }
  d:
    run: '{"sum": $attempt}'
    inputs: { x: b.bk, y: c.ck }
    outputs: [sum]
    exits:
      - { name: done, when: "attempt >= 2", action: advance }
      - { name: redo, when: "True", action: loop, target: a }
`);
    expect(r.outcome.status).toBe('completed');
    for (const s of ['a', 'b', 'c', 'd']) expect(r.runs(s)).toHaveLength(2);
    expect(r.runs('b')[1]!.depRunIds.a).toBe(r.runs('a')[1]!.id);
    expect(r.runs('d')[1]!.depRunIds).toEqual({ b: r.runs('b')[1]!.id, c: r.runs('c')[1]!.id });
    await r.sw.close();
  });

  it('CT-29 a step after a loop runs once, after the loop settles, with the final data (c06)', async () => {
    const r = await runFlow(`
name: publish
steps:
  draft: { run: '{"content": "v$attempt"}', outputs: [content] }
  review:
    run: '{"score": $attempt}'
    inputs: { content: draft.content }
    outputs: [score]
    exits:
      - { name: good, when: "outputs.score >= 3", action: advance }
      - { name: revise, when: "True", action: loop, target: draft }
  publish: { run: '{"published": 1}', inputs: { c: draft.content }, after: [review], outputs: [published] }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('draft')).toHaveLength(3);
    expect(r.runs('review')).toHaveLength(3);
    expect(r.runs('publish')).toHaveLength(1);
    expect(r.runs('publish')[0]!.inputs).toEqual({ c: 'v3' });
    await r.sw.close();
  });

  it('E-4.4 / CT-30 an optional loop-back binding is absent on the first pass, then carries the last iteration (c07)', async () => {
    const r = await runFlow(`
name: loopback
steps:
  analyze:
    run: '{"text": "t"}'
    inputs:
      prev: { from: critique.note, optional: true }
    outputs: [text]
  critique:
    run: '{"note": "n$attempt"}'
    inputs: { text: analyze.text }
    outputs: [note]
    exits:
      - { name: done, when: "attempt >= 3", action: advance }
      - { name: again, when: "True", action: loop, target: analyze, max_iterations: 5 }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('analyze').map((x) => x.inputs)).toEqual([{}, { prev: 'n1' }, { prev: 'n2' }]);
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ note: 'n3' }]);
    await r.sw.close();
  });

  it('E-10.1 / CT-26 max_iterations reached → loop.max_reached and job paused (c33)', async () => {
    const r = await runFlow(`
name: spin
steps:
  spin:
    run: '{"x": 1}'
    outputs: [x]
    exits:
      - { name: again, when: "True", action: loop, target: spin, max_iterations: 3 }
`);
    expect(r.outcome.status).toBe('paused');
    expect(r.runs('spin')).toHaveLength(3);
    expect(r.sw.store.pauseInfo(r.jobId)).toEqual({ reason: 'max_iterations_reached', step: 'spin', target: 'spin' });
    const max = r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'loop.max_reached')!;
    expect(max.data).toEqual({ step: 'spin', target: 'spin', completed_count: 3, max_iterations: 3 });
    await r.sw.close();
  });
});

describe('E-11 failures', () => {
  it('EX-1.4 / CT-06 a failing step halts the job with its error (c20)', async () => {
    const r = await runFlow(`
name: fail
steps:
  a: { run: 'fail: boom', outputs: [x] }
  b: { run: '{"y": 1}', inputs: { x: a.x }, outputs: [y] }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId)).toEqual({ error: 'boom', failedStep: 'a' });
    expect(r.runs('b')[0]!.status).toBe('skipped');
    const f = r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'job.failed')!;
    expect(f.data).toEqual({ reason: 'step_failed', step: 'a', error: 'boom' });
    await r.sw.close();
  });

  it('E-8.3 / CT-05 missing declared outputs halt even with on_error continue (c19)', async () => {
    const r = await runFlow(`
name: missing
steps:
  a: { run: '{"q": 1}', outputs: [x], on_error: continue }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId).error).toBe("artifact missing declared outputs: ['x'] (got: ['q'])");
    await r.sw.close();
  });

  it('E-11.3 / CT-35 failing step with advance-on-True retries until the circuit breaker', async () => {
    const r = await runFlow(`
name: breaker
steps:
  a:
    run: 'fail: Exit code 3'
    outputs: [x]
    exits:
      - { name: go, when: "True", action: advance }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.runs('a')).toHaveLength(3);
    expect(r.sw.store.failureInfo(r.jobId).error).toBe("Step 'a' failed after 3 consecutive failures (last: Exit code 3)");
    await r.sw.close();
  });

  it('E-11.4 / CT-37 failure-path loop with max_infra_retries 0 fails after max_iterations total runs', async () => {
    const r = await runFlow(`
name: failloop
steps:
  a:
    run: 'fail: nope'
    outputs: [x]
    limits: { max_infra_retries: 0 }
    exits:
      - { name: again, when: "True", action: loop, target: a, max_iterations: 4 }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.runs('a').map((x) => x.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    await r.sw.close();
  });

  it('E-11.2 / CT-38 a permanent category halts at once, no loop', async () => {
    const r = await runFlow(
      `
name: perm
steps:
  a:
    run: 'x'
    outputs: [x]
    exits:
      - { name: again, when: "True", action: loop, target: a, max_iterations: 10 }
`,
      { handlers: { a: () => ({ kind: 'failed', error: '401 Unauthorized', category: 'auth_error' }) } },
    );
    expect(r.outcome.status).toBe('failed');
    expect(r.runs('a')).toHaveLength(1);
    await r.sw.close();
  });

  it('E-8.3 / CT-14 a derived output that errors fails the step and halts, no loop', async () => {
    const r = await runFlow(`
name: derr
steps:
  a:
    run: '{"x": 1}'
    outputs: [x]
    derived_outputs: { y: "x / 0" }
    exits:
      - { name: again, when: "True", action: loop, target: a, max_iterations: 5 }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.runs('a')).toHaveLength(1);
    expect(r.sw.store.failureInfo(r.jobId).error).toMatch(/^Step 'a': Derived output 'y' expression failed: /);
    await r.sw.close();
  });

  it('E-8.3 / CT-13 derived outputs join the artifact before exit rules (c23)', async () => {
    const r = await runFlow(`
name: derived
steps:
  a:
    run: '{"s": {"a": 4, "b": 2}}'
    outputs: [s]
    derived_outputs: { avg: "sum(s.values()) / len(s)" }
    exits:
      - { name: three, when: "outputs.avg == 3", action: advance }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ s: { a: 4, b: 2 }, avg: 3 }]);
    await r.sw.close();
  });

  it('E-12.2 / CT-25 a sole when-false step is skipped and the job completes with no outputs', async () => {
    const r = await runFlow(`
name: noterm
steps:
  a: { run: '{"x": 1}', outputs: [x], when: "False" }
`);
    expect(r.outcome.status).toBe('completed');
    await r.sw.close();
  });

  it('E-11.1 / CT-40 a sole step failing with on_error continue completes with no outputs', async () => {
    const r = await runFlow(`
name: sole
steps:
  a: { run: 'fail: x', outputs: [x], on_error: continue }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([]);
    await r.sw.close();
  });
});

describe('D-4 limits.max_iterations', () => {
  it('a loop target with limits.max_iterations pauses max_iterations_reached like a rule cap', async () => {
    const r = await runFlow(`
name: limitiv
steps:
  spin:
    run: '{"x": 1}'
    outputs: [x]
    limits: { max_iterations: 2 }
    exits:
      - { name: again, when: "True", action: loop, target: spin }
`);
    expect(r.outcome.status).toBe('paused');
    expect(r.runs('spin')).toHaveLength(2);
    expect(r.sw.store.pauseInfo(r.jobId)).toMatchObject({ reason: 'max_iterations_reached' });
    await r.sw.close();
  });
});

describe('E-10.4 nested loop frames', () => {
  it('CT-31 the inner loop-back binding is absent again on the first inner pass of every outer iteration', async () => {
    const r = await runFlow(`
name: nested
steps:
  o1:
    run: '{"v": 1}'
    inputs:
      prev: { from: o2.note, optional: true }
    outputs: [v]
  i1:
    run: '{"m": 1}'
    inputs:
      v: o1.v
      prev: { from: i2.n, optional: true }
    outputs: [m]
  i2:
    run: '{"n": $attempt}'
    inputs: { m: i1.m }
    outputs: [n]
    exits:
      - { name: inner, when: "attempt % 2 == 1", action: loop, target: i1, max_iterations: 10 }
      - { name: out, when: "True", action: advance }
  o2:
    run: '{"note": $attempt}'
    inputs: { n: i2.n }
    outputs: [note]
    exits:
      - { name: done, when: "attempt >= 2", action: advance }
      - { name: outer, when: "True", action: loop, target: o1, max_iterations: 10 }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('i1').map((x) => Object.keys(x.inputs).sort())).toEqual([['v'], ['prev', 'v'], ['v'], ['prev', 'v']]);
    expect(r.runs('o1').map((x) => x.inputs)).toEqual([{}, { prev: 1 }]);
    await r.sw.close();
  });
});

describe('D-4 limits.max_iterations on the looper', () => {
  it('a looper whose own limit is reached pauses instead of looping again', async () => {
    const r = await runFlow(`
name: looperlimit
steps:
  draft: { run: '{"c": 1}', outputs: [c] }
  review:
    run: '{"s": 1}'
    inputs: { c: draft.c }
    outputs: [s]
    limits: { max_iterations: 2 }
    exits:
      - { name: again, when: "True", action: loop, target: draft }
`);
    expect(r.outcome.status).toBe('paused');
    expect(r.runs('review')).toHaveLength(2);
    expect(r.runs('draft')).toHaveLength(2);
    await r.sw.close();
  });
});

describe('E-10.1 / E-14.1 a loop firing while the job is paused', () => {
  it('launches nothing until resume, then launches the target', async () => {
    const r = await runFlow(
      `
name: pausedloop
steps:
  a:
    run: '{"x": 1}'
    outputs: [x]
    exits:
      - { name: human, when: "True", action: escalate }
  b:
    run: x
    outputs: [n]
    exits:
      - { name: again, when: "attempt < 2", action: loop, target: b }
      - { name: done, when: "True", action: advance }
`,
      { handlers: { b: async (inv) => (await new Promise((res) => setTimeout(res, 60)), { n: inv.ctx.attempt }) } },
    );
    expect(r.outcome.status).toBe('paused');
    await new Promise((res) => setTimeout(res, 150));
    expect(r.runs('b').map((x) => x.status)).toEqual(['completed']);
    r.sw.resumeJob(r.jobId);
    expect((await r.sw.waitForJob(r.jobId)).status).toBe('completed');
    expect(r.runs('b').map((x) => x.artifact)).toEqual([{ n: 1 }, { n: 2 }]);
    await r.sw.close();
  });
});
