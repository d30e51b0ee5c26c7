/**
 * What the pure engine modules (readiness, currentness, input resolution) read about one
 * job: latest runs per step, the stored current flags, loop frames. The engine implements
 * it over its in-memory index; tests implement it over plain maps.
 */
import type { RunRecord } from '../types.js';
import type { FlowIndex } from './flow-index.js';

/** E-10.4 loop frame. `presence` is kept for parity with the reference; the engine does not read it. */
export interface LoopFrame {
  iteration: number;
  parent: string | null;
  /** The loop fired while the job was paused: its target launches on resume. */
  pendingLaunch?: boolean;
}

export interface JobView {
  index: FlowIndex;
  jobInputs: Record<string, unknown>;
  latest(step: string): RunRecord | undefined;
  latestCompleted(step: string): RunRecord | undefined;
  /** The stored E-6 current flag of a step (its latest run is completed and current). */
  isCurrent(step: string): boolean;
  frame(target: string): LoopFrame | undefined;
  /** A run of this job by id (for recorded dep runs that are not completed). */
  runById?(id: string): RunRecord | undefined;
}

export const ACTIVE: ReadonlySet<string> = new Set(['running', 'suspended', 'delegated']);

export function isActiveRun(r: RunRecord | undefined): boolean {
  return !!r && ACTIVE.has(r.status);
}

/** Latest run FAILED on a step with `on_error: continue` (E-4.2, E-5.5). */
export function failedContinue(view: JobView, step: string): boolean {
  const l = view.latest(step);
  return !!l && l.status === 'failed' && view.index.steps.get(step)?.step.onError === 'continue';
}
