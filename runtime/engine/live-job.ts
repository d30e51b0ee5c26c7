/**
 * The in-memory index of one job the engine drives (D-R1, D-R4): runs per step in attempt
 * order, the stored E-6 current flag per step, loop frames, counters. Rebuilt from rows on
 * adoption; every mutation is mirrored to SQLite inside the engine's transaction.
 */
import type { CompiledFlow } from '../../compiler/ir.js';
import type { JobRecord, RunRecord } from '../types.js';
import { computeCurrent } from '../logic/currentness.js';
import { indexFlow, type FlowIndex } from '../logic/flow-index.js';
import { ACTIVE, type JobView, type LoopFrame } from '../logic/job-view.js';
import type { LoopFrames } from '../logic/loop-frames.js';
import type { ForEachProgress } from './delegation.js';

export class LiveJob implements JobView {
  readonly index: FlowIndex;
  readonly runsByStep = new Map<string, RunRecord[]>();
  readonly runsById = new Map<string, RunRecord>();
  readonly lastCompleted = new Map<string, RunRecord>();
  readonly current = new Set<string>();
  frames: LoopFrames = {};
  /** Runs that are running, suspended or delegated. */
  readonly active = new Set<string>();
  readonly suspended = new Set<string>();
  /** Ready steps waiting for an executor slot (D-R6). */
  readonly queued = new Set<string>();
  readonly aborts = new Map<string, AbortController>();
  /** for_each progress per delegated run id (E-16.4). */
  readonly forEach = new Map<string, ForEachProgress>();
  /** Armed timers by row id: the absolute due time (injected clock) and the wall-clock handle. */
  readonly timers = new Map<number, { dueAt: number; handle: NodeJS.Timeout }>();

  constructor(
    public record: JobRecord,
    readonly flow: CompiledFlow,
  ) {
    this.index = indexFlow(flow);
  }

  get id(): string {
    return this.record.id;
  }
  get jobInputs(): Record<string, unknown> {
    return this.record.inputs;
  }

  latest(step: string): RunRecord | undefined {
    const runs = this.runsByStep.get(step);
    return runs ? runs[runs.length - 1] : undefined;
  }
  latestCompleted(step: string): RunRecord | undefined {
    return this.lastCompleted.get(step);
  }
  isCurrent(step: string): boolean {
    return this.current.has(step);
  }
  frame(target: string): LoopFrame | undefined {
    return this.frames[target];
  }
  runById(id: string): RunRecord | undefined {
    return this.runsById.get(id);
  }
  runsOf(step: string): RunRecord[] {
    return this.runsByStep.get(step) ?? [];
  }
  nextAttempt(step: string): number {
    let max = 0;
    for (const r of this.runsOf(step)) max = Math.max(max, r.attempt);
    return max + 1;
  }

  /** Registers a run (new or loaded) in the indexes. */
  addRun(r: RunRecord): void {
    const list = this.runsByStep.get(r.stepName) ?? [];
    list.push(r);
    this.runsByStep.set(r.stepName, list);
    this.runsById.set(r.id, r);
    this.noteStatus(r);
  }

  removeRun(r: RunRecord): void {
    const list = this.runsByStep.get(r.stepName);
    if (list) this.runsByStep.set(r.stepName, list.filter((x) => x.id !== r.id));
    this.runsById.delete(r.id);
    this.active.delete(r.id);
    this.suspended.delete(r.id);
    this.recomputeLastCompleted(r.stepName);
  }

  /** Keeps the active/suspended sets and the latest-completed pointer in step with `r.status`. */
  noteStatus(r: RunRecord): void {
    if (ACTIVE.has(r.status)) this.active.add(r.id);
    else this.active.delete(r.id);
    if (r.status === 'suspended') this.suspended.add(r.id);
    else this.suspended.delete(r.id);
    if (r.status === 'completed') {
      const prev = this.lastCompleted.get(r.stepName);
      if (!prev || prev.attempt <= r.attempt) this.lastCompleted.set(r.stepName, r);
    } else if (this.lastCompleted.get(r.stepName)?.id === r.id) {
      this.recomputeLastCompleted(r.stepName);
    }
  }

  private recomputeLastCompleted(step: string): void {
    const done = [...this.runsOf(step)].reverse().find((x) => x.status === 'completed');
    if (done) this.lastCompleted.set(step, done);
    else this.lastCompleted.delete(step);
  }

  /**
   * E-6 cascade: recompute the flag of each changed step, and of the dependents of any
   * step whose flag flipped. Returns every step whose flag flipped.
   */
  refreshCurrent(changed: Iterable<string>): Set<string> {
    const flipped = new Set<string>();
    const work = [...changed];
    const seen = new Map<string, number>();
    while (work.length) {
      const s = work.pop()!;
      // Guard against pathological oscillation on malformed graphs.
      const n = (seen.get(s) ?? 0) + 1;
      seen.set(s, n);
      if (n > 64) continue;
      const now = computeCurrent(this, s);
      if (now === this.current.has(s)) continue;
      if (now) this.current.add(s);
      else this.current.delete(s);
      flipped.add(s);
      for (const d of this.index.steps.get(s)?.dependents ?? []) work.push(d);
    }
    return flipped;
  }

  /** Initial flags after loading rows: dependencies first (regular deps form a DAG). Iterative: chains can be 10,000 long. */
  rebuildCurrent(): void {
    this.current.clear();
    const done = new Set<string>();
    const depsOf = (s: string): string[] => {
      const info = this.index.steps.get(s);
      return info ? [...info.regularDeps, ...info.afterResolved, ...info.anyOfBindings.flatMap((b) => b.sources.map((x) => x.step))] : [];
    };
    for (const root of this.index.order) {
      if (done.has(root)) continue;
      const stack: { s: string; expanded: boolean }[] = [{ s: root, expanded: false }];
      const onStack = new Set<string>([root]);
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        if (!top.expanded) {
          top.expanded = true;
          for (const d of depsOf(top.s)) {
            if (!done.has(d) && !onStack.has(d) && this.index.steps.has(d)) {
              onStack.add(d);
              stack.push({ s: d, expanded: false });
            }
          }
          continue;
        }
        stack.pop();
        onStack.delete(top.s);
        if (done.has(top.s)) continue;
        if (computeCurrent(this, top.s)) this.current.add(top.s);
        done.add(top.s);
      }
    }
  }

  /** Running + delegated runs (suspended excluded), and no step waiting for a slot. */
  get busy(): boolean {
    return this.active.size - this.suspended.size > 0 || this.queued.size > 0;
  }
}
