/**
 * The job lifecycle machine (D-R1): config from `compiler/job-machine.ts`, implementations
 * named here with `setup()`, advanced with the pure `transition()`. The engine commits the
 * next status and the returned actions' event rows in one transaction, then notifies.
 */
import { setup, transition, type AnyStateMachine } from 'xstate';
import type { CompiledFlow } from '../../compiler/ir.js';
import type { JobMachineConfig, JobMachineEvent } from '../../compiler/job-machine.js';
import type { JobStatus } from '../types.js';

export type { JobMachineEvent };

type Transition = JobMachineConfig['states'][string]['on'][string];

/**
 * The lifecycle config, as plain data. It mirrors `buildJobMachineConfig` in
 * compiler/job-machine.ts (the runtime may import the compiler only as types, DESIGN §2);
 * tests/runtime/job-machine.test.ts asserts that both are equal.
 */
export function jobMachineConfig(flow: CompiledFlow): JobMachineConfig {
  const to = (target: string, event: string | null): Transition => ({
    target,
    actions: event ? [{ type: 'emitJobEvent', params: { event } }] : [],
  });
  const handle = (action: string): Transition => ({ actions: [{ type: action, params: {} }] });
  const reopen = { RESUME: to('running', 'job.resumed'), RERUN: to('running', null) };
  const inputs = {
    EXECUTOR_RESULT: handle('processResult'),
    TIMER_FIRED: handle('fireTimer'),
    SUB_JOB_SETTLED: handle('subJobSettled'),
  };
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

const machines = new Map<string, AnyStateMachine>();

export function jobMachineFor(flow: CompiledFlow): AnyStateMachine {
  let m = machines.get(flow.hash);
  if (!m) {
    // The action is a marker: the engine executes it (append the event row) inside its transaction.
    m = setup({
      actions: { emitJobEvent: () => undefined, processResult: () => undefined, fireTimer: () => undefined, subJobSettled: () => undefined },
    }).createMachine(jobMachineConfig(flow) as any);
    machines.set(flow.hash, m);
  }
  return m;
}

export interface LifecycleStep {
  status: JobStatus;
  /** Lifecycle events to append, in order. */
  events: { event: string; data: Record<string, unknown> }[];
  /** Handlers the engine must run for a step input (`processResult`, `fireTimer`, `subJobSettled`). */
  handlers: string[];
  /** False when the machine refused the event in the current state. */
  changed: boolean;
}

/** Pure: the next job status and the lifecycle events for `event` from `status`. */
export function advanceJob(flow: CompiledFlow, status: JobStatus, event: JobMachineEvent): LifecycleStep {
  const machine = jobMachineFor(flow);
  const snapshot = machine.resolveState({ value: status, context: { flowHash: flow.hash, flowName: flow.name } });
  const [next, actions] = transition(machine, snapshot, event as any);
  const nextStatus = String(next.value) as JobStatus;
  const data = 'data' in event ? event.data : {};
  const events = actions
    .filter((a: any) => a.type === 'emitJobEvent')
    .map((a: any) => ({ event: String(a.params?.event), data }));
  const handlers = actions.filter((a: any) => a.type !== 'emitJobEvent').map((a: any) => String(a.type));
  return { status: nextStatus, events, handlers, changed: nextStatus !== status || events.length > 0 };
}
