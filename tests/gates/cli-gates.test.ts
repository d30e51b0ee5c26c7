/**
 * External and poll steps through the real binary (build first: `npm run build`), across
 * processes: E-15.2 fulfil by a new process, E-15.3 polling resumed after the runner is
 * SIGKILLed (E-23 adoption), CLI-6 `fulfill` / `list --suspended`, CLI-4 terminal prompting.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, killRunner, parseJsonOut, runCli } from '../support/cli.js';

const EXTERNAL = `name: ext
steps:
  approve:
    executor: external
    prompt: "Ship $what?"
    inputs: { what: $job.what }
    outputs:
      decision: { type: choice, options: [approve, reject] }
      score: { type: number, min: 0, max: 10 }
  act:
    run: 'printf "{\\"result\\": \\"%s\\"}" $d'
    inputs: { d: approve.decision }
    outputs: [result]
`;

const POLL = `name: pollflow
steps:
  wait:
    executor: poll
    interval_seconds: 1
    check_command: 'if [ -e ../../../../go ]; then echo "{\\"ready\\": true}"; fi'
    outputs: [ready]
  done:
    run: 'echo "{\\"ok\\": 1}"'
    inputs: { r: wait.ready }
    outputs: [ok]
`;

const ESCALATE = `name: esc
steps:
  a:
    run: echo '{"x": 1}'
    outputs: [x]
    exits:
      - { name: needs-human, when: "outputs.x == 1", action: escalate }
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-gates-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function statusOf(dir: string, jobId: string): Promise<any> {
  return parseJsonOut(await runCli(['status', jobId, '--output', 'json'], { cwd: dir }));
}

async function waitForRunStatus(dir: string, jobId: string, step: string, status: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await statusOf(dir, jobId);
    const runs = s.steps?.find((x: any) => x.name === step)?.runs ?? [];
    if (runs.at(-1)?.status === status) return;
    await sleep(100);
  }
  throw new Error(`step ${step} of ${jobId} never became ${status}`);
}

describe('E-15.2 fulfil from a new process (real CLI)', () => {
  it('run --async suspends on an external step; a NEW process runs `fulfill <run> <json> --wait` and gets the CLI-5 completed JSON', async () => {
    const dir = project({ 'FLOW.yaml': EXTERNAL });
    const started = parseJsonOut(await runCli(['run', 'FLOW.yaml', '--async', '--input', 'what=v2'], { cwd: dir }));
    expect(started).toMatchObject({ status: 'running', job_id: expect.stringMatching(/^job-/) });
    // `wait` reports the suspension (the detached runner exits once nothing can progress).
    const w = await runCli(['wait', started.job_id], { cwd: dir });
    expect(w.code).toBe(5);
    const sus = parseJsonOut(w);
    expect(sus.suspended_steps[0]).toMatchObject({ step: 'approve', prompt: 'Ship v2?', fields: ['decision', 'score'] });
    const runId = sus.suspended_steps[0].run_id;

    const bad = await runCli(['fulfill', runId, '{"decision": "maybe", "score": 11}'], { cwd: dir });
    expect(bad.code).toBe(2);
    const err = parseJsonOut(bad);
    expect(err.status).toBe('error');
    expect(err.error).toContain("Payload validation failed: Field 'decision': 'maybe' is not one of ['approve', 'reject']; Field 'score': value 11 above maximum 10");
    expect(err.error).toContain('Expected fields: decision (choice: approve|reject); score (number, 0..10)');

    const ok = await runCli(['fulfill', runId, '{"decision": "approve", "score": "9"}', '--wait'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(parseJsonOut(ok)).toMatchObject({ status: 'completed', job_id: started.job_id, outputs: [{ result: 'approve' }] });

    const again = await runCli(['fulfill', runId, '{"decision": "reject", "score": 1}'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(parseJsonOut(again)).toMatchObject({ status: 'already_fulfilled', run_id: runId, job_id: started.job_id, job_status: 'completed' });
  });

  it('CLI-6 fulfill: payload from stdin (-) and --file; bad JSON names the position (exit 2); unknown run exits 1', async () => {
    const dir = project({ 'FLOW.yaml': EXTERNAL });
    const first = await runCli(['run', 'FLOW.yaml', '--wait', '--input', 'what=x'], { cwd: dir });
    expect(first.code).toBe(5);
    const runId = parseJsonOut(first).suspended_steps[0].run_id;

    const badJson = await runCli(['fulfill', runId, '{"decision": approve}'], { cwd: dir });
    expect(badJson.code).toBe(2);
    expect(parseJsonOut(badJson).error).toMatch(/^Invalid JSON payload from the argument: .* at position 13 \(line 1, column 14, near /);

    const missing = await runCli(['fulfill', runId, '-'], { cwd: dir, input: '{"score": 1}' });
    expect(missing.code).toBe(2);
    expect(parseJsonOut(missing).error).toMatch(/^Payload missing required field 'decision' \(expected: \['decision', 'score'\]\)/);

    const nope = await runCli(['fulfill', 'run-nope', '{}'], { cwd: dir });
    expect(nope.code).toBe(1);
    expect(parseJsonOut(nope).error).toMatch(/^Run not found: run-nope/);

    writeFileSync(join(dir, 'answer.json'), '{"decision": "reject", "score": 0}');
    const viaFile = await runCli(['fulfill', runId, '--file', 'answer.json'], { cwd: dir });
    expect(viaFile.code).toBe(0);
    expect(parseJsonOut(viaFile)).toMatchObject({ status: 'fulfilled', run_id: runId });
    // This process adopted the job (the --wait runner had exited) and drove it to the end.
    const s = await statusOf(dir, parseJsonOut(first).job_id);
    expect(s.job.status).toBe('completed');
  });
});

const PARALLEL = `name: par
steps:
  slow:
    run: 'sleep 3; echo "{\\"s\\": 1}"'
    outputs: [s]
  approve:
    executor: external
    outputs: [n]
    derived_outputs: { half: "n / 2" }
  final:
    run: 'echo "{\\"ok\\": 1}"'
    inputs: { s: slow.s, h: approve.half }
    outputs: [ok]
`;

describe('E-15.2 fulfil forwarded to a live owner (real CLI)', () => {
  it('while the detached runner still drives the job, `fulfill` goes through job_commands: the owner rejects (derived output error) or applies it and replies', async () => {
    const dir = project({ 'FLOW.yaml': PARALLEL });
    const jobId = parseJsonOut(await runCli(['run', 'FLOW.yaml', '--async'], { cwd: dir })).job_id;
    await waitForRunStatus(dir, jobId, 'approve', 'suspended');
    const s = await statusOf(dir, jobId);
    const id: string = s.steps.find((x: any) => x.name === 'approve').runs[0].run_id;
    // untyped field: the pre-check passes, the owner's derived output fails → its reply is a rejection
    const rej = await runCli(['fulfill', id, '{"n": "text"}'], { cwd: dir });
    expect(rej.code).toBe(2);
    expect(parseJsonOut(rej).error).toMatch(/Derived output 'half'/);
    const t0 = Date.now();
    const ok = await runCli(['fulfill', id, '{"n": 8}'], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(parseJsonOut(ok)).toMatchObject({ status: 'fulfilled', run_id: id, job_id: jobId });
    expect(Date.now() - t0).toBeLessThan(2500); // answered by the owner, not driven here until the slow step ends
    const w = await runCli(['wait', jobId], { cwd: dir });
    expect(parseJsonOut(w)).toMatchObject({ status: 'completed', outputs: [{ ok: 1 }] });
  });
});

describe('E-15.3 polling survives its runner (real CLI)', () => {
  it('run --async, SIGKILL the detached runner, create the awaited file: `stepwise wait` adopts the job, polling resumes, the job completes', async () => {
    const dir = project({ 'FLOW.yaml': POLL });
    const started = parseJsonOut(await runCli(['run', 'FLOW.yaml', '--async'], { cwd: dir }));
    const jobId = started.job_id;
    await waitForRunStatus(dir, jobId, 'wait', 'suspended');
    expect(killRunner(jobId).length).toBeGreaterThan(0);
    await sleep(200);
    writeFileSync(join(dir, 'go'), '');
    const w = await runCli(['wait', jobId], { cwd: dir });
    expect(w.code).toBe(0);
    expect(parseJsonOut(w)).toMatchObject({ status: 'completed', outputs: [{ ok: 1 }] });
    const s = await statusOf(dir, jobId);
    expect(s.steps.find((x: any) => x.name === 'wait').runs).toHaveLength(1);
  });

  it('run --wait keeps driving while a poll step is pending (never reported as suspended)', async () => {
    const dir = project({ 'FLOW.yaml': POLL });
    setTimeout(() => writeFileSync(join(dir, 'go'), ''), 1500);
    const r = await runCli(['run', 'FLOW.yaml', '--wait'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(parseJsonOut(r).status).toBe('completed');
  });
});

describe('E-15.3 poll-now (real CLI)', () => {
  it('asks the live runner for a check at once; with the runner gone, checks here and drives the job on', async () => {
    const slow = POLL.replace('interval_seconds: 1', 'interval_seconds: 3600');
    for (const orphaned of [false, true]) {
      const dir = project({ 'FLOW.yaml': slow });
      const jobId = parseJsonOut(await runCli(['run', 'FLOW.yaml', '--async'], { cwd: dir })).job_id;
      await waitForRunStatus(dir, jobId, 'wait', 'suspended');
      const runId: string = (await statusOf(dir, jobId)).steps.find((x: any) => x.name === 'wait').runs[0].run_id;
      if (orphaned) {
        killRunner(jobId);
        await sleep(200);
      }
      writeFileSync(join(dir, 'go'), '');
      const p = await runCli(['poll-now', runId, '--output', 'json'], { cwd: dir });
      expect(p.code).toBe(0);
      expect(parseJsonOut(p)).toMatchObject(orphaned ? { status: 'checked', ready: true, check_count: 1 } : { status: 'requested', run_id: runId });
      const w = await runCli(['wait', jobId], { cwd: dir, timeoutMs: 20_000 });
      expect(parseJsonOut(w)).toMatchObject({ status: 'completed', outputs: [{ ok: 1 }] });
    }
    const dir = project({ 'FLOW.yaml': EXTERNAL });
    const ext = parseJsonOut(await runCli(['run', 'FLOW.yaml', '--wait', '--input', 'what=q'], { cwd: dir }));
    const nope = await runCli(['poll-now', 'run-nope', '--output', 'json'], { cwd: dir });
    expect(nope.code).toBe(1);
    expect(parseJsonOut(nope).error).toMatch(/^Run not found: run-nope/);
    const notPoll = await runCli(['poll-now', ext.suspended_steps[0].run_id, '--output', 'json'], { cwd: dir });
    expect(notPoll.code).toBe(2);
    expect(parseJsonOut(notPoll).error).toMatch(/waits for external input, not a poll check. Hint: answer it with `stepwise fulfill run-/);
  });
});

describe('E-15.4 scripts that suspend themselves (real CLI)', () => {
  it('a script printing {"_watch": {mode: "poll"}} polls; one printing mode "external" waits for fulfil', async () => {
    const dir = project({
      'emit.sh': `printf '%s\\n' '{"_watch": {"mode": "poll", "config": {"check_command": "printf \\"{\\\\\\"v\\\\\\": 3}\\"", "interval_seconds": 0.3}}}'\n`,
      'FLOW.yaml': `name: selfwatch
steps:
  s:
    run: sh emit.sh
    outputs: [v]
  t:
    run: |
      echo '{"_watch": {"mode": "external", "config": {"prompt": "give w"}, "fulfillment_outputs": ["w"]}}'
    inputs: { v: s.v }
    outputs: [w]
`,
    });
    const r = await runCli(['run', 'FLOW.yaml', '--wait'], { cwd: dir });
    expect(r.code).toBe(5);
    const j = parseJsonOut(r);
    expect(j).toMatchObject({ status: 'suspended', completed_steps: ['s'], suspended_steps: [{ step: 't', prompt: 'give w', fields: ['w'], inputs: { v: 3 } }] });
    const f = await runCli(['fulfill', j.suspended_steps[0].run_id, '{"w": "x"}', '--wait'], { cwd: dir });
    expect(parseJsonOut(f)).toMatchObject({ status: 'completed', outputs: [{ w: 'x' }] });
  });
});

describe('CLI-6 list --suspended (D-5 inbox)', () => {
  it('lists a suspended external step and a paused job, each with the command that continues it', async () => {
    const dir = project({ 'ext.yaml': EXTERNAL, 'esc.yaml': ESCALATE });
    const ext = await runCli(['run', 'ext.yaml', '--wait', '--input', 'what=y'], { cwd: dir });
    expect(ext.code).toBe(5);
    const esc = await runCli(['run', 'esc.yaml', '--wait'], { cwd: dir });
    expect(esc.code).toBe(5);
    const extJson = parseJsonOut(ext);
    const escJson = parseJsonOut(esc);
    const l = await runCli(['list', '--suspended', '--output', 'json'], { cwd: dir });
    expect(l.code).toBe(0);
    const inbox = parseJsonOut(l);
    expect(inbox.count).toBe(2);
    const runId = extJson.suspended_steps[0].run_id;
    expect(inbox.suspended_steps).toEqual([
      expect.objectContaining({
        job_id: extJson.job_id,
        flow_name: 'ext',
        run_id: runId,
        step_name: 'approve',
        prompt: 'Ship y?',
        expected_outputs: ['decision', 'score'],
        fulfill_command: `stepwise fulfill ${runId} '{"decision":"approve","score":0}'`,
        age_seconds: expect.any(Number),
      }),
    ]);
    expect(inbox.paused_jobs).toEqual([
      expect.objectContaining({ job_id: escJson.job_id, reason: 'escalated', step: 'a', resume_command: `stepwise resume ${escJson.job_id} --wait` }),
    ]);
    const onlyEsc = parseJsonOut(await runCli(['list', '--suspended', '--flow', 'esc', '--output', 'json'], { cwd: dir }));
    expect(onlyEsc).toMatchObject({ count: 1, suspended_steps: [], paused_jobs: [{ job_id: escJson.job_id }] });
    // The printed command works as printed.
    const cmd = inbox.suspended_steps[0].fulfill_command.replace(/^stepwise /, '');
    const out = execFileSync('sh', ['-c', `node ${BIN} ${cmd}`], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ status: 'fulfilled', run_id: runId });
    const badSince = await runCli(['list', '--suspended', '--since', 'yesterday'], { cwd: dir });
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain("--since 'yesterday' is not a duration; use e.g. 30m, 24h or 7d.");
    const after = parseJsonOut(await runCli(['list', '--suspended', '--since', '1h', '--output', 'json'], { cwd: dir }));
    expect(after.count).toBe(1);
    expect((await runCli(['list'], { cwd: dir })).code).toBe(2);
  });
});

describe('CLI-4 headless run and external input', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;

  it('without a terminal it never prompts: exit 5 with the fulfil command printed', async () => {
    const dir = project({ 'FLOW.yaml': EXTERNAL });
    const r = await runCli(['run', 'FLOW.yaml', '--input', 'what=z'], { cwd: dir, input: 'approve\n' });
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/stepwise fulfill run-[0-9a-f]+ '\{"decision":"approve","score":0\}'/);
  });

  // util-linux `script` gives the CLI a pseudo-terminal (node-pty is not installed).
  it.skipIf(!hasScript)('under a pseudo-terminal it asks each field (numbered menu for choice, re-asks a bad number) and continues', () => {
    const dir = project({ 'FLOW.yaml': EXTERNAL, 'answers': '2\n42\n7\n' });
    const r = spawnSync('sh', ['-c', `script -qefc "node ${BIN} run FLOW.yaml --input what=w" /dev/null < answers`], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stdout).toContain('1) approve');
    expect(r.stdout).toContain('value 42 above maximum 10');
    expect(r.stdout).toMatch(/Job job-[0-9a-f]+ completed/);
    expect(r.stdout).toContain('"result": "reject"');
    expect(r.status).toBe(0);
  });
});
