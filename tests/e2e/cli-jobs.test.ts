/**
 * The job commands through the real binary, real child processes and a real SQLite file
 * (CLI-2 exit codes, CLI-4 modes, CLI-5 --wait JSON, CLI-6 commands, E-14 control).
 */
import { describe, expect, it } from 'vitest';
import { project, sw, swJson, SLOW_FLOW } from './helpers.js';

describe('CLI-4 run modes and CLI-6 job commands', () => {
  it('CLI-4 --async returns the job id at once; `wait` in another process prints the CLI-5 JSON', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const started = await swJson(dir, 'run', 'slow.flow.yaml', '--async');
    expect(started.code).toBe(0);
    expect(started.json).toEqual({ job_id: expect.stringMatching(/^job-[0-9a-f]{8}$/), status: 'running' });
    const done = await swJson(dir, 'wait', started.json.job_id);
    expect(done.code).toBe(0);
    expect(done.json).toMatchObject({ status: 'completed', job_id: started.json.job_id, outputs: [{ y: 2 }] });
    const out = await swJson(dir, 'output', started.json.job_id);
    expect(out.json).toEqual({ status: 'completed', outputs: [{ y: 2 }] });
    const step = await swJson(dir, 'output', started.json.job_id, 'a');
    expect(step.json).toEqual({ x: 1 });
    const jobs = await swJson(dir, 'jobs', '--output', 'json');
    expect(jobs.json.map((j: any) => j.id)).toContain(started.json.job_id);
    const logs = await sw(dir, 'logs', started.json.job_id, 'b');
    expect(logs.stdout).toContain('{"y": 2}');
  });

  it('E-14.1 pause from another process stops the running step; resume --wait finishes the job', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const { json } = await swJson(dir, 'run', 'slow.flow.yaml', '--async');
    await new Promise((r) => setTimeout(r, 300));
    const paused = await sw(dir, 'pause', json.job_id);
    expect(paused.code).toBe(0);
    const st = await swJson(dir, 'status', json.job_id, '--output', 'json');
    expect(st.json.job.status).toBe('paused');
    const resumed = await swJson(dir, 'resume', json.job_id, '--wait');
    expect(resumed.code).toBe(0);
    expect(resumed.json).toMatchObject({ status: 'completed', outputs: [{ y: 2 }] });
  });

  it('D-11 cancel: the job ends cancelled, `wait` exits 4, a second cancel is refused with exit 2', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const { json } = await swJson(dir, 'run', 'slow.flow.yaml', '--async');
    await new Promise((r) => setTimeout(r, 200));
    expect((await sw(dir, 'cancel', json.job_id)).code).toBe(0);
    const waited = await swJson(dir, 'wait', json.job_id);
    expect(waited.code).toBe(4);
    expect(waited.json.status).toBe('cancelled');
    const again = await sw(dir, 'cancel', json.job_id);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already cancelled');
    const st = await swJson(dir, 'status', json.job_id, '--output', 'json');
    expect(st.json.steps.find((s: any) => s.name === 'b').runs).toEqual([]);
  });

  it('CLI-2: unknown job → 1, outside a project → 4, bad --input → 2 (as JSON with --wait)', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const outside = await sw(dir, 'status', 'job-00000000');
    expect(outside.code).toBe(4);
    expect(outside.stderr).toContain('stepwise init');
    await sw(dir, 'init');
    const unknown = await sw(dir, 'status', 'job-00000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('stepwise jobs');
    const bad = await swJson(dir, 'run', 'slow.flow.yaml', '--wait', '--input', 'novalue');
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ status: 'error', exit_code: 2 });
    expect(bad.json.error).toContain('key=value');
    const missing = await swJson(dir, 'run', 'nope.flow.yaml', '--wait');
    expect(missing.code).toBe(2);
    expect(missing.json.status).toBe('error');
  });

  it('CLI-4 headless run prints progress on stderr and a summary on stdout; --output json prints the result object', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const r = await sw(dir, 'run', 'slow.flow.yaml');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/✓ a[\s\S]*✓ b[\s\S]*job completed/);
    expect(r.stdout).toContain('completed');
    const j = await swJson(dir, 'run', 'slow.flow.yaml', '--output', 'json');
    expect(j.json).toMatchObject({ status: 'completed', outputs: [{ y: 2 }] });
  });

  it('E-14.3 rerun re-executes a step and its dependents', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const first = await swJson(dir, 'run', 'slow.flow.yaml', '--wait');
    const again = await swJson(dir, 'rerun', first.json.job_id, 'a', '--wait');
    expect(again.code).toBe(0);
    const st = await swJson(dir, 'status', first.json.job_id, '--output', 'json');
    expect(st.json.steps.map((s: any) => s.runs.length)).toEqual([2, 2]);
  });
});
