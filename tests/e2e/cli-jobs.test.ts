/**
 * The job commands through the real binary, real child processes and a real SQLite file
 * (CLI-2 exit codes, CLI-4 modes, CLI-5 --wait JSON, CLI-6 commands, E-14 control).
 */
import { describe, expect, it } from 'vitest';
import { killRunner } from '../support/cli.js';
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

describe('CLI-5 / CLI-2 interrupting a --wait', () => {
  it('SIGTERM cancels the job, prints the cancelled JSON and exits 4; the running step is stopped', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../support/cli.js');
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const child = spawn(process.execPath, [BIN, 'run', 'slow.flow.yaml', '--wait'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Wait until step a is running (its stdout file exists), then interrupt.
    const { existsSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const jobsDir = join(dir, '.stepwise', 'jobs');
    for (let i = 0; i < 200; i++) {
      const jobs = existsSync(jobsDir) ? readdirSync(jobsDir) : [];
      if (jobs.some((j) => existsSync(join(jobsDir, j, 'workspace', '.stepwise', 'step-io', 'a-1.stdout')))) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(4);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ status: 'cancelled', completed_outputs: [] });
    expect(stderr).toContain('cancelling');
    const st = await swJson(dir, 'status', json.job_id, '--output', 'json');
    expect(st.json.job.status).toBe('cancelled');
    expect(st.json.steps[0].runs[0].status).toBe('cancelled');
  });

  it('E-23 resume of a job whose runner was SIGKILLed takes it over: the running step is re-attached, the job completes', async () => {
    const dir = project({ 'slow.flow.yaml': SLOW_FLOW });
    const started = await swJson(dir, 'run', 'slow.flow.yaml', '--async');
    const jobId = started.json.job_id;
    await new Promise((r) => setTimeout(r, 300)); // step a is running (sleep 0.6)
    expect(killRunner(jobId).length).toBeGreaterThan(0);
    const r = await swJson(dir, 'resume', jobId, '--wait');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Job ${jobId} is running: following it here`);
    expect(r.json).toMatchObject({ status: 'completed', outputs: [{ y: 2 }] });
    const st = await swJson(dir, 'status', jobId, '--output', 'json');
    // The child of step a outlived its runner and was re-attached, not started again.
    expect(st.json.steps.find((x: any) => x.name === 'a').runs).toHaveLength(1);
  });
});
