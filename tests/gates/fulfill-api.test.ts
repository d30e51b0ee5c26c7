/** E-15.1/E-15.2 through the embedded API (`Stepwise.fulfillRun`), incl. forwarding to a live owner. */
import { describe, expect, it } from 'vitest';
import { openStepwise } from '../../runtime/index.js';
import { compile, fakeScript, tmpProject } from '../runtime/helpers.js';
import { waitFor } from '../support/wait.js';

const FLOW = `
name: gate
steps:
  rate:
    executor: external
    prompt: "Rate $topic {{topic}}"
    inputs: { topic: $job.topic }
    outputs:
      score: { type: number, min: 0, max: 10 }
      ok: { type: bool }
    derived_outputs: { half: "score / 2" }
  use:
    run: '{"done": 1}'
    inputs: { h: rate.half }
    outputs: [done]
`;

const until = (cond: () => boolean, ms = 5000): Promise<boolean> => waitFor(cond, ms, 10);

describe('E-15 external steps through the API', () => {
  it('E-15.1 suspends with step.suspended and a Stage B prompt; E-15.2 fulfils with coercion, derived outputs, then continues', async () => {
    const dir = tmpProject();
    const sw = openStepwise({ projectDir: dir, executors: { script: fakeScript() } });
    const job = sw.createJob(compile(FLOW), { inputs: { topic: 'cats' } });
    sw.startJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('suspended');
    const run = sw.store.listRuns(job.id, 'rate')[0]!;
    expect(run.status).toBe('suspended');
    expect(run.watch).toMatchObject({ mode: 'external', config: { prompt: 'Rate cats cats' }, fulfillment_outputs: ['score', 'ok'] });
    const ev = sw.store.listEvents({ jobId: job.id }).find((e) => e.event === 'step.suspended')!;
    expect(ev.data).toEqual({ step: 'rate', run_id: run.id, watch_mode: 'external', prompt: 'Rate cats cats' });

    const bad = await sw.fulfillRun(run.id, { score: 'x' });
    expect(bad).toMatchObject({ status: 'rejected' });
    expect(bad.status === 'rejected' && bad.problems).toEqual([
      "Payload missing required field 'ok' (expected: ['score', 'ok'])",
      "Field 'score': expected a number, got 'x'",
    ]);
    expect(sw.store.getRun(run.id)!.status).toBe('suspended');

    expect(await sw.fulfillRun(run.id, { score: '8', ok: 'yes' })).toEqual({ status: 'fulfilled', run_id: run.id, job_id: job.id });
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    expect(sw.store.getRun(run.id)!.artifact).toEqual({ score: 8, ok: true, half: 4 });
    expect(sw.store.listRuns(job.id, 'use')[0]!.inputs).toEqual({ h: 4 });

    const again = await sw.fulfillRun(run.id, { score: 1, ok: true });
    expect(again).toMatchObject({ status: 'already_fulfilled', run_id: run.id, job_id: job.id, job_status: 'completed' });
    expect(again.status === 'already_fulfilled' && typeof again.fulfilled_at).toBe('string');
    await sw.close();
  });

  it('E-15.2 an unknown run and a non-suspended run are clear rejections', async () => {
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: fakeScript() } });
    const r = await sw.fulfillRun('run-nope', {});
    expect(r).toMatchObject({ status: 'rejected' });
    expect(r.status === 'rejected' && r.error).toMatch(/^Run not found: run-nope/);
    const job = sw.createJob(compile('name: s\nsteps:\n  a: { run: \'{"x": 1}\', outputs: [x] }\n'), { inputs: {} });
    sw.startJob(job.id);
    await sw.waitForJob(job.id);
    const a = sw.store.listRuns(job.id, 'a')[0]!;
    expect(await sw.fulfillRun(a.id, { x: 1 })).toMatchObject({ status: 'rejected', error: `Run ${a.id} is not suspended (status: completed)` });
    await sw.close();
  });

  it('E-15.2 a derived-output error rejects the fulfilment and the run stays suspended', async () => {
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: fakeScript() } });
    const job = sw.createJob(
      compile('name: d\nsteps:\n  ask:\n    executor: external\n    outputs: [n]\n    derived_outputs: { t: "n * 2 + 1" }\n'),
      { inputs: {} },
    );
    sw.startJob(job.id);
    await sw.waitForJob(job.id);
    const run = sw.store.listRuns(job.id, 'ask')[0]!;
    expect(run.watch?.config).toEqual({ prompt: 'Awaiting external input' });
    const r = await sw.fulfillRun(run.id, { n: 'text' });
    expect(r).toMatchObject({ status: 'rejected' });
    expect(r.status === 'rejected' && r.error).toMatch(/Derived output 't'/);
    expect(sw.store.getRun(run.id)!.status).toBe('suspended');
    expect(await sw.fulfillRun(run.id, { n: 2 })).toMatchObject({ status: 'fulfilled' });
    await sw.close();
  });

  it('E-15.2 across owners: a live owner applies a forwarded fulfilment and its reply (or rejection) comes back', async () => {
    const dir = tmpProject();
    const owner = openStepwise({ projectDir: dir, owner: 'cli:owner', executors: { script: fakeScript() } });
    const other = openStepwise({ projectDir: dir, owner: 'cli:other', executors: { script: fakeScript() } });
    const job = owner.createJob(compile(FLOW), { inputs: { topic: 't' } });
    owner.startJob(job.id);
    await owner.waitForJob(job.id);
    const run = owner.store.listRuns(job.id, 'rate')[0]!;
    // The pre-check refuses a bad payload without waking the owner.
    expect(await other.fulfillRun(run.id, { score: 99, ok: true })).toMatchObject({ status: 'rejected', problems: ["Field 'score': value 99 above maximum 10"] });
    expect(await other.fulfillRun(run.id, { score: 4, ok: false })).toEqual({ status: 'fulfilled', run_id: run.id, job_id: job.id });
    await until(() => owner.store.getJob(job.id)!.status === 'completed');
    expect(owner.store.getJob(job.id)!.status).toBe('completed');
    // The owner kept the job: it was never adopted by the other instance.
    expect(owner.store.getJob(job.id)!.createdBy).toBe('cli:owner');
    await other.close();
    await owner.close();
  });

  it('E-15.4 a script printing {"_watch": {mode: "external"}} suspends and is fulfilled like an external step', async () => {
    const sw = openStepwise({
      projectDir: tmpProject(),
      executors: {
        script: fakeScript({
          s: () => ({ kind: 'watch', watch: { mode: 'external', config: { prompt: 'from script' }, fulfillmentOutputs: ['v'] } }),
        }),
      },
    });
    const job = sw.createJob(compile('name: w\nsteps:\n  s: { run: x, outputs: [v] }\n'), { inputs: {} });
    sw.startJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('suspended');
    const run = sw.store.listRuns(job.id, 's')[0]!;
    expect(run.watch).toMatchObject({ mode: 'external', fulfillment_outputs: ['v'], config: { prompt: 'from script' } });
    expect(await sw.fulfillRun(run.id, { v: 1 })).toMatchObject({ status: 'fulfilled' });
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    await sw.close();
  });
});
