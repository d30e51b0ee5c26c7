import { describe, expect, it } from 'vitest';
import { advanceJob } from '../../runtime/engine/job-machine.js';
import { tinyFlow } from './helpers.js';

describe('D-R1 job lifecycle machine (XState transition)', () => {
  const flow = tinyFlow();
  it('E-1 pending → running emits job.started', () => {
    const r = advanceJob(flow, 'pending', { type: 'START' });
    expect(r.status).toBe('running');
    expect(r.events).toEqual([{ event: 'job.started', data: {} }]);
  });
  it('E-9.2 running → paused carries the event data', () => {
    const r = advanceJob(flow, 'running', { type: 'PAUSE', data: { reason: 'escalated', step: 'a', rule: 'r' } });
    expect(r.status).toBe('paused');
    expect(r.events[0]).toEqual({ event: 'job.paused', data: { reason: 'escalated', step: 'a', rule: 'r' } });
  });
  it('E-14.1 resume from failed → running with job.resumed; RERUN emits nothing (E-14.3)', () => {
    expect(advanceJob(flow, 'failed', { type: 'RESUME' }).events[0]?.event).toBe('job.resumed');
    const r = advanceJob(flow, 'completed', { type: 'RERUN' });
    expect(r.status).toBe('running');
    expect(r.events).toEqual([]);
  });
  it('memoized answers still carry each event\'s own data, and match a fresh XState transition', () => {
    const a = advanceJob(flow, 'running', { type: 'PAUSE', data: { reason: 'first' } });
    const b = advanceJob(flow, 'running', { type: 'PAUSE', data: { reason: 'second' } });
    expect(a.events).toEqual([{ event: 'job.paused', data: { reason: 'first' } }]);
    expect(b.events).toEqual([{ event: 'job.paused', data: { reason: 'second' } }]);
  });
  it('the lowered config has no guards and static params (the memo in advanceJob relies on it)', () => {
    const walk = (v: unknown): string[] =>
      v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => (k === 'guard' || k === 'cond' ? [k] : walk(x))) : [];
    expect(walk(flow.machine)).toEqual([]);
  });
  it('D-11 cancel emits job.cancelled; a refused event changes nothing', () => {
    expect(advanceJob(flow, 'running', { type: 'CANCEL', data: {} }).events[0]?.event).toBe('job.cancelled');
    const r = advanceJob(flow, 'pending', { type: 'COMPLETE' });
    expect(r.changed).toBe(false);
    expect(r.status).toBe('pending');
  });
});

describe('D-R1 the runtime drives the machine the compiler lowered into the IR', () => {
  it('a compiled flow carries its lifecycle config, and the runtime obeys that config', () => {
    const flow = tinyFlow();
    expect(flow.machine.initial).toBe('pending');
    // A flow whose lowered machine has no START transition cannot start: the runtime reads flow.machine.
    const frozen = structuredClone(flow);
    frozen.hash = 'frozen-hash';
    frozen.machine.states.pending!.on = {};
    expect(advanceJob(frozen, 'pending', { type: 'START' }).changed).toBe(false);
    expect(advanceJob(flow, 'pending', { type: 'START' }).status).toBe('running');
  });
});

describe('D-R1 step inputs go through the machine', () => {
  const flow = tinyFlow();
  it('running and paused accept executor results, timers and settled sub-jobs without changing state', () => {
    for (const status of ['running', 'paused'] as const) {
      const r = advanceJob(flow, status, { type: 'EXECUTOR_RESULT' });
      expect(r.status).toBe(status);
      expect(r.handlers).toEqual(['processResult']);
      expect(r.events).toEqual([]);
      expect(advanceJob(flow, status, { type: 'TIMER_FIRED' }).handlers).toEqual(['fireTimer']);
      expect(advanceJob(flow, status, { type: 'SUB_JOB_SETTLED' }).handlers).toEqual(['subJobSettled']);
    }
  });
  it('pending, completed, failed and cancelled drop them', () => {
    for (const status of ['pending', 'completed', 'failed', 'cancelled'] as const) {
      expect(advanceJob(flow, status, { type: 'EXECUTOR_RESULT' }).handlers).toEqual([]);
    }
  });
});
