/**
 * The job machine config (DESIGN D-R1): plain data built from the IR. The runtime names
 * the implementations with XState `setup()` and advances it with the pure `transition()`.
 *
 * Only the job lifecycle lives in the machine (SPEC E-1); steps are rows, and readiness
 * is computed incrementally by the engine from `deps` — never one region per step
 * (DESIGN §3: that is quadratic). Lifecycle transitions ask the runtime to append the
 * matching event (`emitJobEvent`); the event's `data` travels with the machine event. Step
 * inputs (executor results, timers, settled sub-jobs) are accepted — as an action naming
 * their handler — only while the job is running or paused, so the machine decides what a
 * job in each state still listens to. There are no guards and action params are static: the
 * runtime memoizes `transition()` per (state, event type) (runtime/engine/job-machine.ts).
 */
import type { CompiledFlow } from './ir.js';

export type JobMachineEvent =
  | { type: 'START' }
  | { type: 'PAUSE'; data: Record<string, unknown> }
  | { type: 'RESUME' }
  | { type: 'RERUN' }
  | { type: 'COMPLETE' }
  | { type: 'FAIL'; data: Record<string, unknown> }
  | { type: 'CANCEL'; data: Record<string, unknown> }
  /** Step-level inputs: handled in place (no state change) while running or paused, dropped otherwise. */
  | { type: 'EXECUTOR_RESULT' }
  | { type: 'TIMER_FIRED' }
  | { type: 'SUB_JOB_SETTLED' };

type Transition = { target?: string; actions: { type: string; params: Record<string, unknown> }[] };

export interface JobMachineConfig {
  id: string;
  initial: 'pending';
  context: { flowName: string };
  states: Record<string, { on: Record<string, Transition> }>;
}

/** A transition that asks the runtime to append lifecycle event `event` (none when null). */
const to = (target: string, event: string | null): Transition => ({
  target,
  actions: event ? [{ type: 'emitJobEvent', params: { event } }] : [],
});

/** A targetless transition: the runtime runs handler `action` and the state stays. */
const handle = (action: string): Transition => ({ actions: [{ type: action, params: {} }] });

/** Builds the lifecycle machine for one flow. `RERUN` re-opens a job without an event (E-14.3). */
export function buildJobMachineConfig(flow: Pick<CompiledFlow, 'name'>): JobMachineConfig {
  const reopen = { RESUME: to('running', 'job.resumed'), RERUN: to('running', null) };
  const inputs = {
    EXECUTOR_RESULT: handle('processResult'),
    TIMER_FIRED: handle('fireTimer'),
    SUB_JOB_SETTLED: handle('subJobSettled'),
  };
  return {
    id: `job:${flow.name}`,
    initial: 'pending',
    context: { flowName: flow.name },
    states: {
      pending: { on: { START: to('running', 'job.started'), CANCEL: to('cancelled', 'job.cancelled') } },
      running: {
        on: {
          PAUSE: to('paused', 'job.paused'),
          COMPLETE: to('completed', 'job.completed'),
          FAIL: to('failed', 'job.failed'),
          CANCEL: to('cancelled', 'job.cancelled'),
          ...inputs,
        },
      },
      paused: { on: { ...reopen, CANCEL: to('cancelled', 'job.cancelled'), FAIL: to('failed', 'job.failed'), ...inputs } },
      completed: { on: { ...reopen, CANCEL: to('cancelled', 'job.cancelled') } },
      failed: { on: { ...reopen, CANCEL: to('cancelled', 'job.cancelled') } },
      cancelled: { on: { ...reopen } },
    },
  };
}
