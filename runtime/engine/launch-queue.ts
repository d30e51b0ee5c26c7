/**
 * Launches waiting for an executor slot (D-R6): one queue for the global cap and one per
 * executor type (E-7.2), each first in, first out. The engine adds a launch when `slots`
 * refuses it and drains after every batch of results, inside one transaction.
 */
import type { ExecutorSlots } from './slots.js';

export interface QueuedLaunch {
  jobId: string;
  step: string;
  /** A loop or rerun relaunch: started without the readiness check (E-10.1). */
  bypass: boolean;
  /** An interrupted attempt to re-execute in its own row once a slot frees (D-R2 adoption). */
  restartRunId?: string;
}

/** An array with a head index: shifting a 10,000-item array once per launch would be quadratic. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export class LaunchQueue {
  private readonly global = new Fifo<QueuedLaunch>();
  private readonly byType = new Map<string, Fifo<QueuedLaunch>>();

  get empty(): boolean {
    return this.global.size === 0 && this.byType.size === 0;
  }

  /** `type` null: waits for a global slot; else for a slot of that executor type. */
  add(item: QueuedLaunch, type: string | null): void {
    if (type === null) return this.global.push(item);
    const q = this.byType.get(type) ?? new Fifo<QueuedLaunch>();
    q.push(item);
    this.byType.set(type, q);
  }

  /**
   * Hands `launch` every waiting launch whose slot is free now, in order: each type's queue while
   * that type has room, then the global queue. A handed launch may queue itself again (its
   * type or the global cap filled meanwhile) or be stale (its job stopped): `launch` decides.
   */
  drain(slots: ExecutorSlots, launch: (item: QueuedLaunch) => void): void {
    for (const [type, q] of [...this.byType]) {
      while (q.size > 0 && slots.blocked(type) === null) launch(q.shift()!);
      if (q.size === 0 && this.byType.get(type) === q) this.byType.delete(type);
    }
    while (this.global.size > 0 && slots.globalFree()) launch(this.global.shift()!);
  }
}
