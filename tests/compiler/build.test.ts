/**
 * The build stage: every field of SPEC §1 lands in the IR the way the runtime expects.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/index.js';
import type { CompiledFlow } from '../../compiler/ir.js';
import { compile, diagsOf, errorsOf, tempTree, yaml } from './helpers.js';

function flowOf(text: string, opts: { baseDir?: string } = {}): CompiledFlow {
  const r = compile(text, opts);
  expect(errorsOf(r)).toEqual([]);
  return r.flow!;
}
const stepOf = (f: CompiledFlow, name: string) => f.steps.find((s) => s.name === name)!;

describe('build (F-2 … F-12)', () => {
  it('F-4/F-5: kind selection and executor config; `.py` runs with python3', () => {
    const f = flowOf(
      yaml(
        'steps:',
        '  s:',
        '    run: scripts/go.py',
        '  e:',
        '    executor: external',
        '    prompt: "Decide"',
        '  l:',
        '    executor: llm',
        '    prompt: hi',
        '    model: fast',
        '    temperature: 0.2',
        '  p:',
        '    executor: poll',
        '    config: {check_command: "test -f x"}',
      ),
    );
    expect(stepOf(f, 's').kind).toBe('script');
    expect(stepOf(f, 's').executor).toEqual({ type: 'script', config: { command: 'python3 scripts/go.py' } });
    expect(stepOf(f, 'e').executor).toEqual({ type: 'external', config: { prompt: 'Decide' } });
    expect(stepOf(f, 'l').executor.config).toEqual({ prompt: 'hi', model: 'fast', temperature: 0.2 });
    expect(stepOf(f, 'p').executor.config).toEqual({ check_command: 'test -f x', interval_seconds: 60 });
  });

  it('F-5.1: prompt_file is read relative to the flow directory', () => {
    const dir = tempTree({ 'prompts/ask.md': 'Please $do it', 'FLOW.yaml': yaml('steps:', '  a:', '    executor: external', '    prompt_file: prompts/ask.md', '    inputs: {do: $job.do}') });
    const r = compileFile(join(dir, 'FLOW.yaml'));
    expect(errorsOf(r)).toEqual([]);
    expect(r.flow!.steps[0]!.executor.config.prompt).toBe('Please $do it');
    expect(r.flow!.flowDir).toBe(dir);
  });

  it('F-5.1: prompt_file in an inline string without base dir is an error', () => {
    const r = compile(yaml('steps:', '  a:', '    executor: external', '    prompt_file: p.md'));
    expect(diagsOf(r, 'FLOW_PROMPT_FILE')[0]?.line).toBe(4);
  });

  it('D-13: output_fields is an alias of typed outputs; F-6.1 typed specs', () => {
    const f = flowOf(
      yaml('steps:', '  a:', '    executor: external', '    output_fields:', '      decision: {type: choice, options: [yes, no]}', '      score: {type: number, min: 0, max: 10, required: false}'),
    );
    const a = stepOf(f, 'a');
    expect(a.outputsTyped).toBe(true);
    expect(a.outputs).toEqual([
      { name: 'decision', type: 'choice', required: true, hasDefault: false, description: '', options: ['yes', 'no'] },
      { name: 'score', type: 'number', required: false, hasDefault: false, description: '', min: 0, max: 10 },
    ]);
  });

  it('F-7.2: binding forms — $job, step.field.path, {from, optional}, {any_of}', () => {
    const f = flowOf(
      yaml(
        'steps:',
        '  a:',
        '    run: echo',
        '    outputs: [x]',
        '  b:',
        '    run: echo',
        '    outputs: [x]',
        '  c:',
        '    run: echo',
        '    inputs:',
        '      j: $job.topic',
        '      deep: a.x.y.z',
        '      o: {from: b.x, optional: true}',
        '      any: {any_of: [a.x, b.x]}',
      ),
    );
    const c = stepOf(f, 'c');
    expect(c.inputs.map((b) => [b.local, b.kind, b.optional])).toEqual([
      ['j', 'job', false],
      ['deep', 'step', false],
      ['o', 'step', true],
      ['any', 'any_of', false],
    ]);
    expect(c.inputs[1]!.sources).toEqual([{ step: 'a', field: 'x', path: ['y', 'z'] }]);
    expect(c.inputs[3]!.sources.map((s) => s.step)).toEqual(['a', 'b']);
    expect(c.inputs[1]!.loc?.line).toBe(12);
  });

  it('D-7/F-9: when as expression, YAML boolean constant, and predicate', () => {
    const f = flowOf(
      yaml('steps:', '  a:', '    run: echo', '    outputs: [n]', '  b:', '    run: echo', '    inputs: {n: a.n}', '    when: "n > 1"', '  c:', '    run: echo', '    when: true', '  d:', '    run: echo', '    inputs: {n: a.n}', '    when: {input: n, in: [1, 2]}'),
    );
    const wb = stepOf(f, 'b').when!;
    expect(wb.kind).toBe('expr');
    if (wb.kind === 'expr') {
      expect(wb.expr.ast).not.toBeNull();
      expect(wb.expr.names).toEqual(['n']);
    }
    expect(stepOf(f, 'c').when).toEqual({ kind: 'const', value: true });
    expect(stepOf(f, 'd').when).toMatchObject({ kind: 'predicate', input: 'n', op: 'in', value: [1, 2] });
  });

  it('F-8: after as string, list and any_of group; after_resolved; sequencing alias', () => {
    const f = flowOf(yaml('steps:', '  a:', '    run: echo', '  b:', '    run: echo', '  c:', '    run: echo', '    after: a', '    after_resolved: [b]', '  d:', '    run: echo', '    sequencing: [c]'));
    expect(stepOf(f, 'c').after).toEqual([{ kind: 'step', step: 'a' }]);
    expect(stepOf(f, 'c').afterResolved).toEqual(['b']);
    expect(stepOf(f, 'd').after).toEqual([{ kind: 'step', step: 'c' }]);
  });

  it('F-12: exits, decorators, limits, cache ttl, on_error, derived outputs, idempotency', () => {
    const f = flowOf(
      yaml(
        'steps:',
        '  a:',
        '    run: echo',
        '    outputs: [s]',
        '    exits:',
        '      - {when: "outputs.s > 1"}',
        '      - {name: again, when: "True", action: loop, target: a, max_iterations: 4}',
        '    decorators:',
        '      - {type: retry, config: {max_retries: 2}}',
        '      - {type: timeout}',
        '    limits: {max_cost_usd: 1.5}',
        '    cache: {ttl: 2h, key_extra: v2}',
        '    on_error: continue',
        '    idempotency: non_retriable',
        '    derived_outputs: {double: "s * 2"}',
      ),
    );
    const a = stepOf(f, 'a');
    expect(a.exits.map((r) => [r.name, r.action, r.target, r.maxIterations])).toEqual([
      ['rule_0', 'advance', undefined, undefined],
      ['again', 'loop', 'a', 4],
    ]);
    expect(a.decorators).toEqual([
      { type: 'retry', config: { max_retries: 2 } },
      { type: 'timeout', config: {} },
    ]);
    expect(a.limits).toEqual({ maxCostUsd: 1.5, maxInfraRetries: 3 });
    expect(a.cache).toEqual({ enabled: true, ttlSeconds: 7200, keyExtra: 'v2' });
    expect(a.onError).toBe('continue');
    expect(a.idempotency).toBe('non_retriable');
    expect(a.derivedOutputs[0]!.name).toBe('double');
    expect(a.loopInternal).toBe(false);
  });

  it('F-12: an exit `when` that is a YAML boolean is kept as null (never matches, CT-21) with a warning', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '    exits:', '      - {when: true, action: advance}'));
    expect(r.flow!.steps[0]!.exits[0]!.when).toBeNull();
    expect(diagsOf(r, 'FLOW_BAD_EXIT')[0]!.severity).toBe('warning');
  });

  it('F-3: inputs and config merge into vars; required defaults to "no default"', () => {
    const f = flowOf(
      yaml('inputs:', '  topic: {description: T}', 'config:', '  team: {type: str, default: acme, sensitive: true}', 'steps:', '  a:', '    run: echo', '    inputs: {t: $job.topic, m: $job.team}'),
    );
    expect(f.vars).toEqual([
      { name: 'topic', origin: 'inputs', type: 'str', description: 'T', hasDefault: false, required: true, sensitive: false },
      { name: 'team', origin: 'config', type: 'str', description: '', default: 'acme', hasDefault: true, required: false, sensitive: true },
    ]);
  });

  it('F-10: for_each with inline flow infers vars from bindings plus the item (F-10.2)', () => {
    const f = flowOf(
      yaml(
        'steps:',
        '  src:',
        '    run: echo',
        '    outputs: [items, ctx]',
        '  each:',
        '    for_each: src.items',
        '    as: it',
        '    on_error: continue',
        '    inputs: {ctx: src.ctx}',
        '    flow:',
        '      steps:',
        '        w:',
        '          run: echo',
        '          inputs: {v: $job.it, c: $job.ctx}',
        '          outputs: [r]',
      ),
    );
    const each = stepOf(f, 'each');
    expect(each.kind).toBe('for_each');
    expect(each.outputs.map((o) => o.name)).toEqual(['results']);
    expect(each.forEach!.source).toEqual({ step: 'src', field: 'items', path: [] });
    expect(each.forEach!.as).toBe('it');
    expect(each.forEach!.onError).toBe('continue');
    expect(each.forEach!.stalePendingTimeoutSeconds).toBe(60);
    expect(each.forEach!.flow.vars.map((v) => v.name)).toEqual(['ctx', 'it']);
    expect(each.forEach!.flow.terminal).toEqual(['w']);
    expect(f.deps.dependsOn.each).toEqual(['src']);
  });

  it('F-11: sub-flow by relative file path, by project name and from the registry', () => {
    const sub = yaml('author: bob', 'steps:', '  t:', '    run: echo', '    outputs: [x]');
    const dir = tempTree({
      '.stepwise/registry/@bob/tool/FLOW.yaml': sub,
      'flows/named/FLOW.yaml': sub,
      'sub/child.flow.yaml': sub,
      'main/FLOW.yaml': yaml(
        'steps:',
        '  byPath:',
        '    flow: ../sub/child.flow.yaml',
        '    outputs: [x]',
        '  byName:',
        '    flow: named',
        '    outputs: [x]',
        '  byRegistry:',
        '    flow: "@bob:tool"',
        '    outputs: [x]',
      ),
    });
    const r = compileFile(join(dir, 'main'));
    expect(errorsOf(r)).toEqual([]);
    const f = r.flow!;
    expect(f.name).toBe('main'); // D-6: FLOW.yaml takes its directory's name
    expect(f.author).toBeUndefined();
    for (const s of f.steps) {
      expect(s.kind).toBe('sub_flow');
      expect(s.subFlow!.flow.steps[0]!.name).toBe('t');
    }
    expect(stepOf(f, 'byRegistry').subFlow!.ref).toBe('@bob:tool');
  });

  it('F-11.1: a registry flow whose author differs from the reference is an error', () => {
    const dir = tempTree({
      '.stepwise/registry/@bob/tool/FLOW.yaml': yaml('author: eve', 'steps:', '  t:', '    run: echo', '    outputs: [x]'),
      'main.flow.yaml': yaml('steps:', '  s:', '    flow: "@bob:tool"', '    outputs: [x]'),
    });
    const r = compileFile(join(dir, 'main.flow.yaml'));
    expect(diagsOf(r, 'FLOW_BAD_REF')[0]?.line).toBe(3);
  });

  it('F-5: agent fork_from without agent sets agent: claude; containment is inherited (F-2)', () => {
    const f = flowOf(
      yaml('containment: sandbox', 'steps:', '  a:', '    executor: agent', '    agent: claude', '    prompt: go', '    session: main', '  b:', '    executor: agent', '    prompt: go', '    fork_from: a', '    after: [a]'),
    );
    expect(stepOf(f, 'b').executor.config).toMatchObject({ agent: 'claude', containment: 'sandbox' });
    expect(stepOf(f, 'b').forkFrom).toBe('a');
    expect(stepOf(f, 'a').session).toBe('main');
  });

  it('F-1.4/D-6: a file flow without name takes the file stem minus .flow', () => {
    const dir = tempTree({ 'hello.flow.yaml': yaml('steps:', '  a:', '    run: echo') });
    expect(compileFile(join(dir, 'hello.flow.yaml')).flow!.name).toBe('hello');
  });

  it('reports all problems of a file in one go', () => {
    const r = compile(yaml('steps:', '  a:', '    executor: nope', '  b:', '    run: echo', '    inputs: {x: ghost.x}', '  c:', '    run: echo', '    when: "x ==="'));
    expect(errorsOf(r).map((d) => d.code).sort()).toEqual(['EXPR_SYNTAX', 'FLOW_UNKNOWN_EXECUTOR', 'FLOW_UNKNOWN_STEP']);
  });
});

describe('names and YAML errors', () => {
  it('step names may hold dashes and digits, not dots or slashes (F-7.2 splits at the first dot)', () => {
    expect(compile(yaml('steps:', '  review-2:', '    run: echo')).flow).not.toBeNull();
    const r = compile(yaml('steps:', '  a.b:', '    run: echo', '  c/d:', '    run: echo'));
    expect(diagsOf(r, 'FLOW_BAD_NAME').map((d) => d.line)).toEqual([2, 4]);
  });

  it('V-1: a cascade of YAML errors is cut to the first few plus a count', () => {
    const r = compile('steps:\n  a: {run: [\n' + '  b: }]]] :: {{\n'.repeat(20));
    const syntax = diagsOf(r, 'YAML_SYNTAX');
    expect(syntax.length).toBeLessThanOrEqual(6);
    expect(syntax.length).toBeGreaterThan(0);
  });
});

describe('flow metadata (F-2)', () => {
  it('archived, forked_from and requires reach the IR', () => {
    const r = compile(yaml('archived: true', 'forked_from: other', 'requires: [jq, {name: gh, check: "gh --version"}]', 'steps:', '  a:', '    run: echo'));
    expect(r.flow).toMatchObject({ archived: true, forkedFrom: 'other', requires: ['jq', { name: 'gh', check: 'gh --version' }] });
    const bad = compile(yaml('archived: yes please', 'requires: [1]', 'steps:', '  a:', '    run: echo'));
    expect(diagsOf(bad, 'FLOW_BAD_TYPE').map((d) => d.line)).toEqual([1, 2]);
  });
});

describe('YAML sharing (anchors, aliases, merge keys)', () => {
  it('aliases and `<<: *defaults` merge keys build like the expanded YAML; explicit keys win', () => {
    const r = compile(
      yaml(
        'defaults: &d',
        '  run: echo default',
        '  outputs: [x]',
        'steps:',
        '  a:',
        '    <<: *d',
        '  b:',
        '    <<: *d',
        '    run: echo mine',
        '    inputs: {x: a.x}',
        '  c: *d',
      ),
    );
    expect(errorsOf(r)).toEqual([]);
    expect(r.diagnostics.filter((d) => d.code === 'FLOW_UNKNOWN_KEY')).toEqual([]);
    const f = r.flow!;
    expect(f.steps.map((s) => s.executor.config.command)).toEqual(['echo default', 'echo mine', 'echo default']);
    expect(f.steps[1]!.outputs.map((o) => o.name)).toEqual(['x']);
  });

  it('a merge key must point at a mapping', () => {
    const r = compile(yaml('steps:', '  a:', '    <<: 5', '    run: echo'));
    expect(diagsOf(r, 'FLOW_BAD_TYPE')[0]?.line).toBe(3);
  });
});

describe('D-7: expression positions inside block scalars', () => {
  it('literal (|) and folded (>) expressions report the line and column of the culprit', () => {
    const r = compile(
      yaml(
        'steps:',
        '  a:',
        '    run: echo',
        '    outputs: [x]',
        '    exits:',
        '      - when: |',
        '          outputs.x > 1 and',
        '            nope',
        '        action: advance',
        '      - when: >-',
        '          outputs.x >',
        '        action: advance',
        '      - {when: "True", action: advance}',
      ),
    );
    expect(diagsOf(r, 'EXPR_UNKNOWN_NAME').map((d) => [d.line, d.column])).toEqual([[8, 13]]);
    expect(diagsOf(r, 'EXPR_SYNTAX').map((d) => d.line)).toEqual([11]);
  });
});

describe('F-5 a run: that is a Python script path runs with python3', () => {
  it('prefixes a bare script path only', async () => {
    const { pythonScriptCommand } = await import('../../compiler/build-step.js');
    expect(pythonScriptCommand('analyze.py')).toBe('python3 analyze.py');
    expect(pythonScriptCommand('scripts/analyze.py')).toBe('python3 scripts/analyze.py');
    expect(pythonScriptCommand('python3 analyze.py')).toBe('python3 analyze.py');
    expect(pythonScriptCommand('env A=1 python3 x.py')).toBe('env A=1 python3 x.py');
    expect(pythonScriptCommand('echo done > log.py')).toBe('echo done > log.py');
  });
});
