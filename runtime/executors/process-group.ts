/**
 * Process-group helpers. Script children run as leaders of their own group (spawned with
 * `detached: true`), so one signal to `-pgid` reaches the command and everything it forked:
 * cancel and timeout must leave nothing running (E-14.2, D-3).
 */
import { readdirSync, readFileSync } from 'node:fs';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True while `pid` exists (EPERM means it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  // kill(0|-1, 0) signals a whole group and "succeeds": never take it as a live child.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * State and process group of `pid` from /proc (Linux), or null where /proc is unavailable.
 * Lets re-attach tell "our wrapper is still running" from "its pid was reused by someone
 * else" or "it is a zombie waiting to be reaped".
 */
export function readProcStat(pid: number): { state: string; pgid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command: state, ppid, pgrp, …
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgid = Number.parseInt(rest[2] ?? '', 10);
    return Number.isFinite(pgid) ? { state: rest[0] ?? '', pgid } : null;
  } catch {
    return null;
  }
}

/** True while `pid` is alive (not a zombie) and still belongs to the group `pgid`. */
export function isOwnedPidAlive(pid: number, pgid: number): boolean {
  if (!isPidAlive(pid)) return false;
  const stat = readProcStat(pid);
  if (stat === null) return true;
  return stat.state !== 'Z' && stat.pgid === pgid;
}

/** Pids of every process (Linux /proc), or null where /proc cannot be read. */
export function listPids(): number[] | null {
  try {
    return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
  } catch {
    return null;
  }
}

/** A process's argv from /proc, or null when it is gone or not ours to read. */
export function readCmdline(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.endsWith('\0') ? raw.slice(0, -1).split('\0') : raw.split('\0');
  } catch {
    return null;
  }
}

/**
 * True while any process of the group is still running. Zombies do not count: orphans are
 * reaped by init, which in some containers takes seconds, and a zombie runs no code.
 */
export function isGroupAlive(pgid: number): boolean {
  if (pgid <= 0 || !groupExists(pgid)) return false;
  const pids = listPids();
  if (pids === null) return true; // no /proc: trust kill(-pgid, 0)
  return pids.some((pid) => {
    const stat = readProcStat(pid);
    return stat !== null && stat.pgid === pgid && stat.state !== 'Z';
  });
}

/** kill(-pgid, 0): does any process of the group exist (zombies included)? */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to the whole group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (pgid <= 0) return; // never signal our own group or every process
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

/**
 * SIGTERM the group, then SIGKILL whatever is left after `graceMs` (E-14.2: 5 s by default).
 * Resolves once the group is gone or has been sent SIGKILL.
 */
export async function terminateGroup(pgid: number, graceMs: number, pollMs = 25): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
  signalGroup(pgid, 'SIGKILL');
}
