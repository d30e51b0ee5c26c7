/** Control operations (E-14), recovery and ownership (D-R2, D-R3, E-23). */
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../runtime/executors/types.js';
import { openStepwise } from '../../runtime/index.js';
import { compile, fakeScript, tmpProject } from './helpers.js';

const CHAIN = `
name: chain3
steps:
  a: { run: '{"x": 1}', outputs: [x] }
  b: { run: '{"y": 2}', inputs: { x: a.x }, outputs: [y] }
  c: { run: '{"z": 3}', inputs: { y: b.y }, outputs: [z] }
`;

/** An executor whose `b` step blocks until aborted or released. */
function gate(): { exec: Executor; release: () => void; started: Promise<void> } {
  let release = (): void => undefined;
  let markStarted = (): void => undefined;
  const started = new Promise<void>((r) => (markStarted = r));
  const released = new Promise<void>((r) => (release = r));
  const inner = fakeScript();
  const exec: Executor = {
    type: 'script',
    async start(inv) {
      if (inv.ctx.stepName !== 'b') return inner.start(inv);
      markStarted();
      const aborted = new Promise<'aborted'>((r) => inv.ctx.signal.addEventListener('abort', () => r('aborted')));
      const how = await Promise.race([released.then(() => 'ok' as const), aborted]);
      return how === 'ok' ? { kind: 'data', artifact: { y: 2 } } : { kind: 'failed', error: 'aborted', category: null };
    },
  };
  return { exec, release: () => release(), started };
}

describe('E-14 control operations', () => {
  it('CT-60 pause mid-run suspends the run; resume cancels it and starts a new attempt', async () => {
    const g = gate();
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: g.exec } });
    const job = sw.createJob(compile(CHAIN), { inputs: {} });
    sw.startJob(job.id);
    await g.started;
    sw.pauseJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('paused');
    expect(sw.store.listRuns(job.id, 'b').map((r) => r.status)).toEqual(['suspended']);
    g.release();
    sw.resumeJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    const b = sw.store.listRuns(job.id, 'b');
    expect(b.map((r) => r.status)).toEqual(['cancelled', 'completed']);
    expect(b[0]!.error).toBe('Paused and restarted on resume');
    const evs = sw.store.listEvents({ jobId: job.id }).map((e) => e.event);
    expect(evs).toContain('job.paused');
    expect(evs).toContain('job.resumed');
    await sw.close();
  });

  it('D-11 / CT-61 cancel mid-run: runs cancelled "Job cancelled", job cancelled with job.cancelled', async () => {
    const g = gate();
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: g.exec } });
    const job = sw.createJob(compile(CHAIN), { inputs: {} });
    sw.startJob(job.id);
    await g.started;
    sw.cancelJob(job.id);
    const out = await sw.waitForJob(job.id);
    expect(out.status).toBe('cancelled');
    expect(sw.store.listRuns(job.id, 'b')[0]).toMatchObject({ status: 'cancelled', error: 'Job cancelled' });
    expect(sw.store.listEvents({ jobId: job.id }).map((e) => e.event)).toContain('job.cancelled');
    expect(sw.store.failureInfo(job.id).error).toBe('Job cancelled');
    await sw.close();
  });

  it('E-14.3 / CT-59 rerun an upstream step after completion: downstream re-runs, second job.completed', async () => {
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: fakeScript() } });
    const job = sw.createJob(compile(CHAIN), { inputs: {} });
    sw.startJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    sw.rerunStep(job.id, 'a');
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    for (const s of ['a', 'b', 'c']) expect(sw.store.listRuns(job.id, s)).toHaveLength(2);
    const evs = sw.store.listEvents({ jobId: job.id }).map((e) => e.event);
    expect(evs.filter((e) => e === 'job.completed')).toHaveLength(2);
    expect(evs).toContain('external.rerun');
    expect(() => sw.rerunStep(job.id, 'nope')).toThrow(/unknown step 'nope'/);
    await sw.close();
  });

  it('E-14.1 resuming a failed job relaunches its failed step', async () => {
    let calls = 0;
    const sw = openStepwise({
      projectDir: tmpProject(),
      executors: { script: fakeScript({ b: () => (++calls === 1 ? { kind: 'failed', error: 'once', category: null } : { y: 2 }) }) },
    });
    const job = sw.createJob(compile(CHAIN), { inputs: {} });
    sw.startJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('failed');
    sw.resumeJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    expect(sw.store.listRuns(job.id, 'b').map((r) => r.status)).toEqual(['failed', 'completed']);
    await sw.close();
  });
});

describe('D-R2 kill safety and recovery', () => {
  it('close mid-run, reopen + recover: the job finishes, no completed step twice, event ids contiguous', async () => {
    const dir = tmpProject();
    const g = gate();
    const sw1 = openStepwise({ projectDir: dir, executors: { script: g.exec } });
    const job = sw1.createJob(compile(CHAIN), { inputs: {} });
    sw1.startJob(job.id);
    await g.started;
    await sw1.close();

    const sw2 = openStepwise({ projectDir: dir, executors: { script: fakeScript() } });
    expect(sw2.store.getJob(job.id)!.status).toBe('running');
    const { jobsResumed } = await sw2.recover();
    expect(jobsResumed).toEqual([job.id]);
    expect((await sw2.waitForJob(job.id)).status).toBe('completed');
    const runs = sw2.store.listRuns(job.id);
    for (const s of ['a', 'b', 'c']) expect(runs.filter((r) => r.stepName === s && r.status === 'completed')).toHaveLength(1);
    // The interrupted attempt re-ran in place: same run row, same attempt number.
    expect(runs.filter((r) => r.stepName === 'b').map((r) => [r.status, r.attempt])).toEqual([['completed', 1]]);
    expect(runs.find((r) => r.stepName === 'b')!.executorState?.restarts).toBe(1);
    const ids = sw2.store.listEvents({}).map((e) => e.event_id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(sw2.store.getJob(job.id)!.createdBy).toBe(`cli:${process.pid}`);
    await sw2.close();
  });

  it('D-R6 / E-7.2 interrupted attempts found on adoption restart within the caps, each in its own row', async () => {
    const FAN = `
name: fan3
steps:
  p: { run: x, outputs: [v] }
  q: { run: x, outputs: [v] }
  r: { run: x, outputs: [v] }
`;
    const dir = tmpProject();
    let started = 0;
    let allStarted = (): void => undefined;
    const all = new Promise<void>((r) => (allStarted = r));
    const never: Executor = {
      type: 'script',
      start: (inv) => {
        if (++started === 3) allStarted();
        return new Promise((r) => inv.ctx.signal.addEventListener('abort', () => r({ kind: 'failed', error: 'aborted', category: null })));
      },
    };
    const sw1 = openStepwise({ projectDir: dir, executors: { script: never } });
    const jobId = sw1.createJob(compile(FAN), { inputs: {} }).id;
    sw1.startJob(jobId);
    await all;
    await sw1.close(); // the three attempts are left `running`, with no child: a crash as far as rows go

    let inFlight = 0;
    let max = 0;
    const counting: Executor = {
      type: 'script',
      async start() {
        max = Math.max(max, ++inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        return { kind: 'data', artifact: { v: 1 } };
      },
    };
    const sw2 = openStepwise({ projectDir: dir, executors: { script: counting }, executorCaps: { script: 1 } });
    await sw2.recover();
    expect((await sw2.waitForJob(jobId)).status).toBe('completed');
    expect(max).toBe(1);
    const runs = sw2.store.listRuns(jobId);
    expect(runs.map((r) => [r.stepName, r.status, r.attempt, r.executorState?.restarts])).toEqual([
      ['p', 'completed', 1, 1],
      ['q', 'completed', 1, 1],
      ['r', 'completed', 1, 1],
    ]);
    expect(sw2.store.listEvents({ jobId }).filter((e) => e.event === 'step.throttled').length).toBe(2);
    await sw2.close();
  });

  it('D-R2 / D-5 a non_retriable attempt found unfinished fails `interrupted` and pauses the job', async () => {
    const dir = tmpProject();
    const g = gate();
    const flow = compile(CHAIN.replace("b: { run: '{\"y\": 2}',", "b: { run: '{\"y\": 2}', idempotency: non_retriable,"));
    const sw1 = openStepwise({ projectDir: dir, executors: { script: g.exec } });
    const job = sw1.createJob(flow, { inputs: {} });
    sw1.startJob(job.id);
    await g.started;
    await sw1.close();
    const sw2 = openStepwise({ projectDir: dir, executors: { script: fakeScript() } });
    await sw2.recover();
    const out = await sw2.waitForJob(job.id);
    expect(out.status).toBe('paused');
    expect(sw2.store.listRuns(job.id, 'b')[0]).toMatchObject({ status: 'failed', errorCategory: 'interrupted' });
    expect(sw2.store.pauseInfo(job.id)).toEqual({ reason: 'interrupted', step: 'b' });
    await sw2.close();
  });

  it('resume in a new process adopts a paused job whose owner is gone (stepwise resume --wait)', async () => {
    const dir = tmpProject();
    const flow = compile(`
name: esc
steps:
  a:
    run: '{"x": 1}'
    outputs: [x]
    exits:
      - { name: human, when: "outputs.x == 1", action: escalate }
  b: { run: '{"y": 1}', inputs: { x: a.x }, outputs: [y] }
`);
    const sw1 = openStepwise({ projectDir: dir, executors: { script: fakeScript() } });
    const job = sw1.createJob(flow, { inputs: {} });
    sw1.startJob(job.id);
    expect((await sw1.waitForJob(job.id)).status).toBe('paused');
    await sw1.close();
    const sw2 = openStepwise({ projectDir: dir, executors: { script: fakeScript() }, owner: 'cli:second' });
    sw2.resumeJob(job.id);
    expect((await sw2.waitForJob(job.id)).status).toBe('completed');
    expect(sw2.store.getJob(job.id)!.createdBy).toBe('cli:second');
    await sw2.close();
  });

  it('a job owned by another live instance is controlled through job_commands', async () => {
    const dir = tmpProject();
    const g = gate();
    const owner = openStepwise({ projectDir: dir, executors: { script: g.exec }, owner: 'server' });
    const other = openStepwise({ projectDir: dir, executors: { script: fakeScript() }, owner: 'cli:other' });
    const job = owner.createJob(compile(CHAIN), { inputs: {} });
    owner.startJob(job.id);
    await g.started;
    other.cancelJob(job.id);
    expect((await other.waitForJob(job.id)).status).toBe('cancelled');
    expect(owner.store.getJob(job.id)!.createdBy).toBe('server');
    await other.close();
    await owner.close();
  });
});

describe('E-14 refusals are errors the CLI can show', () => {
  it('pause of a completed job, resume of a running job, cancel of a cancelled job throw with the reason', async () => {
    const g = gate();
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: g.exec } });
    const job = sw.createJob(compile(CHAIN), { inputs: {} });
    sw.startJob(job.id);
    await g.started;
    expect(() => sw.resumeJob(job.id)).toThrow(`Cannot resume job ${job.id}: it is running`);
    sw.cancelJob(job.id);
    expect(() => sw.cancelJob(job.id)).toThrow('is already cancelled');
    expect(() => sw.pauseJob(job.id)).toThrow(`Cannot pause job ${job.id}: it is cancelled`);
    expect(() => sw.pauseJob('job-00000000')).toThrow('Job not found: job-00000000');
    await sw.close();
  });
});

describe('D-14 an engine error never leaves a job hanging', () => {
  it('an input whose handling throws rolls back, and the job fails saying why', async () => {
    const sw = openStepwise({
      projectDir: tmpProject(),
      executors: { script: fakeScript({ b: () => ({ y: 10n as unknown as number }) }) },
    });
    const job = sw.createJob(compile(CHAIN), { inputs: {} });
    sw.startJob(job.id);
    const out = await sw.waitForJob(job.id);
    expect(out.status).toBe('failed');
    expect(sw.store.failureInfo(job.id).error).toMatch(/^Internal engine error: .*BigInt/);
    expect(sw.store.listRuns(job.id, 'b')[0]!.status).toBe('cancelled');
    await sw.close();
  });
});
