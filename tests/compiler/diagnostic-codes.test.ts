/**
 * One tiny flow per diagnostic code (compiler/codes.ts): the code is reported, at the
 * line of the YAML node at fault, with a hint.
 */
import { describe, expect, it } from 'vitest';
import { compileFile, compileKit, CODES } from '../../compiler/index.js';
import type { CompileResult } from '../../compiler/index.js';
import { compile, diagsOf, tempTree, yaml } from './helpers.js';

// FLOW_INTERNAL: see internal-error.test.ts; FLOW_REQUIRES_CHECK (raised by `stepwise validate`): tests/cli-validate.
const covered = new Set<string>(['FLOW_INTERNAL', 'FLOW_REQUIRES_CHECK']);

function expectCode(r: CompileResult, code: string, line: number, severity?: string) {
  covered.add(code);
  const found = diagsOf(r, code);
  expect(found.length, `${code} not reported; got ${JSON.stringify(r.diagnostics.map((d) => `${d.code}@${d.line}: ${d.message}`))}`).toBeGreaterThan(0);
  expect(found.map((d) => d.line)).toContain(line);
  expect(found[0]!.hint).toBeTruthy();
  if (severity) expect(found[0]!.severity).toBe(severity);
  if (found[0]!.severity === 'error') expect(r.flow).toBeNull();
  return found;
}

const step = (...body: string[]) => ['steps:', '  a:', ...body.map((l) => `    ${l}`)];

describe('diagnostic codes (one flow each)', () => {
  it('YAML_SYNTAX: a YAML error carries its line (V-1)', () => {
    expectCode(compile(yaml('steps:', '  a:', '    run: [unclosed', '    outputs: x')), 'YAML_SYNTAX', 4);
  });
  it('YAML_NOT_MAPPING: the root must be a mapping (V-1)', () => {
    expectCode(compile(yaml('- a', '- b')), 'YAML_NOT_MAPPING', 1);
  });
  it('YAML_DUPLICATE_KEY: duplicate keys are reported', () => {
    expectCode(compile(yaml('steps:', '  a:', '    run: x', '  a:', '    run: y')), 'YAML_DUPLICATE_KEY', 4);
  });
  it('YAML_LENIENT: a plain value with ": " is read as a string, with an info (conformance flows)', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo \'{"x": 1}\'', '    outputs: [x]', '  b:', '    run: echo \'{"y": 2}\''));
    const [d] = expectCode(r, 'YAML_LENIENT', 3, 'info');
    expect(d!.message).toContain('and 1 more line');
    expect(r.flow!.steps[0]!.executor.config.command).toBe('echo \'{"x": 1}\'');
  });
  it('FLOW_FILE_NOT_FOUND: a missing file, and a missing sub-flow file at its flow: line (F-11.1)', () => {
    const r = compileFile('/definitely/not/here.flow.yaml');
    covered.add('FLOW_FILE_NOT_FOUND');
    expect(r.diagnostics[0]!.code).toBe('FLOW_FILE_NOT_FOUND');
    const dir = tempTree({});
    expectCode(compile(yaml(...step('flow: missing.flow.yaml', 'outputs: [x]')), { baseDir: dir }), 'FLOW_FILE_NOT_FOUND', 3);
  });
  it('FLOW_IS_KIT: a kit directory is not a flow (F-1.2)', () => {
    const dir = tempTree({ 'KIT.yaml': 'name: k\ndescription: d\n' });
    const r = compileFile(dir);
    covered.add('FLOW_IS_KIT');
    expect(r.diagnostics.map((d) => d.code)).toContain('FLOW_IS_KIT');
  });
  it('FLOW_BAD_REF: a registry ref outside a project (F-11.1)', () => {
    expectCode(compile(yaml(...step('flow: "@someone:thing"', 'outputs: [x]'))), 'FLOW_BAD_REF', 3);
  });
  it('FLOW_CIRCULAR_REF: files that include each other (F-11.1)', () => {
    const dir = tempTree({
      'a.flow.yaml': yaml('steps:', '  s:', '    flow: b.flow.yaml', '    outputs: [x]'),
      'b.flow.yaml': yaml('steps:', '  t:', '    flow: a.flow.yaml', '    outputs: [x]'),
    });
    const r = compileFile(`${dir}/a.flow.yaml`);
    covered.add('FLOW_CIRCULAR_REF');
    const d = diagsOf(r, 'FLOW_CIRCULAR_REF');
    expect(d.length).toBeGreaterThan(0);
    expect(d[0]!.line).toBe(3);
    expect(d[0]!.message).toContain("Step 's' sub-flow");
  });
  it("FLOW_NO_STEPS: a flow without steps (F-2)", () => {
    expectCode(compile(yaml('name: x', 'steps: {}')), 'FLOW_NO_STEPS', 2);
  });
  it('FLOW_BAD_TYPE: run must be a string (F-5)', () => {
    expectCode(compile(yaml(...step('run: [1, 2]'))), 'FLOW_BAD_TYPE', 3);
  });
  it('FLOW_BAD_VALUE: visibility outside its set (F-2)', () => {
    expectCode(compile(yaml('visibility: secret', ...step('run: echo'))), 'FLOW_BAD_VALUE', 1);
  });
  it('FLOW_MISSING_KEY: an llm step without prompt (F-5)', () => {
    expectCode(compile(yaml(...step('executor: llm'))), 'FLOW_MISSING_KEY', 2);
  });
  it('FLOW_UNKNOWN_KEY: a misspelt step key is a warning with a did-you-mean hint', () => {
    const [d] = expectCode(compile(yaml(...step('run: echo', 'ouputs: [x]'))), 'FLOW_UNKNOWN_KEY', 4, 'warning');
    expect(d!.hint).toContain("'outputs'");
  });
  it('FLOW_CONFLICTING_KEYS: after and sequencing together (F-8.3)', () => {
    expectCode(compile(yaml('steps:', '  b:', '    run: echo', '  a:', '    run: echo', '    after: [b]', '    sequencing: [b]')), 'FLOW_CONFLICTING_KEYS', 7);
  });
  it('FLOW_BAD_NAME: an input local that is not an identifier (F-7.1)', () => {
    expectCode(compile(yaml(...step('run: echo', 'inputs:', '  1x: $job.x'))), 'FLOW_BAD_NAME', 5);
  });
  it('FLOW_NO_EXECUTOR: neither run nor executor (F-4)', () => {
    expectCode(compile(yaml(...step('outputs: [x]'))), 'FLOW_NO_EXECUTOR', 2);
  });
  it('FLOW_UNKNOWN_EXECUTOR: an executor type that does not exist (D-10)', () => {
    const [d] = expectCode(compile(yaml(...step('executor: lmm', 'prompt: hi'))), 'FLOW_UNKNOWN_EXECUTOR', 3);
    expect(d!.hint).toContain("'llm'");
  });
  it('FLOW_UNKNOWN_DECORATOR: a decorator type that does not exist (D-10)', () => {
    expectCode(compile(yaml(...step('run: echo', 'decorators:', '  - type: retri'))), 'FLOW_UNKNOWN_DECORATOR', 5);
  });
  it('FLOW_PROMPT_FILE: prompt and prompt_file together (F-5.1)', () => {
    expectCode(compile(yaml(...step('executor: external', 'prompt: hi', 'prompt_file: p.md'))), 'FLOW_PROMPT_FILE', 5);
  });
  it('FLOW_BAD_BINDING: a source without a dot (F-7.2)', () => {
    const [d] = expectCode(compile(yaml(...step('run: echo', 'inputs:', '  x: nodot'))), 'FLOW_BAD_BINDING', 5);
    expect(d!.message).toContain("Expected 'step_name.field_name'");
  });
  it('FLOW_UNKNOWN_STEP: a binding to a step that does not exist (V-4, c26)', () => {
    const [d] = expectCode(compile(yaml('steps:', '  a:', '    run: echo', '    outputs: [x]', '  b:', '    run: echo', '    inputs:', '      x: nope.x')), 'FLOW_UNKNOWN_STEP', 8);
    expect(d!.message).toContain('nope');
    expect(d!.column).toBe(10);
  });
  it('FLOW_UNKNOWN_FIELD: a binding to an undeclared output (F-7.3, CT-12)', () => {
    expectCode(compile(yaml('steps:', '  a:', '    run: echo', '    outputs: [x]', '  b:', '    run: echo', '    inputs:', '      y: a.zz')), 'FLOW_UNKNOWN_FIELD', 8);
  });
  it('FLOW_DUPLICATE: the same output twice (V-4)', () => {
    expectCode(compile(yaml(...step('run: echo', 'outputs:', '  - x', '  - x'))), 'FLOW_DUPLICATE', 6);
  });
  it('FLOW_BAD_OUTPUTS: outputs neither list nor mapping (F-6.1)', () => {
    expectCode(compile(yaml(...step('run: echo', 'outputs: 5'))), 'FLOW_BAD_OUTPUTS', 4);
  });
  it('FLOW_BAD_WHEN: a when of the wrong type (F-9.1)', () => {
    expectCode(compile(yaml(...step('run: echo', 'when: 5'))), 'FLOW_BAD_WHEN', 4);
  });
  it('FLOW_IS_PRESENT_NOT_LOOP_BACK: is_present on a forward binding (V-3, CT-33)', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '    outputs: [x]', '  b:', '    run: echo', '    inputs:', '      x: a.x', '    when: {input: x, is_present: true}'));
    const [d] = expectCode(r, 'FLOW_IS_PRESENT_NOT_LOOP_BACK', 9);
    expect(d!.message).toContain('is_present_not_loop_back');
  });
  it('FLOW_IS_PRESENT_MIXED_ANY_OF: an any_of mixing loop-back and forward sources (V-3)', () => {
    const r = compile(
      yaml(
        'steps:',
        '  a:',
        '    run: echo',
        '    outputs: [x]',
        '  analyze:',
        '    run: echo',
        '    outputs: [y]',
        '    inputs:',
        '      prev: {any_of: [critique.note, a.x], optional: true}',
        '    when: {input: prev, is_present: true}',
        '  critique:',
        '    run: echo',
        '    outputs: [note]',
        '    inputs: {y: analyze.y}',
        '    exits:',
        '      - {name: again, when: "True", action: loop, target: analyze, max_iterations: 3}',
      ),
    );
    expectCode(r, 'FLOW_IS_PRESENT_MIXED_ANY_OF', 10);
  });
  it('FLOW_BAD_EXIT: an exit rule without when (F-12)', () => {
    expectCode(compile(yaml(...step('run: echo', 'exits:', '  - name: r', '    action: advance'))), 'FLOW_BAD_EXIT', 5);
  });
  it('FLOW_LOOP_NOT_CONNECTED: a loop target unrelated to the step (E-10.2)', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '  b:', '    run: echo', '    exits:', '      - {when: "True", action: loop, target: a, max_iterations: 2}'));
    expectCode(r, 'FLOW_LOOP_NOT_CONNECTED', 7);
  });
  it("FLOW_CYCLE: a cycle of plain bindings names the path and suggests optional (V-4, c27)", () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '    inputs: { y: b.y }', '    outputs: [x]', '  b:', '    run: echo', '    inputs: { x: a.x }', '    outputs: [y]'));
    const [d] = expectCode(r, 'FLOW_CYCLE', 8);
    expect(d!.message).toContain('Cycle detected: a →(input: x) b →(input: y) a.');
    expect(d!.message).toContain("optional: true");
  });
  it('FLOW_NO_ENTRY: no step can start (V-4)', () => {
    expectCode(compile(yaml(...step('run: echo', 'after: [a]'))), 'FLOW_NO_ENTRY', 2);
  });
  it('FLOW_NO_TERMINAL: every step is depended on or a loop target (V-4, E-12.4)', () => {
    const r = compile(
      yaml(
        'steps:',
        '  a:',
        '    run: echo',
        '    outputs: [x]',
        '  b:',
        '    run: echo',
        '    outputs: [x]',
        '    inputs: {x: a.x}',
        '    exits:',
        '      - {when: "outputs.x == 1", action: escalate, target: c}',
        '      - {when: "True", action: advance}',
        '  c:',
        '    run: echo',
        '    inputs: {x: b.x}',
        '    exits:',
        '      - {when: "outputs.x == 1", action: loop, target: a, max_iterations: 2}',
        '      - {when: "True", action: advance}',
      ),
    );
    expectCode(r, 'FLOW_NO_TERMINAL', 2);
  });
  it('FLOW_UNREACHABLE: a step no entry step leads to (V-4)', () => {
    expectCode(compile(yaml('steps:', '  a:', '    run: echo', '  b:', '    run: echo', '    after: [b]')), 'FLOW_UNREACHABLE', 4);
  });
  it('FLOW_SUB_FLOW: a sub-flow terminal missing a parent output (F-11.2, CT-53)', () => {
    const r = compile(yaml(...step('outputs: [x, y]', 'flow:', '  steps:', '    t:', '      run: echo', '      outputs: [x]')));
    const [d] = expectCode(r, 'FLOW_SUB_FLOW', 5);
    expect(d!.message).toContain("sub-flow terminal step 't' missing outputs ['y']");
  });
  it('FLOW_UNSUPPORTED_ON_DELEGATING_STEP: exits on a for_each step (D-10)', () => {
    const r = compile(
      yaml('steps:', '  src:', '    run: echo', '    outputs: [items]', '  each:', '    for_each: src.items', '    exits:', '      - {when: "True"}', '    flow:', '      steps:', '        w:', '          run: echo'),
    );
    expectCode(r, 'FLOW_UNSUPPORTED_ON_DELEGATING_STEP', 8);
  });
  it('FLOW_SESSION: a templated session name (V-2, V-5)', () => {
    expectCode(compile(yaml(...step('executor: agent', 'prompt: hi', 'session: "${x}"'))), 'FLOW_SESSION', 5);
  });
  it('FLOW_KIT: kit name must equal its directory (F-1.5)', () => {
    const dir = tempTree({ 'KIT.yaml': 'name: other\ndescription: d\n', 'f/FLOW.yaml': yaml(...step('run: echo')) });
    const kit = compileKit(dir);
    covered.add('FLOW_KIT');
    const d = kit.diagnostics.find((x) => x.code === 'FLOW_KIT');
    expect(d?.line).toBe(1);
    expect(kit.flows).toHaveLength(1);
    expect(kit.flows[0]!.flow).not.toBeNull();
  });
  it('FLOW_LOOP_NO_MAX: a loop without max_iterations warns (V-6)', () => {
    expectCode(compile(yaml(...step('run: echo', 'exits:', '  - {when: "True", action: loop, target: a}'))), 'FLOW_LOOP_NO_MAX', 5, 'warning');
  });
  it('FLOW_NO_CATCH_ALL: exit rules without "True" (V-6, info)', () => {
    expectCode(compile(yaml(...step('run: echo', 'exits:', '  - {when: "attempt > 2", action: advance}'))), 'FLOW_NO_CATCH_ALL', 5, 'info');
  });
  it('FLOW_UNUSED_VAR: a declared variable no step reads (V-6)', () => {
    expectCode(compile(yaml('inputs:', '  topic: {default: x}', ...step('run: echo'))), 'FLOW_UNUSED_VAR', 2, 'warning');
  });
  it('FLOW_UNDECLARED_VAR: $job.x not declared while inputs: exists (V-6)', () => {
    expectCode(compile(yaml('inputs:', '  topic: {default: x}', ...step('run: echo', 'inputs:', '  t: $job.topic', '  u: $job.other'))), 'FLOW_UNDECLARED_VAR', 8, 'warning');
  });
  it('FLOW_CACHE_IGNORED: cache on an external step (V-6)', () => {
    expectCode(compile(yaml(...step('executor: external', 'cache: true'))), 'FLOW_CACHE_IGNORED', 4, 'warning');
  });
  it('FLOW_IGNORED_KEY: executor next to run is ignored (F-4)', () => {
    expectCode(compile(yaml(...step('run: echo', 'executor: llm'))), 'FLOW_IGNORED_KEY', 4, 'warning');
  });
  it('FLOW_TEMPLATE_UNKNOWN_NAME: a prompt $name that is no input (D-1)', () => {
    const r = compile(yaml(...step('executor: external', 'prompt: "hi $nope"')));
    const [d] = expectCode(r, 'FLOW_TEMPLATE_UNKNOWN_NAME', 4, 'warning');
    expect(d!.column).toBe(17);
    expect(r.flow).not.toBeNull();
  });
  it('FLOW_TEMPLATE_UNKNOWN_NAME is not raised for commands (D-1)', () => {
    const r = compile(yaml(...step('run: echo $HOME $nope')));
    expect(diagsOf(r, 'FLOW_TEMPLATE_UNKNOWN_NAME')).toHaveLength(0);
  });
  it('EXPR_SYNTAX: a broken exit expression at its line (D-7, c28)', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '    outputs: [x]', '    exits:', '      - name: broken', '        when: "outputs.x >= "', '        action: advance'));
    expectCode(r, 'EXPR_SYNTAX', 7);
  });
  it('EXPR_UNKNOWN_NAME: a when reading a name that is no input (D-7, X-1)', () => {
    const [d] = expectCode(compile(yaml(...step('run: echo', 'when: "nope == 1"'))), 'EXPR_UNKNOWN_NAME', 4);
    expect(d!.column).toBe(12);
  });
});

describe('codes added for V-3, V-5, V-6 details', () => {
  it('FLOW_LOOP_BACK_AMBIGUOUS: an any_of whose sources close different loops (V-3)', () => {
    const r = compile(
      yaml(
        'steps:',
        '  a:',
        '    run: echo',
        '    outputs: [x]',
        '    inputs:',
        '      prev: {any_of: [b.y, c.y], optional: true}',
        '  b:',
        '    run: echo',
        '    outputs: [y]',
        '    inputs: {x: a.x}',
        '    exits:',
        '      - {when: "True", action: loop, target: a, max_iterations: 2}',
        '  c:',
        '    run: echo',
        '    outputs: [y]',
        '  e:',
        '    run: echo',
        '    inputs: {x: a.x, y: c.y}',
        '    exits:',
        '      - {when: "attempt < 2", action: loop, target: c, max_iterations: 2}',
        '      - {when: "True", action: advance}',
      ),
    );
    // b.y closes the loop of 'a' (b loops to a); c.y closes the loop of 'c' (e loops to c).
    const [d] = expectCode(r, 'FLOW_LOOP_BACK_AMBIGUOUS', 6);
    expect(d!.message).toContain('loop_back_binding_ambiguous_closure');
  });

  it('FLOW_SESSION (V-5): writers of a forked session must be claude agents', () => {
    const r = compile(yaml('steps:', '  a:', '    executor: agent', '    prompt: go', '    session: main', '  b:', '    executor: agent', '    prompt: go', '    fork_from: a', '    after: [a]'));
    const [d] = expectCode(r, 'FLOW_SESSION', 5);
    expect(d?.message).toContain("not an agent step with 'agent: claude'");
  });

  it('FLOW_EXIT_CAST: float() in an exit rule warns (V-6, CT-20)', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '    exits:', '      - {when: "float(outputs.get(\'s\')) > 1", action: advance}', '      - {when: "True", action: advance}'));
    expectCode(r, 'FLOW_EXIT_CAST', 5, 'warning');
    expect(r.flow).not.toBeNull();
  });

  it('FLOW_AFTER_ON_LOOP: after on a looping step without when (V-6)', () => {
    const r = compile(yaml('steps:', '  z:', '    run: echo', '  a:', '    run: echo', '    after: [z]', '    exits:', '      - {when: "True", action: loop, target: a, max_iterations: 2}'));
    expectCode(r, 'FLOW_AFTER_ON_LOOP', 6, 'warning');
  });

  it('FLOW_LOOP_RACE: reading a loop body member without the owner or a when (V-6, CT-29)', () => {
    const body = (extra: string[]) =>
      yaml(
        'steps:',
        '  draft:',
        '    run: echo',
        '    outputs: [content]',
        '  review:',
        '    run: echo',
        '    outputs: [score]',
        '    inputs: {c: draft.content}',
        '    exits:',
        '      - {when: "outputs.score >= 3", action: advance}',
        '      - {when: "True", action: loop, target: draft, max_iterations: 3}',
        '  publish:',
        '    run: echo',
        '    inputs: {c: draft.content}',
        ...extra,
      );
    const racy = compile(body([]));
    expectCode(racy, 'FLOW_LOOP_RACE', 12, 'warning');
    expect(compile(body(['    after: [review]'])).diagnostics.some((x) => x.code === 'FLOW_LOOP_RACE')).toBe(false);
  });

  it('FLOW_VAR_NO_EXAMPLE: a variable with neither default nor example (V-6, info)', () => {
    const r = compile(yaml('inputs:', '  topic: {description: T}', 'steps:', '  a:', '    run: echo', '    inputs: {t: $job.topic}'));
    expectCode(r, 'FLOW_VAR_NO_EXAMPLE', 2, 'info');
  });

  it('FLOW_UNDECLARED_VAR is info when the flow has no inputs: block (V-6, CT-03)', () => {
    const r = compile(yaml('steps:', '  a:', '    run: echo', '    inputs: {t: $job.topic}'));
    expect(r.diagnostics.find((x) => x.code === 'FLOW_UNDECLARED_VAR')).toMatchObject({ severity: 'info', line: 4 });
  });
});


describe('V-6 exit coverage of typed external steps', () => {
  it('FLOW_UNCOVERED_OUTPUTS: a choice value no rule routes is reported; a catch-all silences it', () => {
    const body = (extra: string[]) =>
      yaml(
        'steps:',
        '  ask:',
        '    executor: external',
        '    outputs:',
        '      decision: {type: choice, options: [approve, revise, reject]}',
        '    exits:',
        '      - {name: ok, when: "outputs.decision == \'approve\'", action: advance}',
        '      - {name: again, when: "outputs.decision == \'revise\'", action: loop, target: ask, max_iterations: 3}',
        ...extra,
      );
    const [d] = expectCode(compile(body([])), 'FLOW_UNCOVERED_OUTPUTS', 7, 'warning');
    expect(d!.message).toContain('{"decision":"reject"}');
    expect(compile(body(['      - {name: rest, when: "True", action: abandon}'])).diagnostics.some((x) => x.code === 'FLOW_UNCOVERED_OUTPUTS')).toBe(false);
  });
});

describe('coverage', () => {
  it('every code in compiler/codes.ts has a test in this file', () => {
    expect(Object.keys(CODES).filter((c) => !covered.has(c))).toEqual([]);
  });
});
