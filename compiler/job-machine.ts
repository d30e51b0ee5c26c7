/**
 * The job machine config (DESIGN D-R1): plain data built from the IR. The runtime names
 * the implementations with XState `setup()` and advances it with the pure `transition()`.
 *
 * Only the job lifecycle lives in the machine (SPEC E-1); steps are rows, and readiness
 * is computed incrementally by the engine from `deps` — never one region per step
 * (DESIGN §3: that is quadratic). Every entered state asks the runtime to append the
 * matching lifecycle event; the event's `data` travels with the machine event.
 */
import type { CompiledFlow } from './ir.js';

export type JobMachineEvent =
  | { type: 'START' }
  | { type: 'PAUSE'; data: Record<string, unknown> }
  | { type: 'RESUME' }
  | { type: 'RERUN' }
  | { type: 'COMPLETE' }
  | { type: 'FAIL'; data: Record<string, unknown> }
  | { type: 'CANCEL'; data: Record<string, unknown> };

type Transition = { target: string; actions: { type: 'emitJobEvent'; params: { event: string } }[] };

export interface JobMachineConfig {
  id: string;
  initial: 'pending';
  context: { flowHash: string; flowName: string };
  states: Record<string, { on: Record<string, Transition> }>;
}

/** A transition that asks the runtime to append lifecycle event `event` (none when null). */
const to = (target: string, event: string | null): Transition => ({
  target,
  actions: event ? [{ type: 'emitJobEvent', params: { event } }] : [],
});

/** Builds the lifecycle machine for one flow. `RERUN` re-opens a job without an event (E-14.3). */
export function buildJobMachineConfig(flow: CompiledFlow): JobMachineConfig {
  const reopen = { RESUME: to('running', 'job.resumed'), RERUN: to('running', null) };
  return {
    id: `job:${flow.name}`,
    initial: 'pending',
    context: { flowHash: flow.hash, flowName: flow.name },
    states: {
      pending: { on: { START: to('running', 'job.started'), CANCEL: to('cancelled', 'job.cancelled') } },
      running: {
        on: {
          PAUSE: to('paused', 'job.paused'),
          COMPLETE: to('completed', 'job.completed'),
          FAIL: to('failed', 'job.failed'),
          CANCEL: to('cancelled', 'job.cancelled'),
        },
      },
      paused: { on: { ...reopen, CANCEL: to('cancelled', 'job.cancelled'), FAIL: to('failed', 'job.failed') } },
      completed: { on: { ...reopen, CANCEL: to('cancelled', 'job.cancelled') } },
      failed: { on: { ...reopen, CANCEL: to('cancelled', 'job.cancelled') } },
      cancelled: { on: { ...reopen } },
    },
  };
}
