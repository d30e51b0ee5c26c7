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

/** The machine's answer for one (status, event type): the config has no guards and static params. */
type Answer = { status: JobStatus; eventNames: string[]; handlers: string[]; changed: boolean };
const answers = new WeakMap<AnyStateMachine, Map<string, Answer>>();

/**
 * Pure: the next job status and the lifecycle events for `event` from `status`. XState decides
 * each (status, event type) pair once per machine; `transition()` is pure and the lowered config
 * has no guards (compiler/job-machine.ts), so its answer is kept (it was ~0.1 ms of every step).
 */
export function advanceJob(flow: CompiledFlow, status: JobStatus, event: JobMachineEvent): LifecycleStep {
  const machine = jobMachineFor(flow);
  let memo = answers.get(machine);
  if (!memo) answers.set(machine, (memo = new Map()));
  const key = `${status}\0${event.type}`;
  let a = memo.get(key);
  if (!a) {
    const snapshot = machine.resolveState({ value: status, context: { flowName: flow.name } });
    const [next, actions] = transition(machine, snapshot, event as any);
    const nextStatus = String(next.value) as JobStatus;
    const eventNames = actions.filter((x: any) => x.type === 'emitJobEvent').map((x: any) => String(x.params?.event));
    const handlers = actions.filter((x: any) => x.type !== 'emitJobEvent').map((x: any) => String(x.type));
    a = { status: nextStatus, eventNames, handlers, changed: nextStatus !== status || eventNames.length > 0 };
    memo.set(key, a);
  }
  const data = 'data' in event ? event.data : {};
  return { status: a.status, events: a.eventNames.map((e) => ({ event: e, data })), handlers: a.handlers, changed: a.changed };
}
