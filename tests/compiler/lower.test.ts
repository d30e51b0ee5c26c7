/**
 * Lowering to the IR (compiler/ir.ts): entry/terminal sets, back-edges, the dependency
 * index, loop bookkeeping and the hash.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledFlow } from '../../compiler/ir.js';
import { compile, errorsOf, yaml } from './helpers.js';

function flowOf(text: string): CompiledFlow {
  const r = compile(text);
  expect(errorsOf(r)).toEqual([]);
  return r.flow!;
}

const stepOf = (f: CompiledFlow, name: string) => f.steps.find((s) => s.name === name)!;

const loopFlow = yaml(
  'steps:',
  '  analyze:',
  '    run: echo',
  '    outputs: [y]',
  '    inputs:',
  '      prev: {from: critique.note, optional: true}',
  '  critique:',
  '    run: echo',
  '    outputs: [note]',
  '    inputs: {y: analyze.y}',
  '    exits:',
  '      - {name: done, when: "outputs.note == \'ok\'", action: advance}',
  '      - {name: again, when: "True", action: loop, target: analyze, max_iterations: 3}',
);

describe('lowering (E-12.4, E-12.5, V-3)', () => {
  it('E-12.5/E-12.4: a chain has one entry and one terminal, steps in declaration order', () => {
    const f = flowOf(yaml('steps:', '  a:', '    run: echo', '    outputs: [x]', '  b:', '    run: echo', '    inputs: {x: a.x}', '    outputs: [y]', '  c:', '    run: echo', '    inputs: {y: b.y}'));
    expect(f.steps.map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(f.steps.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(f.entry).toEqual(['a']);
    expect(f.terminal).toEqual(['c']);
    expect(f.deps.dependsOn).toEqual({ a: [], b: ['a'], c: ['b'] });
    expect(f.deps.dependents).toEqual({ a: ['b'], b: ['c'], c: [] });
    expect(f.irVersion).toBe(1);
  });

  it('V-3 / CT-30: an optional binding that closes a loop is a back-edge with its closing loop', () => {
    const f = flowOf(loopFlow);
    const prev = stepOf(f, 'analyze').inputs[0]!;
    expect(prev.backEdge).toBe(true);
    expect(prev.closingLoop).toBe('analyze');
    expect(stepOf(f, 'critique').inputs[0]!.backEdge).toBe(false);
    expect(f.entry).toEqual(['analyze']);
    expect(f.terminal).toEqual(['critique']);
    expect(stepOf(f, 'critique').loopTargets).toEqual(['analyze']);
    expect(f.deps.loopers).toEqual({ analyze: ['critique'] });
    expect(f.deps.loopBody.analyze!.sort()).toEqual(['analyze', 'critique']);
    expect(f.deps.parentFrame).toEqual({ analyze: null });
  });

  it('E-12.4: a loop-internal (boomerang) step is never terminal; its loop target is', () => {
    const f = flowOf(
      yaml(
        'steps:',
        '  draft:',
        '    run: echo',
        '    outputs: [text]',
        '  check:',
        '    run: echo',
        '    inputs: {t: draft.text}',
        '    exits:',
        '      - {name: again, when: "attempt < 3", action: loop, target: draft, max_iterations: 3}',
      ),
    );
    expect(stepOf(f, 'check').loopInternal).toBe(true);
    expect(f.terminal).toEqual(['draft']);
  });

  it('CT-43: an optional binding does not make its producer non-terminal', () => {
    const f = flowOf(yaml('steps:', '  a:', '    run: echo', '  b:', '    run: echo', '    after: [a]', '    outputs: [y]', '  c:', '    run: echo', '    inputs:', '      y: {from: b.y, optional: true}'));
    expect(f.terminal).toEqual(['b', 'c']);
    expect(f.entry).toEqual(['a', 'c']);
  });

  it('E-12.4: after.any_of members stay terminal; any_of bindings count as dependencies', () => {
    const f = flowOf(
      yaml('steps:', '  p:', '    run: echo', '    outputs: [v]', '  q:', '    run: echo', '    outputs: [v]', '  r:', '    run: echo', '    inputs: {v: {any_of: [p.v, q.v]}}', '  s:', '    run: echo', '    after: [{any_of: [p, q]}]'),
    );
    expect(f.terminal).toEqual(['r', 's']);
    expect(stepOf(f, 'r').inputs[0]!.kind).toBe('any_of');
    expect(stepOf(f, 's').after).toEqual([{ kind: 'any_of', steps: ['p', 'q'] }]);
  });

  it('E-5.4b: steps on a cycle closed by a plain optional binding are onCycle, unless an external step is on it', () => {
    const body = (kind: string) =>
      yaml('steps:', '  a:', `    ${kind}`, '    outputs: [x]', '    inputs:', '      y: {from: b.y, optional: true}', '  b:', '    run: echo', '    outputs: [y]', '    inputs: {x: a.x}');
    const f = flowOf(body('run: echo'));
    expect(f.steps.map((s) => s.onCycle)).toEqual([true, true]);
    const g = flowOf(body('executor: external'));
    expect(g.steps.map((s) => s.onCycle)).toEqual([false, false]);
  });

  it('E-10.4: nested loops record the outer loop target as parent frame', () => {
    const f = flowOf(
      yaml(
        'steps:',
        '  outer:',
        '    run: echo',
        '    outputs: [o]',
        '  inner:',
        '    run: echo',
        '    outputs: [i]',
        '    inputs: {o: outer.o}',
        '  check:',
        '    run: echo',
        '    outputs: [ok]',
        '    inputs: {i: inner.i}',
        '    exits:',
        '      - {name: inner_again, when: "outputs.ok == 0", action: loop, target: inner, max_iterations: 3}',
        '      - {name: go, when: "True", action: advance}',
        '  final:',
        '    run: echo',
        '    inputs: {ok: check.ok}',
        '    exits:',
        '      - {name: outer_again, when: "attempt < 2", action: loop, target: outer, max_iterations: 2}',
        '      - {name: go, when: "True", action: advance}',
      ),
    );
    expect(f.deps.parentFrame).toEqual({ inner: 'outer', outer: null });
    expect(f.deps.loopBody.inner!.sort()).toEqual(['check', 'inner']);
    expect(f.deps.loopBody.outer!.sort()).toEqual(['check', 'final', 'inner', 'outer']);
  });

  it('CLI-5: jobFieldsUsed lists $job fields bound non-optionally', () => {
    const f = flowOf(yaml('steps:', '  a:', '    run: echo', '    inputs:', '      t: $job.topic', '      u: {from: $job.extra, optional: true}'));
    expect(f.jobFieldsUsed).toEqual(['topic']);
  });

  it('D-R5: the hash ignores locations and comments, and changes with content', () => {
    const a = flowOf(yaml('steps:', '  a:', '    run: echo hi'));
    const b = flowOf(yaml('# a comment', '', 'steps:', '  a:', '    run:    echo hi'));
    const c = flowOf(yaml('steps:', '  a:', '    run: echo bye'));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('the IR is JSON-safe: a JSON round trip is identity', () => {
    const f = flowOf(loopFlow);
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });
});
