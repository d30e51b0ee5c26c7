/** D-R2: a script child whose pid was never committed is found by its files / its argv. */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findOrphanScript } from '../../runtime/engine/find-orphan.js';
import { WRAPPER_SCRIPT } from '../../runtime/executors/script-executor.js';
import { stepIoPaths } from '../../runtime/executors/step-io.js';
import { tmpProject } from './helpers.js';

describe('D-R2 orphaned script children', () => {
  it('finds a running wrapper by its exit-code path, then the finished one by its exit-code file', async () => {
    const ws = tmpProject();
    const io = stepIoPaths(ws, 'work', 2);
    mkdirSync(io.dir, { recursive: true });
    expect(findOrphanScript(ws, 'work', 2)).toBeNull();
    const child = spawn('sh', ['-c', WRAPPER_SCRIPT, 'stepwise-script', io.stdout, io.stderr, io.exitCode, 'sh', '-c', 'sleep 0.3; echo {}'], {
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 100));
    const running = findOrphanScript(ws, 'work', 2);
    expect(running).toMatchObject({ kind: 'running', info: { pid: child.pid, pgid: child.pid, exitCodePath: io.exitCode } });
    await exited;
    expect(findOrphanScript(ws, 'work', 2)).toMatchObject({ kind: 'exited', info: { exitCodePath: io.exitCode } });
    expect(findOrphanScript(ws, 'work', 3)).toBeNull();
  });
});
