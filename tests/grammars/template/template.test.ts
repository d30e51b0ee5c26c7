import { describe, expect, it } from 'vitest';
import { renderTemplate, renderValue, shellQuote, templateRefs } from '../../../grammars/template/index.js';

const render = (text: string, values: Record<string, unknown>, quote?: 'shell' | 'none') =>
  renderTemplate(text, values, { bound: new Set(Object.keys(values)), ...(quote ? { quote } : {}) });

describe('templateRefs (T-1)', () => {
  it('T-1: finds $name, ${name} and $name.key in order, with ranges', () => {
    expect(templateRefs('x $a ${b} $c.d')).toEqual([
      { name: 'a', range: [2, 4], braced: false },
      { name: 'b', range: [5, 9], braced: true },
      { name: 'c', key: 'd', range: [10, 14], braced: false },
    ]);
  });

  it('T-1: $$ is not a reference; a $ without an identifier is text', () => {
    expect(templateRefs('$$a cost $5 $ ${} ${1x} $$$b')).toEqual([{ name: 'b', range: [26, 28], braced: false }]);
  });

  it('T-1: identifiers stop at the first non-identifier character', () => {
    expect(templateRefs('$name-x $a_b1!').map((r) => r.name)).toEqual(['name', 'a_b1']);
  });
});

describe('renderTemplate (T-1, T-2, D-1, D-2)', () => {
  it('c32 (T-1, D-1, D-2): t=$t cost=$$5 b=${t}! n=[$n]', () => {
    expect(renderTemplate('t=$t cost=$$5 b=${t}! n=[$n]', { t: 'hi', n: null }, { bound: new Set(['t', 'n']) })).toBe('t=hi cost=$5 b=hi! n=[]');
  });

  it('CT-11 (T-1): an unbound $nope stays literal, braced or not', () => {
    expect(renderTemplate('t=$t miss=$nope ${nope} cost=$$5 b=${t}!', { t: 'hi' }, { bound: new Set(['t']) })).toBe('t=hi miss=$nope ${nope} cost=$5 b=hi!');
  });

  it('D-1: a bound name with no value (absent loop-back input) renders empty', () => {
    expect(renderTemplate('[$prev]', {}, { bound: new Set(['prev']) })).toBe('[]');
  });

  it('D-2: one pass — substituted values are never re-scanned', () => {
    expect(render('$a', { a: '$b', b: 'no' })).toBe('$b');
    expect(render('$$a', { a: 'x' })).toBe('$a');
  });

  it('T-1: values render as strings raw, numbers/bools via Python str, objects as JSON', () => {
    expect(render('$s|$i|$f|$t|$o|$l', { s: 'x', i: 3, f: 1.5, t: true, o: { a: 1 }, l: [1, 2] })).toBe(
      'x|3|1.5|True|{\n  "a": 1\n}|[\n  1,\n  2\n]',
    );
  });

  it('T-1: $name.key reaches a key of an object input (longest key first)', () => {
    const o = { a: 'A', ab: 'AB', n: null, nested: { x: 1 }, num: 2 };
    expect(render('$o.ab $o.a $o.n| $o.nested $o.num $o.zz', { o })).toBe('AB A | {\n  "x": 1\n} 2 {\n  "a": "A",\n  "ab": "AB",\n  "n": null,\n  "nested": {\n    "x": 1\n  },\n  "num": 2\n}.zz');
  });

  it('T-1: ${name} does not take a .key', () => {
    expect(render('${o}.a', { o: 'v' })).toBe('v.a');
  });

  it("T-1 / S-2: shell quoting of substituted values only", () => {
    expect(render('echo $v', { v: 'a; rm -rf /' }, 'shell')).toBe("echo 'a; rm -rf /'");
    expect(render('echo $v $w', { v: "it's", w: '' }, 'shell')).toBe(`echo 'it'"'"'s' ''`);
    expect(render('run $n $x', { n: 5, x: null }, 'shell')).toBe("run 5 ''");
    expect(render('echo $v', { v: '$(touch pwned)' }, 'none')).toBe('echo $(touch pwned)');
  });

  it('T-1: a lone $ and $ before a non-identifier stay', () => {
    expect(render('cost $ 5 and $5 and $', { x: 1 })).toBe('cost $ 5 and $5 and $');
  });
});

describe('mustache (T-2)', () => {
  it('T-2: {{name}} is replaced for bound names when asked; unbound or not asked stays literal', () => {
    const opts = { bound: new Set(['t', 'n']), mustache: true };
    expect(renderTemplate('a={{t}} b={{n}} c={{x}} d=$t', { t: 'hi', n: null }, opts)).toBe('a=hi b= c={{x}} d=hi');
    expect(renderTemplate('a={{t}}', { t: 'hi' }, { bound: new Set(['t']) })).toBe('a={{t}}');
  });
  it('T-2: templateRefs lists {{name}} in text order when asked', () => {
    expect(templateRefs('$a {{b}} $c', { mustache: true }).map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(templateRefs('{{b}}').map((r) => r.name)).toEqual([]);
  });
});

describe('shellQuote (T-1: shlex.quote rules)', () => {
  it('T-1: safe words stay bare, empty is quoted, quotes are escaped', () => {
    expect(shellQuote('abc-1.2/x_y@%+=:,')).toBe('abc-1.2/x_y@%+=:,');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a; rm -rf /')).toBe("'a; rm -rf /'");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('é')).toBe("'é'");
  });
});

describe('renderValue (T-1, D-1)', () => {
  it('D-1: null and undefined render empty', () => {
    expect(renderValue(null)).toBe('');
    expect(renderValue(undefined)).toBe('');
  });
  it('T-1: Python str for scalars, JSON for containers', () => {
    expect(renderValue(false)).toBe('False');
    expect(renderValue(2.5)).toBe('2.5');
    expect(renderValue(1e16)).toBe('10000000000000000');
    expect(renderValue([])).toBe('[]');
    expect(renderValue({})).toBe('{}');
  });
});
