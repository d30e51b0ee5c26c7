import { describe, expect, it } from 'vitest';
import { evaluateSource, pyStr, toJson } from '../../../grammars/expr/index.js';

const value = (text: string, scope: Record<string, unknown> = {}): unknown => {
  const r = evaluateSource(text, scope);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.value;
};

describe('pyStr: Python str() of values (T-1, X-3)', () => {
  it('T-1: None, booleans and ints', () => {
    expect(pyStr(null)).toBe('None');
    expect(pyStr(undefined)).toBe('None');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(false)).toBe('False');
    expect(pyStr(42)).toBe('42');
    expect(pyStr(-7)).toBe('-7');
    expect(pyStr(1e20)).toBe('100000000000000000000');
  });

  it('T-1: floats print like Python repr (1.0, 1e-05, 1e+16, inf, nan)', () => {
    const cases: [string, string][] = [
      ['1.0', '1.0'], ['0.1 + 0.2', '0.30000000000000004'], ['1e16', '1e+16'], ['1.5e16', '1.5e+16'],
      ['1e15', '1000000000000000.0'], ['0.0001', '0.0001'], ['0.00001', '1e-05'], ['1.5e-7', '1.5e-07'],
      ['-0.0', '-0.0'], ["float('inf')", 'inf'], ["float('-inf')", '-inf'], ["float('nan')", 'nan'],
      ['123.456', '123.456'], ['1e300 * 10', '1e+301'], ['2.5', '2.5'],
    ];
    for (const [text, expected] of cases) expect(pyStr(value(text)), text).toBe(expected);
    expect(pyStr(1.5)).toBe('1.5');
  });

  it('T-1: strings raw at top level, quoted inside containers', () => {
    expect(pyStr('hi')).toBe('hi');
    expect(pyStr(['a', "it's", 'say "x"', 'a\nb'])).toBe(`['a', "it's", 'say "x"', 'a\\nb']`);
  });

  it('T-1: containers in Python repr', () => {
    expect(pyStr({ a: [1, 2.5, null, true], b: {} })).toBe("{'a': [1, 2.5, None, True], 'b': {}}");
    expect(pyStr(value('(1,)'))).toBe('(1,)');
    expect(pyStr(value('(1, 2.0)'))).toBe('(1, 2.0)');
    expect(pyStr(value('()'))).toBe('()');
    expect(pyStr(value('set()'))).toBe('set()');
    expect(pyStr(value('{1, 2}'))).toBe('{1, 2}');
    expect(pyStr(value('range(3)'))).toBe('range(0, 3)');
    expect(pyStr(value('{1: "a"}'))).toBe("{1: 'a'}");
    expect(pyStr(value('d.keys()', { d: { a: 1 } }))).toBe("dict_keys(['a'])");
    expect(pyStr(value('len'))).toBe('<built-in function len>');
  });
});

describe('toJson: back to plain JSON', () => {
  it('C-3: boxed floats become numbers, tuples/sets/ranges become arrays', () => {
    expect(toJson(value('6/2'))).toBe(3);
    expect(toJson(value('(1, 2.0)'))).toEqual([1, 2]);
    expect(toJson(value('{3, 1}'))).toEqual([3, 1]);
    expect(toJson(value('range(2)'))).toEqual([0, 1]);
    expect(toJson(value('d.items()', { d: { a: 1 } }))).toEqual([['a', 1]]);
  });

  it('C-3: dict keys become strings the way json.dumps writes them', () => {
    expect(toJson(value('{1: 2.0, True: "t", None: 0, "s": [1.0]}'))).toEqual({ 1: 't', null: 0, s: [1] });
  });

  it('C-3: a dict key __proto__ stays data', () => {
    const out = toJson(value("{'__proto__': 1}")) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('C-3: plain JSON passes through unchanged', () => {
    const data = { a: [1, 'x', null, { b: false }] };
    expect(toJson(value('d', { d: data }))).toEqual(data);
  });
});
