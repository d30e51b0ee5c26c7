import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { renderStepConfig } from '../../runtime/executors/render-config.js';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { pythonStr, shellQuote } from '../../runtime/executors/template.js';
import { makeCtx, makeStep, stepWithInputs, tempDir } from './helpers.js';

const render = (command: string, inputs: Record<string, unknown>, locals = Object.keys(inputs)): unknown =>
  renderStepConfig(stepWithInputs(command, locals), inputs).command;

describe('T-1 Stage A rendering of commands (shell-quoted)', () => {
  it('T-1 / S-2: substituted values are POSIX-quoted in `command`', () => {
    expect(render('echo $v', { v: "it's; rm -rf /" })).toBe(`echo 'it'"'"'s; rm -rf /'`);
  });

  it('T-1: safe words stay unquoted, empty strings become two quotes', () => {
    expect(render('cp $a $b', { a: 'src/x.txt', b: '' })).toBe("cp src/x.txt ''");
  });

  it('T-1 / D-1: a null input and an absent bound input (loop-back, first pass) render empty', () => {
    expect(render('echo v=$x w=$y', { x: null }, ['x', 'y'])).toBe("echo v='' w=''");
  });

  it('T-1: `$name` that is no input stays literal, `$$` becomes `$`, a lone `$` stays', () => {
    expect(render('echo $HOME $$ $(date) $1 ${nope} $v', { v: 'k' })).toBe('echo $HOME $ $(date) $1 ${nope} k');
  });

  it('D-2: substituted values are not scanned again', () => {
    expect(render('echo $a', { a: '$b', b: 'no' })).toBe("echo '$b'");
  });

  it('T-1: objects render as JSON indented 2, numbers/bools as Python str', () => {
    expect(render('x $o $n $t', { o: { k: 1 }, n: 2.5, t: false })).toBe(`x ${shellQuote('{\n  "k": 1\n}')} 2.5 False`);
  });

  it('T-1: `$name.key` reaches into an object input; `${name}` works like `$name`', () => {
    expect(render('echo $o.k ${s}x', { o: { k: 'deep', n: null }, s: 'y' })).toBe('echo deep yx');
    expect(render('echo [$o.n]', { o: { n: null } })).toBe("echo ['']");
  });
});

describe('T-1 Stage A rendering of other keys (raw)', () => {
  it('T-1 / CT-11: prompts substitute raw, with $$, ${} and unknown names', () => {
    const step = makeStep({
      kind: 'external',
      executor: { type: 'external', config: { prompt: 't=$t miss=$nope cost=$$5 b=${t}! n=[$n]' } },
      inputs: ['t', 'n'].map((local) => ({ local, kind: 'job' as const, sources: [], optional: false, backEdge: false })),
    });
    expect(renderStepConfig(step, { t: "hi 'x'", n: null })).toEqual({ prompt: "t=hi 'x' miss=$nope cost=$5 b=hi 'x'! n=[]" });
  });

  it('T-1: rendering is deep, `check_command` nested under config is quoted, the IR is untouched', () => {
    const config = { config: { check_command: 'test -e $f', interval_seconds: 5 }, prompt: 'f=$f', list: ['$f'] };
    const step = makeStep({
      kind: 'poll',
      executor: { type: 'poll', config },
      inputs: [{ local: 'f', kind: 'job', sources: [], optional: false, backEdge: false }],
    });
    expect(renderStepConfig(step, { f: 'a b' })).toEqual({
      config: { check_command: "test -e 'a b'", interval_seconds: 5 },
      prompt: 'f=a b',
      list: ['a b'],
    });
    expect(config.config.check_command).toBe('test -e $f');
  });
});

describe('T-1 + EX-1 end to end (conformance c24, c07)', () => {
  it('c24 / CT-09: an injected payload is echoed literally and does not execute', async () => {
    const root = tempDir();
    const ctx = makeCtx(root);
    const v = 'x; touch pwned; echo $(touch pwned)';
    const step = stepWithInputs('echo $v', ['v']);
    const result = await createScriptExecutor().start({ inputs: { v }, config: renderStepConfig(step, { v }), ctx });
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: v } });
    expect(existsSync(path.join(ctx.workspace, 'pwned'))).toBe(false);
  });

  it('c07 / D-1: an absent loop-back input renders as an empty argument', async () => {
    const root = tempDir();
    const cmd = `printf '{"text": "draft[%s]"}' $prev`;
    const step = stepWithInputs(cmd, ['prev']);
    const result = await createScriptExecutor().start({ inputs: {}, config: renderStepConfig(step, {}), ctx: makeCtx(root) });
    expect(result).toMatchObject({ kind: 'data', artifact: { text: 'draft[]' } });
  });
});

describe('T-1 Python str() of numbers', () => {
  it.each([
    [3, '3'],
    [2.5, '2.5'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [1e21, '1000000000000000000000'],
    [-0.25, '-0.25'],
  ])('T-1: %d renders as %s', (n, text) => {
    expect(pythonStr(n)).toBe(text);
  });
});
