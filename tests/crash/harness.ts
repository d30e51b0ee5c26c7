/**
 * Spawns the crash driver and kills it at seeded random moments. Delays are counted from the
 * driver's `ready` line (engine open, before `recover()`), not from spawn, so they land in
 * recovery and in the middle of steps rather than in Node's start-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));
/** Inside node_modules so the bundle resolves better-sqlite3 (external, native) like the repo does. */
const BUNDLE = path.join(REPO, 'node_modules', '.cache', 'stepwise-crash', 'driver.mjs');

/** How the driver is started: the esbuild bundle when available, else tsx on the source. */
let driverArgv: string[] = ['--import', 'tsx', DRIVER];

/**
 * Bundles the driver once per test run. Under tsx every life spent ~2.5 s importing the
 * compiler and runtime before it could be killed; bundled, a life is ready in ~0.3 s, which
 * is what lets ≥ 50 kills fit in the CI minute.
 */
export async function prepareDriver(): Promise<string> {
  try {
    const { build } = await import('esbuild');
    mkdirSync(path.dirname(BUNDLE), { recursive: true });
    await build({
      entryPoints: [DRIVER],
      outfile: BUNDLE,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: 'silent',
    });
    driverArgv = [BUNDLE];
    return 'esbuild bundle';
  } catch (err) {
    driverArgv = ['--import', 'tsx', DRIVER];
    return `tsx (bundling failed: ${(err as Error).message.split('\n')[0]})`;
  }
}

export interface LifeEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Parsed `done <json>` payload, when the driver finished. */
  done?: unknown;
  /** `error <message>` line, when the driver reported one. */
  error?: string;
  stdout: string;
  stderr: string;
}

export interface Life {
  child: ChildProcess;
  /** Resolves true on `ready`, false if the process ended first. */
  ready: Promise<boolean>;
  end: Promise<LifeEnd>;
}

/** mulberry32: tiny seeded PRNG so a failing kill schedule can be replayed with CRASH_SEED. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function startDriver(args: string[]): Life {
  const child = spawn(process.execPath, [...driverArgv, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: (v: boolean) => void = () => {};
  const ready = new Promise<boolean>((r) => (onReady = r));
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    if (/^ready$/m.test(stdout)) onReady(true);
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const end = new Promise<LifeEnd>((resolve) => {
    child.on('close', (code, signal) => {
      onReady(false);
      const done = /^done (.*)$/m.exec(stdout);
      const error = /^error (.*)$/m.exec(stdout);
      resolve({
        code,
        signal,
        done: done ? (JSON.parse(done[1]!) as unknown) : undefined,
        error: error?.[1] ?? (done ? undefined : code !== 0 && !signal ? `exit ${code}: ${stderr.trim().split('\n').filter((l) => /error|Error/.test(l)).slice(0, 3).join(' | ') || stderr.trim().slice(-400)}` : undefined),
        stdout,
        stderr,
      });
    });
  });
  return { child, ready, end };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the driver without killing it; throws with its output if it fails or hangs. */
export async function runClean(args: string[], timeoutMs = 30_000): Promise<unknown> {
  const life = startDriver(args);
  const timer = setTimeout(() => life.child.kill('SIGKILL'), timeoutMs);
  const end = await life.end;
  clearTimeout(timer);
  if (end.signal === 'SIGKILL') throw new Error(`driver ${args.join(' ')} hung > ${timeoutMs} ms\n${end.stdout}\n${end.stderr}`);
  if (end.error || end.done === undefined) throw new Error(`driver ${args.join(' ')} failed: ${end.error ?? '(no done line)'}\n${end.stderr.slice(-2000)}`);
  return end.done;
}

export interface KillReport {
  kills: number;
  /** Delay (ms after `ready`) of every kill, in order: enough to replay a schedule by hand. */
  delays: number[];
}

/**
 * Drives `projectDir` with `drive <batchSize> 1` lives, SIGKILLing each one 20–300 ms (default) after
 * it is ready, until `minKills` kills happened. A life that ends on its own is a bug (the
 * keep-going driver never exits) and is thrown with its output.
 */
export async function killLoop(
  projectDir: string,
  opts: { seed: number; minKills: number; batchSize: number; minDelayMs?: number; maxDelayMs?: number; lanes?: number },
): Promise<KillReport> {
  const lo = opts.minDelayMs ?? 20;
  const hi = opts.maxDelayMs ?? 300;
  const delays: number[] = [];
  // `lanes` > 1 runs that many driver lives at once on the same db (several processes sharing
  // it, DESIGN §3): they race to adopt the jobs a killed life left behind.
  const lane = async (n: number): Promise<void> => {
    const rand = mulberry32(opts.seed + n);
    while (delays.length < opts.minKills) {
      const life = startDriver([projectDir, 'drive', String(opts.batchSize), '1']);
      const startTimer = setTimeout(() => life.child.kill('SIGKILL'), 20_000);
      const ready = await life.ready;
      clearTimeout(startTimer);
      if (!ready) {
        const end = await life.end;
        throw new Error(`driver life ${delays.length + 1} ended before ready: ${end.error ?? end.signal}\n${end.stderr.slice(-2000)}`);
      }
      const delay = Math.round(lo + rand() * (hi - lo));
      const ended = await Promise.race([life.end.then(() => true), sleep(delay).then(() => false)]);
      if (ended) {
        const end = await life.end;
        throw new Error(`driver life ${delays.length + 1} exited by itself after ready (seed ${opts.seed}): ${end.error ?? JSON.stringify(end.done)}\n${end.stderr.slice(-2000)}`);
      }
      life.child.kill('SIGKILL');
      await life.end;
      delays.push(delay);
    }
  };
  await Promise.all(Array.from({ length: opts.lanes ?? 1 }, (_, i) => lane(i)));
  return { kills: delays.length, delays };
}

/** Starts the driver, SIGKILLs it as soon as it prints `line` (a deterministic crash point). */
export async function killAtLine(args: string[], line: string, timeoutMs = 20_000): Promise<void> {
  const life = startDriver(args);
  const re = new RegExp(`^${line}$`, 'm');
  let out = '';
  const seen = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    life.child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (re.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    void life.end.then(() => {
      clearTimeout(timer);
      resolve(re.test(out));
    });
  });
  life.child.kill('SIGKILL');
  const end = await life.end;
  if (!seen) throw new Error(`driver ${args.join(' ')} never printed '${line}': ${end.error ?? JSON.stringify(end.done)}\n${end.stderr.slice(-2000)}`);
}

/** Polls until `find()` returns a path (or `timeoutMs` passes); returns it or null. */
export async function waitFor(find: () => string | null, timeoutMs = 15_000): Promise<string | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const hit = find();
    if (hit) return hit;
    await sleep(5);
  }
  return null;
}
