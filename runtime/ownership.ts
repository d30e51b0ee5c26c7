/**
 * Job ownership across processes (E-23, D-R2): one owner per job (`created_by`,
 * `runner_pid`, heartbeat every 2 s). An owner is dead when its pid is gone, its heartbeat
 * is older than 30 s, or it released the job on close (runner_pid NULL).
 */
import { isPidAlive } from './executors/process-group.js';

const STALE_MS = 30_000;

/** Owners open in THIS process (several Stepwise instances may share a pid in tests and servers). */
const localOwners = new Map<string, number>();

export function registerOwner(owner: string): void {
  localOwners.set(owner, (localOwners.get(owner) ?? 0) + 1);
}

export function unregisterOwner(owner: string): void {
  const n = (localOwners.get(owner) ?? 1) - 1;
  if (n <= 0) localOwners.delete(owner);
  else localOwners.set(owner, n);
}

/**
 * 'alive' = another live owner drives the job; 'dead' = anyone may adopt it.
 * A row owned by this very owner but not loaded in its engine counts as dead (a previous
 * instance with the same owner name died without releasing it).
 */
export function ownerState(row: Record<string, any>, me: string, nowMs: number): 'alive' | 'dead' {
  const pid = row.runner_pid as number | null;
  if (pid === null || pid === undefined) return 'dead';
  const owner = String(row.created_by ?? '');
  if (pid === process.pid) {
    if (owner === me) return 'dead';
    return localOwners.has(owner) ? 'alive' : 'dead';
  }
  if (!isPidAlive(pid)) return 'dead';
  const hb = row.heartbeat_at ? Date.parse(String(row.heartbeat_at)) : NaN;
  if (!Number.isNaN(hb) && nowMs - hb > STALE_MS) return 'dead';
  return 'alive';
}
