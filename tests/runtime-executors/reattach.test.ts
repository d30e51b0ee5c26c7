import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { reattachScript } from '../../runtime/executors/reattach-script.js';
import type { SpawnInfo } from '../../runtime/executors/types.js';
import { isGone, makeCtx, tempDir, waitFor } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A pid that certainly belongs to no running process any more. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
}

function fakeSpawnInfo(dir: string, pid: number): SpawnInfo {
  mkdirSync(dir, { recursive: true });
  return {
    pid,
    pgid: pid,
    stdoutPath: path.join(dir, 's-1.stdout'),
    stderrPath: path.join(dir, 's-1.stderr'),
    exitCodePath: path.join(dir, 's-1.exitcode'),
    shellMode: 'shell',
  };
}

describe('D-R2 / E-23.2 re-attach to a script child', () => {
  it('E-23.2: re-attaching to a live child (its original waiter dropped) yields the same artifact', async () => {
    const root = tempDir();
    const ctx = makeCtx(root);
    const dropped = createScriptExecutor().start({ inputs: {}, config: { command: 'sleep 0.4; echo \'{"v": 1}\'' }, ctx });
    expect(await waitFor(() => ctx.spawns.length === 1)).toBe(true);
    const reattached = await reattachScript(ctx.spawns[0], new AbortController().signal, { pollMs: 20 });
    const original = await dropped;
    expect(reattached).toMatchObject({ kind: 'data', artifact: { v: 1 } });
    expect(original.kind === 'data' && original.artifact).toEqual(reattached.kind === 'data' && reattached.artifact);
    expect(reattached.meta).toMatchObject({ reattached: true, exit_code: 0 });
  });

  it('D-R2: the child outlives a SIGKILLed engine process and re-attach reads its result', async () => {
    const ws = path.join(tempDir(), 'ws');
    const engine = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures/engine-child.ts'), ws, 'sleep 1; echo \'{"survived": true}\''], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const info = await new Promise<SpawnInfo>((resolve, reject) => {
      let buf = '';
      engine.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]) as SpawnInfo);
      });
      engine.once('exit', () => reject(new Error('engine exited before spawning')));
    });
    engine.kill('SIGKILL');
    await new Promise((r) => engine.once('exit', r));
    expect(isGone(info.pid)).toBe(false); // the script is still running without its engine
    const result = await reattachScript(info, new AbortController().signal, { pollMs: 50 });
    expect(result).toMatchObject({ kind: 'data', artifact: { survived: true } });
    expect(readFileSync(info.exitCodePath, 'utf8').trim()).toBe('0');
  });

  it('E-23.2: a dead pid with an exit-code file is rebuilt from the files (failure keeps stderr)', async () => {
    const info = fakeSpawnInfo(tempDir(), deadPid());
    writeFileSync(info.stdoutPath, 'partial\n');
    writeFileSync(info.stderrPath, 'bad thing\n');
    writeFileSync(info.exitCodePath, '2\n');
    const result = await reattachScript(info, new AbortController().signal);
    expect(result).toMatchObject({ kind: 'failed', error: 'bad thing', category: null, artifact: { stdout: 'partial' } });
  });

  it('E-23.2: a dead pid with exit code 0 gives the parsed stdout', async () => {
    const info = fakeSpawnInfo(tempDir(), deadPid());
    writeFileSync(info.stdoutPath, 'plain text\n');
    writeFileSync(info.exitCodePath, '0\n');
    expect(await reattachScript(info, new AbortController().signal)).toMatchObject({ kind: 'data', artifact: { stdout: 'plain text' } });
  });

  it('E-23.2: a dead pid without an exit-code file cannot be confirmed → infra_failure', async () => {
    const info = fakeSpawnInfo(tempDir(), deadPid());
    writeFileSync(info.stdoutPath, '{"x": 1}\n');
    expect(await reattachScript(info, new AbortController().signal)).toMatchObject({
      kind: 'failed',
      error: 'Runner died: cannot confirm success (no exit code recorded)',
      category: 'infra_failure',
    });
  });

  it('E-14.2: aborting a re-attach kills the child group', async () => {
    const root = tempDir();
    const ctx = makeCtx(root);
    void createScriptExecutor().start({ inputs: {}, config: { command: 'sleep 30' }, ctx });
    expect(await waitFor(() => ctx.spawns.length === 1)).toBe(true);
    const controller = new AbortController();
    const pending = reattachScript(ctx.spawns[0], controller.signal, { pollMs: 20, killGraceMs: 300 });
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'failed', error: 'Cancelled', category: 'user_cancelled' });
    expect(await waitFor(() => isGone(ctx.spawns[0].pid), 2000)).toBe(true);
  });
});

describe('D-R2 stale files', () => {
  it('E-23.2: a stale exit-code file from an earlier run of the same step/attempt is removed at spawn', async () => {
    const root = tempDir();
    const ctx = makeCtx(root);
    const io = path.join(ctx.workspace, '.stepwise', 'step-io');
    mkdirSync(io, { recursive: true });
    writeFileSync(path.join(io, 'a-1.exitcode'), '0\n');
    const controller = new AbortController();
    const running = createScriptExecutor({ killGraceMs: 200 }).start({
      inputs: {},
      config: { command: 'sleep 30' },
      ctx: { ...ctx, signal: controller.signal },
    });
    expect(await waitFor(() => ctx.spawns.length === 1)).toBe(true);
    // Simulate the wrapper dying without recording a code: the old "0" must not count.
    const info = ctx.spawns[0];
    controller.abort();
    await running;
    expect(await reattachScript(info, new AbortController().signal)).toMatchObject({ kind: 'failed', category: 'infra_failure' });
  });
});
