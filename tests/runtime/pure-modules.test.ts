/** Pure engine modules on compiled IR with hand-made runs: E-4, E-5, E-6, E-9, E-10.4, E-13. */
import { describe, expect, it } from 'vitest';
import type { CompiledFlow } from '../../compiler/ir.js';
import { computeCurrent } from '../../runtime/logic/currentness.js';
import { evaluateExitRules } from '../../runtime/logic/exit-rules.js';
import { indexFlow } from '../../runtime/logic/flow-index.js';
import { resolveInputs, walkPath } from '../../runtime/logic/input-resolution.js';
import type { JobView, LoopFrame } from '../../runtime/logic/job-view.js';
import { fireLoop } from '../../runtime/logic/loop-frames.js';
import { checkReady } from '../../runtime/logic/readiness.js';
import { completedOutputs, terminalOutputs } from '../../runtime/logic/terminal-outputs.js';
import { evaluateWhen } from '../../runtime/logic/when.js';
import { validateOutputs } from '../../runtime/logic/process-artifact.js';
import type { RunRecord, RunStatus } from '../../runtime/types.js';
import { compile } from './helpers.js';

let seq = 0;
function run(step: string, status: RunStatus, artifact: Record<string, unknown> | null = {}, depRunIds: Record<string, string> = {}): RunRecord {
  seq++;
  return {
    id: `run-${seq}`, jobId: 'job-1', stepName: step, attempt: seq, status, inputs: {}, depRunIds, artifact,
    error: null, errorCategory: null, executorState: null, executorMeta: null, watch: null, subJobId: null, pid: null,
    startedAt: null, completedAt: null,
  };
}

/** A JobView over plain lists; current flags computed dependencies-first like the engine. */
function view(flow: CompiledFlow, runs: RunRecord[], frames: Record<string, LoopFrame> = {}, jobInputs: Record<string, unknown> = {}): JobView {
  const by = new Map<string, RunRecord[]>();
  for (const r of runs) by.set(r.stepName, [...(by.get(r.stepName) ?? []), r]);
  const current = new Set<string>();
  const v: JobView = {
    index: indexFlow(flow),
    jobInputs,
    latest: (s) => by.get(s)?.at(-1),
    latestCompleted: (s) => [...(by.get(s) ?? [])].reverse().find((r) => r.status === 'completed'),
    isCurrent: (s) => current.has(s),
    frame: (t) => frames[t],
    runById: (id) => runs.find((r) => r.id === id),
  };
  for (const s of flow.steps.map((x) => x.name)) if (computeCurrent(v, s)) current.add(s);
  return v;
}

const CHAIN = compile(`
name: pure-chain
steps:
  a: { run: x, outputs: [x] }
  b: { run: x, inputs: { x: a.x }, outputs: [y] }
  c: { run: x, inputs: { y: b.y }, outputs: [z] }
`);

describe('E-6 currentness', () => {
  it('a completed run is current when its recorded deps are the current latest runs', () => {
    const a = run('a', 'completed', { x: 1 });
    const b = run('b', 'completed', { y: 1 }, { a: a.id });
    const v = view(CHAIN, [a, b]);
    expect(v.isCurrent('a')).toBe(true);
    expect(v.isCurrent('b')).toBe(true);
  });
  it('supersession: a newer (even running) run of a makes b non-current', () => {
    const a = run('a', 'completed', { x: 1 });
    const b = run('b', 'completed', { y: 1 }, { a: a.id });
    const a2 = run('a', 'running', null);
    const v = view(CHAIN, [a, b, a2]);
    expect(v.isCurrent('a')).toBe(false);
    expect(v.isCurrent('b')).toBe(false);
  });
});

describe('E-5 readiness', () => {
  it('E-5.5 / E-10.1 a loop target whose relaunch waits for a slot is not settled: dependents wait for it', () => {
    const a = run('a', 'completed', { x: 1 });
    const waiting: Record<string, LoopFrame> = { a: { iteration: 1, parent: null, pendingLaunch: true } };
    expect(checkReady(view(CHAIN, [a], waiting), 'b')).toEqual({ ready: false, why: 'dep a not settled' });
    expect(checkReady(view(CHAIN, [a], { a: { iteration: 1, parent: null } }), 'b').ready).toBe(true);
  });
  it('an entry step is ready; a step whose dep is not settled is not', () => {
    const v = view(CHAIN, []);
    expect(checkReady(v, 'a').ready).toBe(true);
    expect(checkReady(v, 'b').ready).toBe(false);
  });
  it('ready once the dep is current; not ready again while its own run is current (E-5.4)', () => {
    const a = run('a', 'completed', { x: 1 });
    expect(checkReady(view(CHAIN, [a]), 'b').ready).toBe(true);
    const b = run('b', 'completed', { y: 1 }, { a: a.id });
    expect(checkReady(view(CHAIN, [a, b]), 'b')).toMatchObject({ ready: false, why: 'current' });
  });
  it('E-5.4a settled-terminal guard: a non-current completed step relaunches only for a newer dep run', () => {
    const a = run('a', 'completed', { x: 1 });
    const b = run('b', 'completed', { y: 1 }, { a: a.id });
    const a2 = run('a', 'completed', { x: 2 });
    const r = checkReady(view(CHAIN, [a, b, a2]), 'b');
    expect(r.ready).toBe(true);
    if (r.ready) expect(r.resolved.inputs).toEqual({ x: 2 });
  });
  it('E-5.4a a consumer that recorded a failed-with-continue dep relaunches once a newer completed run exists', () => {
    const flow = compile(`
name: guard
steps:
  a: { run: x, outputs: [x], on_error: continue }
  b: { run: x, inputs: { x: a.x }, outputs: [y] }
`);
    const a1 = run('a', 'completed', { x: 1 });
    const a2 = run('a', 'failed');
    const b = run('b', 'completed', { y: 1 }, { a: a2.id });
    const a3 = run('a', 'running', null);
    // a's newest run is active: b is not current and its recorded dep (a2) is newer than a1.
    expect(checkReady(view(flow, [a1, a2, b, a3]), 'b')).toMatchObject({ ready: false });
    const a4 = run('a', 'completed', { x: 4 });
    const r = checkReady(view(flow, [a1, a2, b, a4]), 'b');
    expect(r.ready).toBe(true);
    if (r.ready) expect(r.resolved.inputs).toEqual({ x: 4 });
  });

  it('E-5.2 a failed step with on_error continue never relaunches', () => {
    const flow = compile(`
name: cont
steps:
  a: { run: x, outputs: [x], on_error: continue }
`);
    expect(checkReady(view(flow, [run('a', 'failed')]), 'a').ready).toBe(false);
  });
});

describe('E-4 input resolution', () => {
  it('E-4.2 dotted paths; non-object in the way → null', () => {
    expect(walkPath({ b: { c: 1 } }, ['b', 'c'])).toBe(1);
    expect(walkPath({ b: 3 }, ['b', 'c'])).toBeNull();
    expect(walkPath(null, ['x'])).toBeNull();
  });
  it('E-4.4 a back-edge is absent while its loop frame is missing or at iteration 0', () => {
    const flow = compile(`
name: back
steps:
  analyze:
    run: x
    inputs:
      prev: { from: critique.note, optional: true }
    outputs: [text]
  critique:
    run: x
    inputs: { text: analyze.text }
    outputs: [note]
    exits:
      - { name: again, when: "True", action: loop, target: analyze, max_iterations: 3 }
`);
    const step = flow.steps[0]!;
    const an = run('analyze', 'completed', { text: 't' });
    const cr = run('critique', 'completed', { note: 'n1' }, { analyze: an.id });
    expect(resolveInputs(view(flow, [an, cr]), step).inputs).toEqual({});
    expect(resolveInputs(view(flow, [an, cr], { analyze: { iteration: 0, parent: null } }), step).inputs).toEqual({});
    const r = resolveInputs(view(flow, [an, cr], { analyze: { iteration: 1, parent: null } }), step);
    expect(r.inputs).toEqual({ prev: 'n1' });
    expect(r.depRunIds).toEqual({ critique: cr.id });
  });
  it('E-4.3 any_of: first source in list order with a completed run wins', () => {
    const flow = compile(`
name: anyof
steps:
  p: { run: x, outputs: [v] }
  q: { run: x, outputs: [v] }
  u:
    run: x
    inputs:
      v: { any_of: [p.v, q.v] }
    outputs: [w]
`);
    const q = run('q', 'completed', { v: 'q' });
    const p = run('p', 'completed', { v: 'p' });
    const r = resolveInputs(view(flow, [q, p]), flow.steps[2]!);
    expect(r.inputs).toEqual({ v: 'p' });
    expect(r.depRunIds).toEqual({ p: p.id });
  });
});

describe('X-6 predicate when', () => {
  const pres = { n: true };
  it('eq is strict about types; is_present reads the presence map', () => {
    expect(evaluateWhen({ kind: 'predicate', input: 'n', op: 'eq', value: 5 }, { n: 5 }, pres)).toBe(true);
    expect(evaluateWhen({ kind: 'predicate', input: 'n', op: 'eq', value: 1 }, { n: true }, pres)).toBe(false);
    expect(evaluateWhen({ kind: 'predicate', input: 'n', op: 'in', value: [200] }, { n: '200' }, pres)).toBe(false);
    expect(evaluateWhen({ kind: 'predicate', input: 'n', op: 'is_null', value: true }, {}, { n: false })).toBe(false);
    expect(evaluateWhen({ kind: 'predicate', input: 'n', op: 'is_present', value: false }, {}, { n: false })).toBe(true);
  });
});

describe('E-9 exit-rule evaluation', () => {
  const flow = compile(`
name: exits
steps:
  a:
    run: x
    outputs: [v]
    exits:
      - { name: bad, when: "outputs.v > 'x'", action: advance }
      - { name: big, when: "outputs.v >= 10", action: escalate }
      - { name: third, when: "attempt >= 3", action: advance }
`);
  const step = flow.steps[0]!;
  it('first truthy rule in declaration order fires; evaluation errors are recorded as not matched', () => {
    const r = evaluateExitRules(step, { v: 12 }, 1);
    expect(r.decision).toMatchObject({ kind: 'fired', rule: { name: 'big' } });
    expect(r.errors.map((e) => e.rule)).toEqual(['bad']);
    expect(evaluateExitRules(step, { v: 1 }, 3).decision).toMatchObject({ kind: 'fired', rule: { name: 'third' } });
  });
  it('E-9.3 nothing fired with an advance rule present → no_match', () => {
    expect(evaluateExitRules(step, { v: 1 }, 1).decision).toEqual({ kind: 'no_match' });
  });
});

describe('E-10.4 loop frames', () => {
  it('first fire creates iteration 1; each fire increments; descendant frames are dropped', () => {
    const parents = { outer: null, inner: 'outer' };
    let f = fireLoop({}, 'inner', parents);
    expect(f.inner).toEqual({ iteration: 1, parent: 'outer' });
    f = fireLoop(f, 'inner', parents);
    expect(f.inner!.iteration).toBe(2);
    f = fireLoop(f, 'outer', parents);
    expect(f).toEqual({ outer: { iteration: 1, parent: null } });
  });
});

describe('E-13 outputs / E-8.3 validation', () => {
  it('terminal outputs: latest completed artifact of each terminal, declaration order; skipped omitted', () => {
    const flow = compile(`
name: terms
steps:
  a: { run: x, outputs: [x] }
  b: { run: x, outputs: [y] }
`);
    const runs = [run('b', 'completed', { y: 1 }), run('a', 'completed', { x: 1 }), run('a', 'completed', { x: 2 })];
    const by = (s: string) => runs.filter((r) => r.stepName === s);
    expect(terminalOutputs(flow, by)).toEqual([{ x: 2 }, { y: 1 }]);
    expect(terminalOutputs(flow, (s) => (s === 'a' ? [run('a', 'skipped', null)] : by(s)))).toEqual([{ y: 1 }]);
    expect(completedOutputs(runs)).toEqual([{ y: 1 }, { x: 1 }]);
  });
  it('missing declared outputs name the field and what was produced', () => {
    const step = compile(`
name: v
steps:
  a: { run: x, outputs: [x] }
`).steps[0]!;
    expect(validateOutputs(step, { q: 1 })).toBe("artifact missing declared outputs: ['x'] (got: ['q'])");
    expect(validateOutputs(step, { x: 1, extra: 2 })).toBeNull();
  });
});
