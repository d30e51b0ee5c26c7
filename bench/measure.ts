/**
 * Whole-process measurement of a child: wall time from our own clock (GNU time's %e has only
 * 10 ms resolution, too coarse for a 1-step flow), CPU (user+sys, including the child's waited-for
 * descendants: the script steps) and peak RSS from `/usr/bin/time`. `process.resourceUsage()`
 * cannot see a child's usage, hence the wrapper; without it we fall back to bash's `time`
 * for CPU and poll `/proc/<pid>/status` VmHWM for the peak.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Sample {
  wallS: number;
  cpuS: number | null;
  peakMB: number | null;
  code: number;
  stdout: string;
  stderr: string;
}

export const GNU_TIME = '/usr/bin/time';
/** BENCH_NO_GNU_TIME=1 forces the fallback path (to check it on a machine that has GNU time). */
export const HAVE_GNU_TIME = existsSync(GNU_TIME) && !process.env.BENCH_NO_GNU_TIME;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `argv` in `cwd`, killing it after `timeoutMs`. */
export function timedRun(argv: string[], cwd: string, timeoutMs = 120_000): Promise<Sample> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sw-time-'));
  const out = path.join(tmp, 'time.txt');
  const [cmd, args] = HAVE_GNU_TIME
    ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', out, ...argv]]
    : ['bash', ['-c', `TIMEFORMAT='%R %U %S'; { time ${argv.map(shq).join(' ')} 2>&3 ; } 3>&2 2> ${shq(out)}`]];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let hwmKB = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Fallback peak RSS: poll VmHWM of every descendant (bash wraps the command), keep the max.
    const poll = HAVE_GNU_TIME
      ? null
      : setInterval(() => {
          for (const pid of descendants(child.pid!)) hwmKB = Math.max(hwmKB, vmHwmKB(pid));
        }, 5);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let cpuS: number | null = null;
      let peakMB: number | null = hwmKB ? hwmKB / 1024 : null;
      try {
        const f = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(/\s+/).map(Number);
        if (f.length >= 3 && f.every(Number.isFinite)) cpuS = f[1]! + f[2]!;
        if (HAVE_GNU_TIME && f.length >= 4 && Number.isFinite(f[3])) peakMB = f[3]! / 1024;
      } catch {
        /* killed before time wrote its line */
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ wallS, cpuS, peakMB, code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

function vmHwmKB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between ticks
  }
}

/** `pid` and all its descendants, from /proc/<pid>/task/<pid>/children. */
function descendants(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (kids) out.push(...kids.split(/\s+/).map(Number));
    } catch {
      /* exited, or no children file */
    }
  }
  return out;
}

/** The floor: `n` bare `sh -c "echo ..."` spawns from one bash loop, whole process (wall and CPU). */
export function floorRun(n: number): Promise<Sample> {
  const script = `for ((i = 0; i < ${n}; i++)); do sh -c "echo '{\\"x\\":1}'" > /dev/null; done`;
  return timedRun(['bash', '-c', script], os.tmpdir(), 60_000);
}
