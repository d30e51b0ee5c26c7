/** E-15.2 fulfilment path of the engine (the CLI/API callers arrive with issue 4). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../runtime/engine/engine.js';
import { createExecutorHost } from '../../runtime/engine/executor-host.js';
import { Store } from '../../runtime/store/store.js';
import { compile, fakeScript, tmpProject } from './helpers.js';
import { waitFor } from '../support/wait.js';

const until = (cond: () => boolean): Promise<boolean> => waitFor(cond, 2500, 5);

describe('E-15.2 fulfil a suspended run', () => {
  it('derived outputs apply, watch.fulfilled is emitted, the job continues downstream', async () => {
    const dir = tmpProject();
    const store = new Store(join(dir, 'db.sqlite'));
    const watch = () => ({ kind: 'watch' as const, watch: { mode: 'external' as const, config: { prompt: 'ok?' }, fulfillmentOutputs: ['n'] } });
    const engine = new Engine({
      store,
      clock: { now: () => Date.now() },
      owner: 'test',
      projectDir: dir,
      host: createExecutorHost(dir, { script: fakeScript({ ask: watch }) }),
    });
    const flow = compile(`
name: ful
steps:
  ask:
    run: x
    outputs: [n]
    derived_outputs: { twice: "n * 2" }
  use: { run: '{"done": 1}', inputs: { t: ask.twice }, outputs: [done] }
`);
    const rec = engine.handle(() => engine.createJobRecord(flow, { inputs: {} }));
    const job = engine.jobs.get(rec.id)!;
    engine.handle(() => engine.startJob(job));
    await until(() => engine.outcomeOf(job) === 'suspended');
    const run = job.latest('ask')!;
    expect(run.status).toBe('suspended');
    expect(engine.handle(() => engine.fulfill(job, run, { n: null }))).toMatch(/^Step 'ask': Derived output 'twice' expression failed/);
    expect(run.status).toBe('suspended');
    expect(engine.handle(() => engine.fulfill(job, run, { n: 21 }))).toBeNull();
    await until(() => engine.outcomeOf(job) === 'completed');
    expect(job.latest('use')!.inputs).toEqual({ t: 42 });
    expect(store.listEvents({ jobId: job.id }).map((e) => e.event)).toContain('watch.fulfilled');
    expect(engine.handle(() => engine.fulfill(job, run, { n: 1 }))).toBe(`Run ${run.id} is not suspended (status: completed)`);
    engine.close();
    store.close();
  });
});
