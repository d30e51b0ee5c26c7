/**
 * The job lifecycle machine (D-R1): the config the compiler lowered into the IR (`flow.machine`), implementations
 * named here with `setup()`, advanced with the pure `transition()`. The engine commits the
 * next status and the returned actions' event rows in one transaction, then notifies.
 */
import { setup, transition, type AnyStateMachine } from 'xstate';
import type { CompiledFlow } from '../../compiler/ir.js';
import type { JobMachineEvent } from '../../compiler/job-machine.js';
import type { JobStatus } from '../types.js';

export type { JobMachineEvent };

const machines = new Map<string, AnyStateMachine>();

export function jobMachineFor(flow: CompiledFlow): AnyStateMachine {
  let m = machines.get(flow.hash);
  if (!m) {
    // The action is a marker: the engine executes it (append the event row) inside its transaction.
    m = setup({
      actions: { emitJobEvent: () => undefined, processResult: () => undefined, fireTimer: () => undefined, subJobSettled: () => undefined },
    }).createMachine(flow.machine as any);
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
  const snapshot = machine.resolveState({ value: status, context: { flowName: flow.name } });
  const [next, actions] = transition(machine, snapshot, event as any);
  const nextStatus = String(next.value) as JobStatus;
  const data = 'data' in event ? event.data : {};
  const events = actions
    .filter((a: any) => a.type === 'emitJobEvent')
    .map((a: any) => ({ event: String(a.params?.event), data }));
  const handlers = actions.filter((a: any) => a.type !== 'emitJobEvent').map((a: any) => String(a.type));
  return { status: nextStatus, events, handlers, changed: nextStatus !== status || events.length > 0 };
}
