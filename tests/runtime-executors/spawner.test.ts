import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HELPER, helperPid, spawnViaHelper } from '../../runtime/executors/spawner.js';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { readProcStat } from '../../runtime/executors/process-group.js';
import { makeCtx, tempDir, waitFor } from './helpers.js';

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

describe('spawn helper (EX-1, T-4, D-3, D-R2): forks script wrappers off the main thread', () => {
  it('T-4: the child gets exactly the env it was given, in its cwd, as leader of its own process group', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    // A first job exports a variable; it must not leak into the next one (no shared shell state).
    const first = await spawnViaHelper(['sh', '-c', 'export LEAK=1; exit 0'], dir, { ...baseEnv, LEAK_SRC: 'x' });
    expect(await first?.exited).toBe(0);
    const tricky = `it's "q" $(echo no) \`x\` \\ \n line2 ${'é'.repeat(3)}`;
    const job = await spawnViaHelper(
      ['sh', '-c', 'printf %s "$TRICKY" > "$1.t"; echo "[${EMPTY-unset}] [${LEAK-unset}] [${LEAK_SRC-unset}] $$ $(pwd)" > "$1"; exit 7', 'sh', out],
      dir,
      { ...baseEnv, TRICKY: tricky, EMPTY: '' },
    );
    expect(job).not.toBeNull();
    expect(await job?.exited).toBe(7);
    expect(readFileSync(`${out}.t`, 'utf8')).toBe(tricky);
    expect(readFileSync(out, 'utf8')).toBe(`[] [unset] [unset] ${job?.pid} ${dir}\n`);
  });

  it('D-3: the pid is announced only once the child leads its own group (cancel can always reach it)', async () => {
    const job = await spawnViaHelper(['sleep', '5'], tempDir(), baseEnv);
    expect(job).not.toBeNull();
    expect(readProcStat(job!.pid)?.pgid).toBe(job!.pid);
    process.kill(-job!.pid, 'SIGTERM');
    expect(await job!.exited).toBeNull(); // killed by a signal
  });

  it('values the helper cannot carry (NUL) or exec refuses (E2BIG) are handed back for a direct spawn', async () => {
    expect(await spawnViaHelper(['true'], tempDir(), { ...baseEnv, BAD: 'a\0b' })).toBeNull();
    expect(await spawnViaHelper(['true'], tempDir(), { ...baseEnv, HUGE: 'x'.repeat(300 * 1024) })).toBeNull();
    // …and the helper keeps working afterwards.
    const ok = await spawnViaHelper(['sh', '-c', 'exit 3'], tempDir(), baseEnv);
    expect(await ok?.exited).toBe(3);
  });

  it('a child exit is seen even when its SIGCHLD never runs the handler (deferred-signal race)', async () => {
    // Regression: perl runs signal handlers between ops, so a SIGCHLD landing just before the
    // helper blocked on its next read was handled only at the next request, while the engine
    // waited for that very exit: the job hung (about 1 in 3,000 spawns on a busy box). Starting
    // the helper with SIGCHLD blocked makes "the handler never ran" certain: the helper must
    // still reap on its own.
    const { spawn } = await import('node:child_process');
    const starter = 'use POSIX; sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGCHLD)) or die; exec "perl", "-e", $ENV{H};';
    const helper = spawn('perl', ['-e', starter], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...baseEnv, H: HELPER } });
    try {
      let out = '';
      helper.stdout.setEncoding('utf8');
      const exitLine = new Promise<string>((resolve) => {
        helper.stdout.on('data', (d: string) => {
          out += d;
          const m = /^1 exit (\S+)$/m.exec(out);
          if (m) resolve(m[1]!);
        });
      });
      const payload = Buffer.from([tempDir(), '1', `PATH=${baseEnv.PATH}`, 'sh', '-c', 'exit 3'].join('\0'));
      helper.stdin.write(Buffer.concat([Buffer.from(`1 ${payload.length}\n`), payload]));
      const got = await Promise.race([exitLine, new Promise((r) => setTimeout(() => r('no exit within 3 s'), 3000))]);
      expect(out).toMatch(/^1 pid \d+$/m);
      expect(got).toBe('3');
    } finally {
      helper.kill('SIGKILL');
    }
  });

  it('large requests in parallel are written with back-pressure and all complete', async () => {
    const dir = tempDir();
    const jobs = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        spawnViaHelper(['sh', '-c', 'printf %s "$BIG" | wc -c > "$1"', 'sh', path.join(dir, `n${i}`)], dir, {
          ...baseEnv,
          BIG: String(i).repeat(100_000).slice(0, 100_000 + i),
        }),
      ),
    );
    expect(await Promise.all(jobs.map((j) => j?.exited))).toEqual(jobs.map(() => 0));
    jobs.forEach((_, i) => expect(readFileSync(path.join(dir, `n${i}`), 'utf8').trim()).toBe(String(Math.min(100_000 + i, String(i).repeat(100_000).length))));
  });

  it('D-R2: if the helper dies, its running jobs keep running and their completion is still seen (pid polling)', async () => {
    const dir = tempDir();
    const done = path.join(dir, 'done');
    const job = await spawnViaHelper(['sh', '-c', 'sleep 0.3; echo ok > "$1"', 'sh', done], dir, baseEnv);
    const helper = helperPid();
    expect(job).not.toBeNull();
    expect(helper).toBeDefined();
    process.kill(helper!, 'SIGKILL');
    expect(await job!.exited).toBeNull(); // status unknown: the caller reads the exit-code file
    expect(readFileSync(done, 'utf8')).toBe('ok\n');
    // The next request starts a fresh helper lazily.
    const next = await spawnViaHelper(['sh', '-c', 'exit 4'], dir, baseEnv);
    expect(await next?.exited).toBe(4);
    expect(helperPid()).not.toBe(helper);
  });

  it('D-R2: the wrapper forked by the helper carries its .exitcode path in argv (find-orphan /proc scan) and records its status', async () => {
    const root = tempDir();
    const ctx = makeCtx(root);
    const run = createScriptExecutor({ useHelper: true }).start({ inputs: {}, config: { command: 'sleep 0.3; exit 5' }, ctx });
    expect(await waitFor(() => ctx.spawns.length === 1)).toBe(true);
    const info = ctx.spawns[0];
    const argv = readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain(info.exitCodePath);
    expect(readProcStat(info.pid)?.pgid).toBe(info.pid);
    const result = await run;
    expect(result.kind).toBe('failed');
    expect(existsSync(info.exitCodePath) && readFileSync(info.exitCodePath, 'utf8').trim()).toBe('5');
  });
});
