/**
 * Executor slots (E-7, D-R6): the global cap (`STEPWISE_EXECUTOR_THREADS`, default 32) and the
 * caps per executor type (`max_concurrent_by_executor`; `agent` seeded by
 * `max_concurrent_agents`, default 3). Both are exact: a launch decided inside a transaction
 * reserves its slot at once (the executor starts after the commit), a rolled-back transaction
 * gives its reservations back, and a finished or re-attached executor is counted by type.
 */

/** Caps per executor type; 0 or absent = unlimited. */
export type ExecutorCaps = Readonly<Record<string, number>>;

/** SPEC E-7.2 / EVENTS_AND_API: `max_concurrent_agents` defaults to 3. */
export const DEFAULT_EXECUTOR_CAPS: ExecutorCaps = { agent: 3 };

export type Blocked = { reason: 'global'; running: number; limit: number } | { reason: 'executor_type'; running: number; limit: number };

export class ExecutorSlots {
  running = 0;
  reserved = 0;
  private readonly caps: Map<string, number>;
  private readonly runningBy = new Map<string, number>();
  private readonly reservedBy = new Map<string, number>();
  /** Types reserved in the current transaction, given back on rollback. */
  private inHandle: string[] = [];

  constructor(
    readonly maxRunning: number,
    caps: ExecutorCaps = DEFAULT_EXECUTOR_CAPS,
  ) {
    this.caps = new Map(Object.entries(caps).filter(([, n]) => Number.isInteger(n) && n > 0));
  }

  capOf(type: string): number {
    return this.caps.get(type) ?? 0;
  }

  /** Executors of `type` running or about to start. */
  loadOf(type: string): number {
    return (this.runningBy.get(type) ?? 0) + (this.reservedBy.get(type) ?? 0);
  }

  /** Why an executor of `type` cannot start now (the type cap is reported first), or null. */
  blocked(type: string): Blocked | null {
    const cap = this.capOf(type);
    if (cap > 0 && this.loadOf(type) >= cap) return { reason: 'executor_type', running: this.loadOf(type), limit: cap };
    if (!this.globalFree()) return { reason: 'global', running: this.running + this.reserved, limit: this.maxRunning };
    return null;
  }

  /** Room under the global cap (STEPWISE_EXECUTOR_THREADS), whatever the type. */
  globalFree(): boolean {
    return this.running + this.reserved < this.maxRunning;
  }

  /** A launch decided in the current transaction; its executor starts after the commit. */
  reserve(type: string): void {
    this.reserved++;
    bump(this.reservedBy, type, 1);
    this.inHandle.push(type);
  }

  /** The deferred start ran (it then calls `started`, or not when the run was stopped meanwhile). */
  unreserve(type: string): void {
    this.reserved--;
    bump(this.reservedBy, type, -1);
  }

  committed(): void {
    this.inHandle = [];
  }

  rolledBack(): void {
    for (const t of this.inHandle) this.unreserve(t);
    this.inHandle = [];
  }

  started(type: string): void {
    this.running++;
    bump(this.runningBy, type, 1);
  }

  finished(type: string): void {
    this.running--;
    bump(this.runningBy, type, -1);
  }
}

function bump(m: Map<string, number>, k: string, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}
