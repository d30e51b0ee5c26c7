/**
 * P-5 project hooks through the real CLI, D-12: hooks run off the engine's path (a slow hook
 * delays no step), get the envelope on stdin and in STEPWISE_EVENT_FILE, and failures are
 * recorded as `hook.failed` events and in `.stepwise/logs/hooks.log`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonOut, runCli } from '../support/cli.js';
import { CHAIN_FLOW, makeProject, ms, readEvents } from './support.js';
import { readProcStat } from '../../runtime/executors/process-group.js';

/** A hook that copies its stdin, its event file and its env into $HOOK_OUT (one set per run). */
const RECORDING_HOOK = `#!/bin/sh
out="$HOOK_OUT/$(date +%s%N)-$$"
cat > "$out.stdin.json"
cp "$STEPWISE_EVENT_FILE" "$out.file.json"
printf '%s\\n%s\\n%s\\n%s\\n' "$STEPWISE_JOB_ID" "$STEPWISE_EVENT" "$STEPWISE_SESSION_ID" "$STEPWISE_EVENT_FILE" > "$out.env"
pwd > "$out.cwd"
`;

interface Recorded {
  stdin: any;
  file: any;
  env: { jobId: string; event: string; sessionId: string; eventFile: string };
  cwd: string;
}

function recorded(outDir: string): Recorded[] {
  const names = readdirSync(outDir).filter((n) => n.endsWith('.stdin.json')).sort();
  return names.map((n) => {
    const base = join(outDir, n.slice(0, -'.stdin.json'.length));
    const [jobId, event, sessionId, eventFile] = readFileSync(`${base}.env`, 'utf8').split('\n');
    return {
      stdin: JSON.parse(readFileSync(`${base}.stdin.json`, 'utf8')),
      file: JSON.parse(readFileSync(`${base}.file.json`, 'utf8')),
      env: { jobId: jobId!, event: event!, sessionId: sessionId!, eventFile: eventFile! },
      cwd: readFileSync(`${base}.cwd`, 'utf8').trim(),
    };
  });
}

const SUSPEND_FLOW = `name: waits
steps:
  ask:
    run: echo '{"_watch": {"mode": "external", "config": {"prompt": "x"}, "fulfillment_outputs": ["ok"]}}'
    outputs: [ok]
`;

const TYPED_SUSPEND_FLOW = `name: typed
steps:
  approve:
    executor: external
    prompt: "Ship?"
    outputs:
      decision: { type: choice, options: [approve, reject] }
      score: { type: number, min: 1, max: 10 }
`;

describe('P-5 project hooks', () => {
  it('P-5: on-step-complete and on-complete get {event, hook, job_id, timestamp, ...data} on stdin, the P-4 envelope in STEPWISE_EVENT_FILE (deleted afterwards), env and cwd', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stepwise-hook-out-'));
    const dir = makeProject({
      'flow.yaml': CHAIN_FLOW,
      '.stepwise/hooks/on-step-complete': RECORDING_HOOK,
      '.stepwise/hooks/on-complete': RECORDING_HOOK,
    });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir, env: { HOOK_OUT: out } });
    expect(r.code, r.stderr).toBe(0);
    const jobId = parseJsonOut(r).job_id;
    const runs = recorded(out);
    expect(runs.map((x) => x.env.event).sort()).toEqual(['job.completed', 'step.completed', 'step.completed', 'step.completed']);
    const events = readEvents(dir);
    for (const x of runs) {
      const ev = events.find((e) => e.event_id === x.file.event_id)!;
      const hook = x.env.event === 'job.completed' ? 'complete' : 'step-complete';
      expect(x.stdin).toEqual({ event: ev.type, hook, job_id: jobId, timestamp: ev.timestamp, ...ev.data });
      expect(x.file).toEqual({
        event: ev.type,
        job_id: jobId,
        timestamp: ev.timestamp,
        event_id: ev.event_id,
        metadata: { sys: { depth: 0 }, app: {} },
        data: ev.data,
        ...(ev.data.step ? { step: ev.data.step } : {}),
      });
      expect(x.env.jobId).toBe(jobId);
      expect(x.env.sessionId).toBe('');
      expect(x.env.eventFile.startsWith(join(dir, '.stepwise', 'tmp'))).toBe(true);
      expect(existsSync(x.env.eventFile)).toBe(false);
      expect(x.cwd).toBe(dir);
    }
    expect(runs.filter((x) => x.env.event === 'step.completed').map((x) => x.stdin.step).sort()).toEqual(['a', 'b', 'c']);
    expect(events.some((e) => e.type === 'hook.failed')).toBe(false);
  }, 60_000);

  it('P-5: on-suspend gets fulfill_command with an example of the step fields', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stepwise-hook-out-'));
    const dir = makeProject({ 'flow.yaml': SUSPEND_FLOW, '.stepwise/hooks/on-suspend': RECORDING_HOOK });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir, env: { HOOK_OUT: out } });
    expect(parseJsonOut(r).status).toBe('suspended');
    const [x, ...rest] = recorded(out);
    expect(rest).toEqual([]);
    expect(x!.stdin.event).toBe('step.suspended');
    expect(x!.stdin.hook).toBe('suspend');
    expect(x!.stdin.step).toBe('ask');
    const runId = x!.stdin.run_id as string;
    expect(runId).toMatch(/^run-/);
    expect(x!.stdin.fulfill_command).toBe(`stepwise fulfill ${runId} '{"ok":"..."}'`);
  }, 60_000);

  it('P-5: on-suspend of a typed external step gets the same typed example as `list --suspended`', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stepwise-hook-out-'));
    const dir = makeProject({ 'flow.yaml': TYPED_SUSPEND_FLOW, '.stepwise/hooks/on-suspend': RECORDING_HOOK });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir, env: { HOOK_OUT: out } });
    expect(parseJsonOut(r).status).toBe('suspended');
    const [x] = recorded(out);
    const runId = x!.stdin.run_id as string;
    expect(x!.stdin.fulfill_command).toBe(`stepwise fulfill ${runId} '{"decision":"approve","score":1}'`);
    const inbox = parseJsonOut(await runCli(['list', '--suspended', '--output', 'json'], { cwd: dir }));
    expect(inbox.suspended_steps[0].fulfill_command).toBe(x!.stdin.fulfill_command);
  }, 60_000);

  it('D-12: a slow hook (sleep 5) delays no step; on close it is killed and recorded', async () => {
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW, '.stepwise/hooks/on-step-complete': '#!/bin/sh\nsleep 5\n' });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir, env: { STEPWISE_NOTIFY_GRACE_MS: '300' } });
    expect(r.code, r.stderr).toBe(0);
    const events = readEvents(dir);
    const started = events.filter((e) => e.type === 'step.started').map((e) => ms(e.timestamp));
    expect(started.length).toBe(3);
    // Each step started right after the previous one completed, not after its 5 s hook.
    expect(started[1]! - started[0]!).toBeLessThan(2500);
    expect(started[2]! - started[1]!).toBeLessThan(2500);
    const failed = events.filter((e) => e.type === 'hook.failed');
    expect(failed.length).toBe(3);
    for (const f of failed) expect(f.data).toMatchObject({ hook: 'step-complete', event: 'step.completed', error: expect.stringContaining('killed') });
  }, 60_000);

  it('D-12: a hook exceeding its timeout is killed with its process group and recorded', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'stepwise-hook-out-')), 'pid');
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW, '.stepwise/hooks/on-complete': `#!/bin/sh\nsleep 30 &\necho $! > '${pidFile}'\nwait\n` });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir, env: { STEPWISE_HOOK_TIMEOUT_MS: '300' } });
    expect(r.code, r.stderr).toBe(0);
    // The hook's background child went with it (killed as a group; a zombie runs no code).
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const stat = readProcStat(grandchild);
    expect(stat === null || stat.state === 'Z', `pid ${grandchild} still running: ${JSON.stringify(stat)}`).toBe(true);
    const failed = readEvents(dir).filter((e) => e.type === 'hook.failed');
    expect(failed.map((f) => f.data)).toEqual([
      expect.objectContaining({ hook: 'complete', event: 'job.completed', error: 'timed out after 300 ms' }),
    ]);
  }, 60_000);

  it('P-5, D-12: a failing hook is recorded (hook.failed + hooks.log with stderr) and the job still completes', async () => {
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW, '.stepwise/hooks/on-complete': '#!/bin/sh\necho boom >&2\nexit 3\n' });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJsonOut(r).status).toBe('completed');
    const events = readEvents(dir);
    const completed = events.find((e) => e.type === 'job.completed')!;
    const failed = events.filter((e) => e.type === 'hook.failed');
    expect(failed.map((f) => f.data)).toEqual([{ hook: 'complete', event: 'job.completed', event_id: completed.event_id, exit_code: 3 }]);
    expect(failed[0]!.event_id).toBe(completed.event_id + 1);
    const log = readFileSync(join(dir, '.stepwise', 'logs', 'hooks.log'), 'utf8');
    expect(log).toMatch(/^\[[^\]]+\] on-complete exit=3 event=job\.completed event_id=\d+ job=job-\w+\n {2}stderr: boom\n$/);
  }, 60_000);

  it('P-5: a hook that cannot start (not executable) is a spawn error, recorded', async () => {
    const dir = makeProject({ 'flow.yaml': CHAIN_FLOW, '.stepwise/hooks/on-complete': '#!/bin/sh\nexit 0\n' });
    execFileSync('chmod', ['644', join(dir, '.stepwise', 'hooks', 'on-complete')]);
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const failed = readEvents(dir).filter((e) => e.type === 'hook.failed');
    expect(failed.length).toBe(1);
    expect(failed[0]!.data.error).toMatch(/^cannot start: .*EACCES/);
  }, 60_000);

  it('P-5: step.failed and job.failed both run on-fail', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stepwise-hook-out-'));
    const dir = makeProject({ 'flow.yaml': 'name: f\nsteps:\n  a:\n    run: exit 7\n', '.stepwise/hooks/on-fail': RECORDING_HOOK });
    const r = await runCli(['run', 'flow.yaml', '--wait'], { cwd: dir, env: { HOOK_OUT: out } });
    expect(r.code).toBe(1);
    const runs = recorded(out);
    expect(runs.map((x) => x.stdin.event).sort()).toEqual(['job.failed', 'step.failed']);
    for (const x of runs) expect(x.stdin.hook).toBe('fail');
  }, 60_000);

  it('CLI-6 init: hook templates are executable no-ops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-init-'));
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['on-suspend', 'on-step-complete', 'on-complete', 'on-fail']) {
      const p = join(dir, '.stepwise', 'hooks', name);
      expect(readFileSync(p, 'utf8')).toMatch(/^#!\/bin\/sh\n[\s\S]*\nexit 0\n$/);
      expect(execFileSync(p, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString()).toBe('');
    }
  }, 60_000);
});
