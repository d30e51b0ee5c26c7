/** for_each, sub-flows, cache and limits: SPEC E-16, E-17, E-18, E-21. */
import { describe, expect, it } from 'vitest';
import { openStepwise } from '../../runtime/index.js';
import { compile, fakeScript, runFlow, tinyFlow, tmpProject } from './helpers.js';

describe('E-16 for_each', () => {
  it('CT-47 on_error continue: failed item becomes an _error entry, results in source order (c11)', async () => {
    const r = await runFlow(
      `
name: fe
steps:
  src: { run: '{"items": [1, 2, 3]}', outputs: [items] }
  each:
    for_each: src.items
    as: n
    on_error: continue
    outputs: [results]
    flow:
      steps:
        work: { run: 'x', inputs: { n: $job.n }, outputs: [r] }
`,
      {
        handlers: {
          work: async (inv) => {
            const n = inv.inputs.n as number;
            await new Promise((res) => setTimeout(res, (4 - n) * 5));
            return n === 2 ? { kind: 'failed', error: 'bad', category: null } : { r: n };
          },
        },
      },
    );
    expect(r.outcome.status).toBe('completed');
    const [out] = r.sw.store.terminalOutputs(r.jobId) as { results: unknown[] }[];
    expect(out!.results[0]).toEqual({ r: 1 });
    expect(out!.results[1]).toEqual({ _error: expect.stringMatching(/^Sub-job job-[0-9a-f]{8} failed$/) });
    expect(out!.results[2]).toEqual({ r: 3 });
    const started = r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'for_each.started')!;
    expect(started.data).toMatchObject({ step: 'each', item_count: 3 });
    const subs = r.sw.store.listJobs({}).filter((j) => j.parentJobId === r.jobId);
    expect(subs).toHaveLength(3);
    expect(subs.every((j) => j.metadata.sys.parent_job_id === r.jobId && j.metadata.sys.depth === 1)).toBe(true);
    await r.sw.close();
  });

  it('E-16.2 an empty list completes at once with results [] (c12)', async () => {
    const r = await runFlow(`
name: empty
steps:
  src: { run: '{"items": []}', outputs: [items] }
  each:
    for_each: src.items
    outputs: [results]
    flow:
      steps:
        work: { run: '{"r": 1}', inputs: { item: $job.item }, outputs: [r] }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ results: [] }]);
    await r.sw.close();
  });

  it('CT-48 all items failing with continue → "All 3 sub-jobs failed", halt', async () => {
    const r = await runFlow(`
name: allfail
steps:
  src: { run: '{"items": [1, 2, 3]}', outputs: [items] }
  each:
    for_each: src.items
    on_error: continue
    outputs: [results]
    flow:
      steps:
        work: { run: 'fail: no', inputs: { item: $job.item }, outputs: [r] }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId).error).toBe('All 3 sub-jobs failed');
    await r.sw.close();
  });

  it('CT-49 fail_fast: the first failure fails the step "For-each item <i> failed"', async () => {
    const r = await runFlow(`
name: ff
steps:
  src: { run: '{"items": [1, 2]}', outputs: [items] }
  each:
    for_each: src.items
    outputs: [results]
    flow:
      steps:
        work: { run: 'fail: no', inputs: { item: $job.item }, outputs: [r] }
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId).error).toMatch(/^For-each item \d failed$/);
    await r.sw.close();
  });

  it('CT-50 a JSON-string list is iterated; an object source fails "is not a list (got dict)"', async () => {
    const ok = await runFlow(`
name: strlist
steps:
  src: { run: '{"items": "[1, 2]"}', outputs: [items] }
  each:
    for_each: src.items
    outputs: [results]
    flow:
      steps:
        work: { run: '{"r": 1}', inputs: { item: $job.item }, outputs: [r] }
`);
    expect(ok.sw.store.terminalOutputs(ok.jobId)).toEqual([{ results: [{ r: 1 }, { r: 1 }] }]);
    await ok.sw.close();
    const bad = await runFlow(`
name: objlist
steps:
  src: { run: '{"items": {"a": 1}}', outputs: [items] }
  each:
    for_each: src.items
    outputs: [results]
    flow:
      steps:
        work: { run: '{"r": 1}', inputs: { item: $job.item }, outputs: [r] }
`);
    expect(bad.outcome.status).toBe('failed');
    expect(bad.sw.store.failureInfo(bad.jobId).error).toContain('is not a list (got dict)');
    await bad.sw.close();
  });
});

describe('E-17 sub-flows', () => {
  it('CT-52 the parent artifact is the merged terminal outputs; a failing sub-job halts the parent', async () => {
    const r = await runFlow(`
name: parent
steps:
  a: { run: '{"word": "hello"}', outputs: [word] }
  shout:
    flow:
      steps:
        up: { run: '{"loud": "HELLO"}', inputs: { word: $job.word }, outputs: [loud] }
    inputs: { word: a.word }
    outputs: [loud]
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ loud: 'HELLO' }]);
    const sub = r.sw.store.listJobs({}).find((j) => j.parentJobId === r.jobId)!;
    expect(sub.inputs).toEqual({ word: 'hello' });
    expect(r.events()).toContain('step.delegated');
    await r.sw.close();

    const f = await runFlow(`
name: parentfail
steps:
  shout:
    flow:
      steps:
        up: { run: 'fail: inner', outputs: [loud] }
    outputs: [loud]
    on_error: continue
`);
    expect(f.outcome.status).toBe('failed');
    expect(f.sw.store.failureInfo(f.jobId).error).toBe("Sub-job failed: step 'up': inner");
    await f.sw.close();
  });
});

describe('E-18 cache', () => {
  it('CT-58 a cached step run twice with identical inputs is served from cache; other inputs miss', async () => {
    const dir = tmpProject();
    const log: string[] = [];
    const sw = openStepwise({ projectDir: dir, executors: { script: fakeScript({}, log) } });
    const flow = compile(`
name: cached
steps:
  a: { run: '{"x": 1}', inputs: { t: $job.t }, outputs: [x], cache: true }
`);
    const runOnce = async (t: string) => {
      const job = sw.createJob(flow, { inputs: { t } });
      sw.startJob(job.id);
      expect((await sw.waitForJob(job.id)).status).toBe('completed');
      return job.id;
    };
    await runOnce('one');
    const second = await runOnce('one');
    expect(log).toEqual(['a']);
    const run = sw.store.listRuns(second, 'a')[0]!;
    expect(run.executorState?.from_cache).toBe(true);
    expect(run.artifact).toEqual({ x: 1 });
    expect(sw.store.listEvents({ jobId: second }).find((e) => e.event === 'step.completed')!.data.from_cache).toBe(true);
    await runOnce('two');
    expect(log).toEqual(['a', 'a']);
    await sw.close();
  });
});

describe('E-21 / D-4 limits', () => {
  it('max_duration_minutes is a durable timer: the run fails category timeout', async () => {
    const r = await runFlow(
      `
name: slow
steps:
  a: { run: 'x', outputs: [x], limits: { max_duration_minutes: 0.001 } }
`,
      {
        handlers: {
          a: (inv) =>
            new Promise((res) => {
              const t = setTimeout(() => res({ x: 1 }), 5000);
              inv.ctx.signal.addEventListener('abort', () => {
                clearTimeout(t);
                res({ kind: 'failed', error: 'aborted', category: null });
              });
            }),
        },
      },
    );
    expect(r.outcome.status).toBe('failed');
    const run = r.runs('a')[0]!;
    expect(run.errorCategory).toBe('timeout');
    expect(run.error).toMatch(/^Duration limit exceeded: \d+\.\dm > 0\.001m$/);
    expect(r.events()).toContain('step.limit_exceeded');
    await r.sw.close();
  });

  it('an executor type that is not built yet fails the run with a clear error', async () => {
    const base = tinyFlow();
    const flow = { ...base, hash: 'unbuilt-type', steps: [{ ...base.steps[0]!, executor: { type: 'quantum', config: {} } }] };
    const r = await runFlow(flow);
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId).error).toBe("executor type 'quantum' is not available yet in this version");
    await r.sw.close();
  });
});

describe('E-16.4 / E-14.2 sub-job cancellation', () => {
  const FE = `
name: ffslow
steps:
  src: { run: '{"items": [0, 1, 2]}', outputs: [items] }
  each:
    for_each: src.items
    outputs: [results]
    flow:
      steps:
        work: { run: x, inputs: { item: $job.item }, outputs: [r] }
`;
  const slowUnlessZero = {
    work: (inv: { inputs: Record<string, unknown>; ctx: { signal: AbortSignal } }) =>
      inv.inputs.item === 0
        ? { kind: 'failed' as const, error: 'zero', category: null }
        : new Promise<Record<string, unknown>>((res) => {
            const t = setTimeout(() => res({ r: 1 }), 5000);
            inv.ctx.signal.addEventListener('abort', () => {
              clearTimeout(t);
              res({ kind: 'failed', error: 'aborted', category: null });
            });
          }),
  };
  it('fail_fast cancels the running siblings; the step fails with the failing item', async () => {
    const r = await runFlow(FE, { handlers: slowUnlessZero as never });
    expect(r.outcome.status).toBe('failed');
    expect(r.sw.store.failureInfo(r.jobId)).toEqual({ error: 'For-each item 0 failed', failedStep: 'each' });
    const subs = r.sw.store.listJobs({}).filter((j) => j.parentJobId === r.jobId);
    expect(subs.map((j) => j.status).sort()).toEqual(['cancelled', 'cancelled', 'failed']);
    expect(r.runs('each').map((x) => x.status)).toEqual(['failed']);
    await r.sw.close();
  });
  it('cancelling the parent cancels its sub-jobs recursively', async () => {
    const dir = tmpProject();
    const sw = openStepwise({ projectDir: dir, executors: { script: fakeScript({ work: slowUnlessZero.work as never }) } });
    const job = sw.createJob(compile(FE.replace('[0, 1, 2]', '[1, 2]')), { inputs: {} });
    sw.startJob(job.id);
    for (let i = 0; i < 200 && sw.store.listJobs({}).filter((j) => j.parentJobId === job.id).length < 2; i++) await new Promise((res) => setTimeout(res, 5));
    sw.cancelJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('cancelled');
    const subs = sw.store.listJobs({}).filter((j) => j.parentJobId === job.id);
    expect(subs.map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    expect(sw.store.listRuns(job.id, 'each')[0]).toMatchObject({ status: 'cancelled', error: 'Job cancelled' });
    await sw.close();
  });
});

describe('E-17.1 / D-5 a paused sub-flow', () => {
  it('pauses the parent (reason sub_job_paused); resuming the parent resumes the sub-job', async () => {
    const r = await runFlow(`
name: subpause
steps:
  inner:
    flow:
      steps:
        ask:
          run: '{"ok": 1}'
          outputs: [ok]
          exits:
            - { name: human, when: "True", action: escalate }
    outputs: [ok]
`);
    expect(r.outcome.status).toBe('paused');
    expect(r.sw.store.pauseInfo(r.jobId)).toEqual({ reason: 'sub_job_paused', step: 'inner', rule: 'escalated' });
    r.sw.resumeJob(r.jobId);
    expect((await r.sw.waitForJob(r.jobId)).status).toBe('completed');
    expect(r.sw.store.terminalOutputs(r.jobId)).toEqual([{ ok: 1 }]);
    await r.sw.close();
  });
});

describe('E-21 cost limit', () => {
  it('a run reporting more cost than limits.max_cost_usd fails with category cost_limit', async () => {
    const r = await runFlow(
      `
name: costly
steps:
  a: { run: x, outputs: [x], limits: { max_cost_usd: 0.5 } }
`,
      { handlers: { a: () => ({ kind: 'data', artifact: { x: 1 }, meta: { cost_usd: 0.75 } }) } },
    );
    expect(r.outcome.status).toBe('failed');
    expect(r.runs('a')[0]).toMatchObject({ status: 'failed', errorCategory: 'cost_limit', error: 'Cost limit exceeded: $0.75 > $0.5' });
    const ev = r.sw.store.listEvents({ jobId: r.jobId }).find((e) => e.event === 'step.limit_exceeded')!;
    expect(ev.data).toEqual({ step: 'a', limit_type: 'cost', limit_value: 0.5, actual_value: 0.75 });
    await r.sw.close();
  });
});
