/** E-15.3 / EX-2 poll steps through the API with an injected clock (D-R3): timers, checks, restart. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStepwise } from '../../runtime/index.js';
import type { Stepwise } from '../../runtime/types.js';
import { classifyCheckOutput, checkErrorText, runCheck } from '../../runtime/watch/run-check.js';
import { compile, fakeScript, tmpProject } from '../runtime/helpers.js';
import { waitFor } from '../support/wait.js';

const until = (cond: () => boolean, ms = 8000): Promise<boolean> => waitFor(cond, ms, 20);

const clock = () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

const watchOf = (sw: Stepwise, runId: string) => (sw.store.getRun(runId)!.executorState?._watch ?? {}) as Record<string, any>;

const POLL = (check: string) => `
name: p
steps:
  wait:
    executor: poll
    interval_seconds: 60
    check_command: '${check}'
    outputs: [ready]
    derived_outputs: { twice: "ready * 2" }
  after: { run: '{"ok": 1}', inputs: { t: wait.twice }, outputs: [ok] }
`;

describe('EX-2 check outcomes', () => {
  it('stdout: JSON object → ready; empty, non-JSON, non-object → not ready', () => {
    expect(classifyCheckOutput(' {"a": 1}\n')).toEqual({ kind: 'ready', artifact: { a: 1 } });
    for (const s of ['', '  \n', 'not yet', '[1]', '3', '"x"']) expect(classifyCheckOutput(s)).toEqual({ kind: 'not_ready' });
  });
  it('error text: stderr, else the last stdout line, else "command exited with code N", at most 1000 chars', () => {
    expect(checkErrorText(2, 'a\nb\n', ' boom \n')).toBe('boom');
    expect(checkErrorText(2, 'a\nlast\n', '')).toBe('last');
    expect(checkErrorText(3, '', '')).toBe('command exited with code 3');
    expect(checkErrorText(1, '', 'x'.repeat(2000))).toHaveLength(1000);
  });
  it('runs through sh -c in the workspace with JOB_ENGINE_INPUTS; a timeout kills it', async () => {
    const dir = tmpProject();
    const inputsPath = join(dir, 'io', 'in.json');
    const r = await runCheck('printf \'{"cwd": "%s", "in": %s}\' "$(pwd)" "$(cat "$JOB_ENGINE_INPUTS")"', { cwd: dir, inputsPath, inputs: { a: 1 } });
    expect(r).toEqual({ kind: 'ready', artifact: { cwd: dir, in: { a: 1 } } });
    const t = await runCheck('sleep 5; echo "{}"', { cwd: dir, inputsPath, inputs: {}, timeoutMs: 200 });
    expect(t).toEqual({ kind: 'error', error: 'timeout after 0.2s' });
  });
});

describe('E-15.3 poll steps', () => {
  it('first check one interval after suspension, re-armed while not ready, last_error recorded, then fulfilled with derived outputs', async () => {
    const dir = tmpProject();
    const c = clock();
    const sw = openStepwise({ projectDir: dir, clock: c, executors: { script: fakeScript() } });
    // not ready until `go` exists; exits 3 while `fail` exists
    const flow = compile(POLL('if [ -e ../../../fail ]; then echo broken >&2; exit 3; fi; if [ -e ../../../go ]; then echo "{\\"ready\\": 21}"; fi'));
    const job = sw.createJob(flow, { inputs: {} });
    sw.startJob(job.id);
    let settled = false;
    const waiting = sw.waitForJob(job.id).then((o) => ((settled = true), o));
    await until(() => sw.store.listRuns(job.id, 'wait')[0]?.status === 'suspended');
    const run = sw.store.listRuns(job.id, 'wait')[0]!;
    expect(run.watch).toMatchObject({ mode: 'poll', config: { check_command: expect.any(String), interval_seconds: 60 } });
    expect(watchOf(sw, run.id)).toMatchObject({ check_count: 0, next_check_at: '2026-01-01T00:01:00.000Z' });

    c.advance(59_000); // not yet due
    await new Promise((r) => setTimeout(r, 300));
    expect(watchOf(sw, run.id).check_count).toBe(0);

    c.advance(1_000);
    await until(() => watchOf(sw, run.id).check_count === 1);
    expect(watchOf(sw, run.id)).toMatchObject({ check_count: 1, last_error: null, next_check_at: '2026-01-01T00:02:00.000Z' });
    expect(settled).toBe(false); // a pending poll is not 'suspended' to waiters

    writeFileSync(join(dir, '.stepwise', 'fail'), '');
    c.advance(60_000);
    await until(() => watchOf(sw, run.id).check_count === 2);
    expect(watchOf(sw, run.id).last_error).toBe('broken');
    expect(sw.store.getRun(run.id)!.status).toBe('suspended');

    await import('node:fs').then((fs) => fs.rmSync(join(dir, '.stepwise', 'fail')));
    writeFileSync(join(dir, '.stepwise', 'go'), '');
    c.advance(60_000);
    const outcome = await waiting;
    expect(outcome.status).toBe('completed');
    expect(sw.store.getRun(run.id)!.artifact).toEqual({ ready: 21, twice: 42 });
    expect(sw.store.listEvents({ jobId: job.id }).find((e) => e.event === 'watch.fulfilled')!.data).toMatchObject({ mode: 'poll', run_id: run.id });
    await sw.close();
  });

  it('poll-now runs a check at once; a restart (new owner) re-arms the durable timer and polling continues', async () => {
    const dir = tmpProject();
    const c = clock();
    const a = openStepwise({ projectDir: dir, clock: c, owner: 'cli:a', executors: { script: fakeScript() } });
    const job = a.createJob(compile(POLL('if [ -e ../../../go ]; then echo "{\\"ready\\": 1}"; fi')), { inputs: {} });
    a.startJob(job.id);
    await until(() => a.store.listRuns(job.id, 'wait')[0]?.status === 'suspended');
    const run = a.store.listRuns(job.id, 'wait')[0]!;
    expect(await a.pollNow(run.id)).toEqual({ status: 'started', run_id: run.id, job_id: job.id });
    await until(() => watchOf(a, run.id).check_count === 1);
    expect(a.store.getRun(run.id)!.status).toBe('suspended');
    await a.close(); // the owner goes away with the timer row still in the table

    writeFileSync(join(dir, '.stepwise', 'go'), '');
    const b = openStepwise({ projectDir: dir, clock: c, owner: 'cli:b', executors: { script: fakeScript() } });
    const done = b.waitForJob(job.id); // adopts the job (owner released it), re-arms the poll timer
    c.advance(61_000);
    expect((await done).status).toBe('completed');
    expect(watchOf(b, run.id).check_count).toBe(2);
    expect(existsSync(join(dir, '.stepwise', 'go'))).toBe(true);
    expect(await b.pollNow(run.id)).toMatchObject({ status: 'rejected', error: `Run ${run.id} is not a suspended poll step (status: completed)` });
    await b.close();
  });

  it('cancelling a job while its check runs kills the check and leaves no timer row behind', async () => {
    const dir = tmpProject();
    const c = clock();
    const sw = openStepwise({ projectDir: dir, clock: c, executors: { script: fakeScript() } });
    const job = sw.createJob(compile(POLL('echo started > ../../../began; sleep 30')), { inputs: {} });
    sw.startJob(job.id);
    await until(() => sw.store.listRuns(job.id, 'wait')[0]?.status === 'suspended');
    c.advance(60_000);
    await until(() => existsSync(join(dir, '.stepwise', 'began')));
    const t0 = Date.now();
    sw.cancelJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(5000);
    const db = new Database(join(dir, '.stepwise', 'stepwise.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM timers WHERE job_id = ?').get(job.id)).toEqual({ n: 0 });
    db.close();
    await sw.close();
  });

  it('E-15.4 a script printing {"_watch": {mode: "poll"}} polls its check_command', async () => {
    const dir = tmpProject();
    const c = clock();
    const sw = openStepwise({
      projectDir: dir,
      clock: c,
      executors: {
        script: fakeScript({
          s: () => ({ kind: 'watch', watch: { mode: 'poll', config: { check_command: 'echo \'{"v": 5}\'', interval_seconds: 10 }, fulfillmentOutputs: ['v'] } }),
        }),
      },
    });
    const job = sw.createJob(compile('name: w\nsteps:\n  s: { run: x, outputs: [v] }\n'), { inputs: {} });
    sw.startJob(job.id);
    const done = sw.waitForJob(job.id);
    await until(() => sw.store.listRuns(job.id, 's')[0]?.status === 'suspended');
    c.advance(10_000);
    expect((await done).status).toBe('completed');
    expect(sw.store.listRuns(job.id, 's')[0]!.artifact).toEqual({ v: 5 });
    await sw.close();
  });
});
