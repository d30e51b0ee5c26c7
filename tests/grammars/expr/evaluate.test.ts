import { describe, expect, it } from 'vitest';
import { evaluate, evaluateSource, parseExpression, pyStr, toJson, truthy } from '../../../grammars/expr/index.js';

/** Evaluates and returns the value as plain JSON (fails the test on an error). */
function ev(text: string, scope: Record<string, unknown> = {}): unknown {
  const r = evaluateSource(text, scope);
  if (!r.ok) throw new Error(`${text}: ${r.error.type}: ${r.error.message}`);
  return toJson(r.value);
}
/** Python str() of the result, to check int vs float. */
function str(text: string, scope: Record<string, unknown> = {}): string {
  const r = evaluateSource(text, scope);
  if (!r.ok) throw new Error(`${text}: ${r.error.type}: ${r.error.message}`);
  return pyStr(r.value);
}
function err(text: string, scope: Record<string, unknown> = {}) {
  const r = evaluateSource(text, scope);
  if (r.ok) throw new Error(`${text}: expected an error, got ${pyStr(r.value)}`);
  return r.error;
}

describe('X-3 truthiness', () => {
  it('X-3: 0, 0.0, "", [], {}, None are false; everything else true', () => {
    for (const t of ['0', '0.0', "''", '[]', '{}', 'None', '()', 'set()', 'range(0)']) expect(ev(`bool(${t})`), t).toBe(false);
    for (const t of ['1', '-1', '0.5', "'x'", '[0]', "{'a': 0}", '(0,)', 'range(1)', 'len']) expect(ev(`bool(${t})`), t).toBe(true);
  });

  it('X-3: truthy() on evaluate values and JSON scope values', () => {
    expect(truthy(0)).toBe(false);
    expect(truthy({})).toBe(false);
    expect(truthy({ a: 1 })).toBe(true);
    expect(truthy([])).toBe(false);
    const r = evaluateSource('6/2 - 3', {});
    expect(r.ok && truthy(r.value)).toBe(false);
  });

  it('X-3: and/or short-circuit and return an operand', () => {
    expect(ev("[] or 'default'")).toBe('default');
    expect(ev("'x' and 0")).toBe(0);
    expect(ev('0 or None')).toBe(null);
    expect(ev('1 and 2 and 3')).toBe(3);
    expect(ev('False and 1/0')).toBe(false);
    expect(ev('True or 1/0')).toBe(true);
    expect(ev('not []')).toBe(true);
  });

  it('X-3: conditional expression evaluates only the chosen branch', () => {
    expect(ev('1/0 if False else 3')).toBe(3);
  });
});

describe('X-3 comparisons', () => {
  it('X-3: 1 == 1.0 and True == 1', () => {
    expect(ev('1 == 1.0')).toBe(true);
    expect(ev('True == 1')).toBe(true);
    expect(ev('False == 0.0')).toBe(true);
    expect(ev("1 == '1'")).toBe(false);
    expect(ev('[1, 2] == [1, 2.0]')).toBe(true);
    expect(ev('(1, 2) == [1, 2]')).toBe(false);
    expect(ev("{'a': 1} == {'a': 1.0}")).toBe(true);
    expect(ev('d == {"a": [1]}', { d: { a: [1] } })).toBe(true);
  });

  it('X-3: chained comparisons (0 < x <= 5)', () => {
    expect(ev('0 < x <= 5', { x: 5 })).toBe(true);
    expect(ev('0 < x <= 5', { x: 0 })).toBe(false);
    expect(ev('1 < 2 > 1.5')).toBe(true);
    // The middle operand is evaluated once and the chain stops at the first false link.
    expect(ev('1 > 2 < 1/0')).toBe(false);
  });

  it('X-3: ordering None against a number raises the Python TypeError', () => {
    expect(err('None < 1')).toMatchObject({ type: 'TypeError', message: "'<' not supported between instances of 'NoneType' and 'int'" });
    expect(err("'a' >= 1")).toMatchObject({ type: 'TypeError', message: "'>=' not supported between instances of 'str' and 'int'" });
    expect(err('x > 3', { x: null })).toMatchObject({ type: 'TypeError', range: [0, 5] });
  });

  it('X-3: ordering of strings, lists and tuples is lexicographic', () => {
    expect(ev("'abc' < 'abd'")).toBe(true);
    expect(ev("'B' < 'a'")).toBe(true);
    expect(ev('[1, 2] < [1, 3]')).toBe(true);
    expect(ev('(1, 2) < (1, 2, 0)')).toBe(true);
  });

  it('X-3: in is substring for str, key membership for mappings, element membership for lists', () => {
    expect(ev("'ab' in 'cabd'")).toBe(true);
    expect(ev("'a' in d", { d: { a: 1 } })).toBe(true);
    expect(ev("1 in d", { d: { a: 1 } })).toBe(false);
    expect(ev('2 in [1, 2.0]')).toBe(true);
    expect(ev('3 not in (1, 2)')).toBe(true);
    expect(ev('5 in range(0, 10, 5)')).toBe(true);
    expect(ev("'k' in d.keys()", { d: { k: 1 } })).toBe(true);
    expect(err("1 in 'abc'")).toMatchObject({ type: 'TypeError', message: "'in <string>' requires string as left operand, not int" });
    expect(err('1 in 5')).toMatchObject({ type: 'TypeError', message: "argument of type 'int' is not iterable" });
  });

  it('X-3: is / is not compare identity of None and booleans', () => {
    expect(ev('x is None', { x: null })).toBe(true);
    expect(ev('x is not None', { x: 0 })).toBe(true);
    expect(ev('True is True')).toBe(true);
    expect(ev('1 is True')).toBe(false);
  });
});

describe('X-3 arithmetic', () => {
  it('X-3: / is true division and returns a float', () => {
    expect(str('6/2')).toBe('3.0');
    expect(str('7/2')).toBe('3.5');
    expect(ev('6/2')).toBe(3);
  });

  it('X-3: // floors toward negative infinity', () => {
    expect(ev('7 // 2')).toBe(3);
    expect(ev('-7 // 2')).toBe(-4);
    expect(ev('7 // -2')).toBe(-4);
    expect(str('7.0 // 2')).toBe('3.0');
  });

  it('X-3: % takes the sign of the divisor', () => {
    expect(ev('-7 % 3')).toBe(2);
    expect(ev('7 % -3')).toBe(-2);
    expect(str('-7.5 % 2')).toBe('0.5');
  });

  it('X-3: ** with ints stays int, negative exponents give floats; -2**2 == -4', () => {
    expect(ev('-2**2')).toBe(-4);
    expect(ev('(-2)**2')).toBe(4);
    expect(ev('2**3**2')).toBe(512);
    expect(str('2**-1')).toBe('0.5');
    expect(str('2.0**2')).toBe('4.0');
    expect(ev('10**20')).toBe(1e20);
  });

  it('X-3: int/float mixing: int op int is int, anything with a float is a float', () => {
    expect(str('1 + 2')).toBe('3');
    expect(str('1 + 2.0')).toBe('3.0');
    expect(str('True + True')).toBe('2');
    expect(str('3 * 1.0')).toBe('3.0');
    expect(str('-x', { x: 1.5 })).toBe('-1.5');
    expect(str('-True')).toBe('-1');
  });

  it('X-3: + concatenates str and list; * repeats them', () => {
    expect(ev("'a' + 'b'")).toBe('ab');
    expect(ev('[1] + [2]')).toEqual([1, 2]);
    expect(ev('(1,) + (2,)')).toEqual([1, 2]);
    expect(ev("'ab' * 3")).toBe('ababab');
    expect(ev('2 * [0]')).toEqual([0, 0]);
    expect(ev("'x' * -1")).toBe('');
  });

  it('X-3: str % args is printf-style formatting', () => {
    expect(ev("'%s-%s' % (1, 'a')")).toBe('1-a');
    expect(ev("'%.2f' % 3.14159")).toBe('3.14');
    expect(ev("'%5d|%-3d|' % (42, 7)")).toBe('   42|7  |');
    expect(ev("'%(a)s!' % {'a': None}")).toBe('None!');
    expect(ev("'%d%%' % 50")).toBe('50%');
    expect(ev("'%r' % 'x'")).toBe("'x'");
    expect(err("'%s %s' % (1,)")).toMatchObject({ type: 'TypeError', message: 'not enough arguments for format string' });
    expect(err("'%s' % (1, 2)")).toMatchObject({ type: 'TypeError', message: 'not all arguments converted during string formatting' });
  });

  it('X-3: mixed-type arithmetic raises the Python TypeError', () => {
    expect(err("1 + 'a'")).toMatchObject({ type: 'TypeError', message: "unsupported operand type(s) for +: 'int' and 'str'" });
    expect(err("'a' + 1")).toMatchObject({ type: 'TypeError', message: 'can only concatenate str (not "int") to str' });
    expect(err('[1] + None')).toMatchObject({ type: 'TypeError', message: 'can only concatenate list (not "NoneType") to list' });
    expect(err("'a' * 1.5")).toMatchObject({ type: 'TypeError', message: "can't multiply sequence by non-int of type 'float'" });
    expect(err("-'a'")).toMatchObject({ type: 'TypeError', message: "bad operand type for unary -: 'str'" });
  });

  it('X-3: division by zero is a ZeroDivisionError "division by zero"', () => {
    expect(err('1 / 0')).toEqual({ type: 'ZeroDivisionError', message: 'division by zero', range: [0, 5] });
    expect(err('1 // 0').type).toBe('ZeroDivisionError');
    expect(err('1 % 0').type).toBe('ZeroDivisionError');
    expect(err('1.5 / 0').message).toContain('division by zero');
  });
});

describe('X-2 subscripts and slices', () => {
  const scope = { xs: [10, 20, 30, 40], s: 'hello', d: { a: { b: 1 } } };
  it('X-2: negative indices', () => {
    expect(ev('xs[-1]', scope)).toBe(40);
    expect(ev('s[-5]', scope)).toBe('h');
    expect(ev("d['a']['b']", scope)).toBe(1);
  });
  it('X-2: slices a[i:j:k] follow Python rules', () => {
    expect(ev('xs[1:3]', scope)).toEqual([20, 30]);
    expect(ev('xs[::-1]', scope)).toEqual([40, 30, 20, 10]);
    expect(ev('xs[::2]', scope)).toEqual([10, 30]);
    expect(ev('xs[-2:]', scope)).toEqual([30, 40]);
    expect(ev('xs[10:]', scope)).toEqual([]);
    expect(ev('xs[3:0:-1]', scope)).toEqual([40, 30, 20]);
    expect(ev('s[1:4]', scope)).toBe('ell');
    expect(ev('s[::-1]', scope)).toBe('olleh');
    expect(ev('(1, 2, 3)[1:]')).toEqual([2, 3]);
    expect(ev('list(range(10)[2:5])')).toEqual([2, 3, 4]);
  });
  it('X-2: subscript errors are Python errors', () => {
    expect(err('xs[4]', scope)).toMatchObject({ type: 'IndexError', message: 'list index out of range' });
    expect(err("xs['a']", scope)).toMatchObject({ type: 'TypeError', message: 'list indices must be integers or slices, not str' });
    expect(err("d['zz']", scope)).toMatchObject({ type: 'KeyError', message: "'zz'" });
    expect(err('d[[1]]', scope)).toMatchObject({ type: 'TypeError', message: "unhashable type: 'list'" });
    expect(err('xs[::0]', scope)).toMatchObject({ type: 'ValueError', message: 'slice step cannot be zero' });
    expect(err('None[0]')).toMatchObject({ type: 'TypeError', message: "'NoneType' object is not subscriptable" });
  });
  it('X-2: strings index by code point', () => {
    expect(ev('len(s)', { s: 'a😀b' })).toBe(3);
    expect(ev('s[1]', { s: 'a😀b' })).toBe('😀');
  });
});

describe('X-4 + D-8 attribute access on mappings', () => {
  it('D-8: outputs.items finds the key items before the method (CT-23, D-8 variant)', () => {
    const outputs = { items: [1, 2] };
    expect(ev('outputs.items', { outputs })).toEqual([1, 2]);
    expect(ev("outputs.get('items')", { outputs })).toEqual([1, 2]);
    // CT-23 asserts the reference's QUIRK (method shadows key, so false); D-8 fixes it.
    expect(ev('outputs.items == [1]', { outputs: { items: [1] } })).toBe(true);
    expect(ev("outputs.get('items') == [1]", { outputs: { items: [1] } })).toBe(true);
  });

  it('X-4: without such a key the name is the mapping method', () => {
    expect(ev('sorted(outputs.items())', { outputs: { b: 2, a: 1 } })).toEqual([['a', 1], ['b', 2]]);
    expect(ev('list(outputs.keys())', { outputs: { a: 1 } })).toEqual(['a']);
    expect(ev('outputs.copy()', { outputs: { a: 1 } })).toEqual({ a: 1 });
  });

  it('X-4: dot access reaches nested mappings; a missing key is an AttributeError', () => {
    const outputs = { a: { b: { c: 3 } } };
    expect(ev('outputs.a.b.c', { outputs })).toBe(3);
    expect(err('outputs.zz', { outputs })).toMatchObject({ type: 'AttributeError', message: expect.stringContaining("has no attribute 'zz'") });
  });

  it('X-4: dict.get with default and on a null value', () => {
    expect(ev("outputs.get('x', 5)", { outputs: {} })).toBe(5);
    expect(ev("outputs.get('x')", { outputs: {} })).toBe(null);
    expect(ev("outputs.get('x', 5)", { outputs: { x: null } })).toBe(null);
  });

  it('X-4: strings and lists expose their non-mutating methods', () => {
    expect(ev("'  Hi '.strip().lower()")).toBe('hi');
    expect(ev("'a,b,,c'.split(',')")).toEqual(['a', 'b', '', 'c']);
    expect(ev("' a  b '.split()")).toEqual(['a', 'b']);
    expect(ev("'a b c'.split(None, 1)")).toEqual(['a', 'b c']);
    expect(ev("'a-b-c'.rsplit('-', 1)")).toEqual(['a-b', 'c']);
    expect(ev("'-'.join(['a', 'b'])")).toBe('a-b');
    expect(ev("'abc'.startswith('ab')")).toBe(true);
    expect(ev("'abc'.startswith(('x', 'a'))")).toBe(true);
    expect(ev("'abc'.endswith('bc')")).toBe(true);
    expect(ev("'aaa'.replace('a', 'b', 2)")).toBe('bba');
    expect(ev("'banana'.count('an')")).toBe(2);
    expect(ev("'banana'.find('n')")).toBe(2);
    expect(ev("'banana'.rfind('n')")).toBe(4);
    expect(ev("'banana'.find('z')")).toBe(-1);
    expect(ev("'banana'.index('a')")).toBe(1);
    expect(ev("'hello world'.title()")).toBe('Hello World');
    expect(ev("'hELLO'.capitalize()")).toBe('Hello');
    expect(ev("'123'.isdigit()")).toBe(true);
    expect(ev("''.isdigit()")).toBe(false);
    expect(ev("'abc'.isalpha()")).toBe(true);
    expect(ev("'xxhixx'.strip('x')")).toBe('hi');
    expect(ev("'  x'.lstrip()")).toBe('x');
    expect(ev("'x  '.rstrip()")).toBe('x');
    expect(ev("'7'.zfill(3)")).toBe('007');
    expect(ev("'a\\nb'.splitlines()")).toEqual(['a', 'b']);
    expect(ev("'{} is {:.2f}'.format('pi', 3.14159)")).toBe('pi is 3.14');
    expect(ev("'{n}!'.format(n=3)")).toBe('3!');
    expect(ev("'{0}{0}|{1:>4}|{2:,}|{3:.1%}|{4!r}'.format('a', 7, 1234567, 0.256, 'q')")).toBe("aa|   7|1,234,567|25.6%|'q'");
    expect(ev("'{{}}{}'.format(True)")).toBe('{}True');
    expect(err("'{}{}'.format(1)").type).toBe('IndexError');
    expect(ev('[1, 2, 1].count(1)')).toBe(2);
    expect(ev('[1, 2, 3].index(2)')).toBe(1);
    expect(err("'abc'.index('z')")).toMatchObject({ type: 'ValueError', message: 'substring not found' });
    expect(err('[1].index(5)')).toMatchObject({ type: 'ValueError', message: '5 is not in list' });
  });

  it('X-4: mutating methods are not available', () => {
    expect(err('xs.append(1)', { xs: [] })).toMatchObject({ type: 'AttributeError', message: expect.stringContaining('cannot modify') });
    expect(err("d.update({'a': 1})", { d: {} })).toMatchObject({ type: 'AttributeError' });
    expect(err("'x'.nope()")).toMatchObject({ type: 'AttributeError', message: "'str' object has no attribute 'nope'" });
    expect(err('None.x')).toMatchObject({ type: 'AttributeError', message: "'NoneType' object has no attribute 'x'" });
  });
});

describe('X-5 + D-9 builtins', () => {
  it('X-5: any all len min max sum abs round sorted', () => {
    expect(ev('any([0, 1])')).toBe(true);
    expect(ev('any([])')).toBe(false);
    expect(ev('all([1, 2])')).toBe(true);
    expect(ev('all([])')).toBe(true);
    expect(ev("len('abc') + len([1]) + len({'a': 1})")).toBe(5);
    expect(ev('min(3, 1, 2)')).toBe(1);
    expect(ev('max([3, 1, 2])')).toBe(3);
    expect(ev("max(['aa', 'b'], key=len)")).toBe('aa');
    expect(ev('min([], default=7)')).toBe(7);
    expect(ev('sum([1, 2, 3])')).toBe(6);
    expect(ev('sum([[1], [2]], [])')).toEqual([1, 2]);
    expect(str('sum([0.5, 0.5])')).toBe('1.0');
    expect(ev('abs(-3)')).toBe(3);
    expect(str('abs(-3.0)')).toBe('3.0');
    expect(ev('sorted([3, 1, 2])')).toEqual([1, 2, 3]);
    expect(ev('sorted([3, 1, 2], reverse=True)')).toEqual([3, 2, 1]);
    expect(ev('sorted(xs, key=d.get)', { xs: ['a', 'b'], d: { a: 2, b: 1 } })).toEqual(['b', 'a']);
    expect(ev("sorted(['b', 'A', 'c'], key=str.lower)".replace('str.lower', 'len'))).toEqual(['b', 'A', 'c']);
  });

  it('X-5: round uses banker\'s rounding like Python', () => {
    expect(ev('round(2.5)')).toBe(2);
    expect(ev('round(3.5)')).toBe(4);
    expect(ev('round(-0.5)')).toBe(0);
    expect(str('round(2.675, 2)')).toBe('2.67');
    expect(str('round(0.125, 2)')).toBe('0.12');
    expect(str('round(3.14159, 3)')).toBe('3.142');
    expect(str('round(2.0, 1)')).toBe('2.0');
    expect(ev('round(1250, -2)')).toBe(1200);
    expect(str('round(7)')).toBe('7');
  });

  it('X-5: int float str bool conversions', () => {
    expect(ev("int('12')")).toBe(12);
    expect(ev("int(' -3 ')")).toBe(-3);
    expect(ev('int(3.9)')).toBe(3);
    expect(ev('int(-3.9)')).toBe(-3);
    expect(ev("int('ff', 16)")).toBe(255);
    expect(str("float('1e3')")).toBe('1000.0');
    expect(str('float(2)')).toBe('2.0');
    expect(str("float('inf')")).toBe('inf');
    expect(ev('str(1.0)')).toBe('1.0');
    expect(ev('str(None)')).toBe('None');
    expect(ev("str([1, 'a', True])")).toBe("[1, 'a', True]");
    expect(ev("bool('')")).toBe(false);
    expect(err("int('x')")).toMatchObject({ type: 'ValueError', message: "invalid literal for int() with base 10: 'x'" });
    expect(err("float('abc')")).toMatchObject({ type: 'ValueError', message: "could not convert string to float: 'abc'" });
    expect(err('int(None)')).toMatchObject({ type: 'TypeError' });
  });

  it('X-5: regex_extract returns group 1 of the first match, else default', () => {
    expect(ev("regex_extract('score: (\\\\d+)', 'score: 42 score: 7')")).toBe('42');
    expect(ev("regex_extract('(\\\\d+)', 'none')")).toBe(null);
    expect(ev("regex_extract('(\\\\d+)', 'none', 'n/a')")).toBe('n/a');
    expect(ev("regex_extract('\\\\d+', 'x 12', default='nogroup')")).toBe('nogroup');
    expect(ev("regex_extract(r'(?P<num>\\d+)', 'x9')")).toBe('9');
    expect(ev("regex_extract(r'(?i)v=(\\w+)', 'V=ok')")).toBe('ok');
    expect(ev("regex_extract(r'(\\d+)$', 'a 12\\n')")).toBe('12');
    expect(err("regex_extract('(', 'x')").type).toBe('ValueError');
  });

  it('X-5: regex patterns follow Python: Unicode \\w/\\d/\\b, literal braces, escaped punctuation', () => {
    expect(ev("regex_extract(r'(\\w+)', 'héllo wörld')")).toBe('héllo');
    expect(ev("regex_extract(r'\\b(\\w)', '-é')")).toBe('é');
    expect(ev(`regex_extract(r'{"score": (\\d+)}', t)`, { t: 'x {"score": 42} y' })).toBe('42');
    expect(ev("regex_extract(r'\\{(\\w+)\\}', '{ab}')")).toBe('ab');
    expect(ev("regex_extract(r'a{2}(b)', 'aab')")).toBe('b');
    expect(ev("regex_extract(r'\\:\\s*(\\S+)', 'k: v')")).toBe('v');
    expect(ev("regex_extract(r'(?P<a>x)(?P=a)(y)', 'xxy')")).toBe('x');
    expect(ev("regex_extract(r'\\A(b)', 'ab')")).toBe(null);
  });

  it('X-5: regex_extract_last returns group 1 of the last match, dot matching newlines', () => {
    expect(ev("regex_extract_last(r'(\\d+)', 'a 1 b 2 c 3')")).toBe('3');
    expect(ev("regex_extract_last(r'<a>(.*?)</a>', '<a>x\\ny</a> <a>p\\nq</a>')")).toBe('p\nq');
    expect(ev("regex_extract_last(r'(\\d+)', 'none', 'd')")).toBe('d');
  });

  it('D-9: list dict set tuple range enumerate zip are defined', () => {
    expect(ev('list(range(3))')).toEqual([0, 1, 2]);
    expect(ev('list(range(1, 10, 3))')).toEqual([1, 4, 7]);
    expect(ev('list(range(3, 0, -1))')).toEqual([3, 2, 1]);
    expect(ev("dict(a=1, b=2)")).toEqual({ a: 1, b: 2 });
    expect(ev("dict([('a', 1)])")).toEqual({ a: 1 });
    expect(ev('sorted(set([3, 1, 3]))')).toEqual([1, 3]);
    expect(ev('tuple([1, 2])')).toEqual([1, 2]);
    expect(ev("list(enumerate(['a', 'b'], 1))")).toEqual([[1, 'a'], [2, 'b']]);
    expect(ev('list(zip([1, 2, 3], "ab"))')).toEqual([[1, 'a'], [2, 'b']]);
    expect(ev('{k: v for k, v in zip("ab", [1, 2])}')).toEqual({ a: 1, b: 2 });
    expect(ev('len(range(10**6))')).toBe(1_000_000);
  });

  it('X-5: map, filter, isinstance are NameErrors in Python wording', () => {
    for (const n of ['map', 'filter', 'isinstance', 'open', '__import__']) {
      expect(err(`${n}(1)`)).toMatchObject({ type: 'NameError', message: `name '${n}' is not defined` });
    }
  });

  it('X-5: true/false/null aliases', () => {
    expect(ev('true and not false')).toBe(true);
    expect(ev('x == null', { x: null })).toBe(true);
  });

  it('X-5: calling a non-callable is a TypeError', () => {
    expect(err('x()', { x: 1 })).toMatchObject({ type: 'TypeError', message: "'int' object is not callable" });
    expect(err('len(1)')).toMatchObject({ type: 'TypeError', message: "object of type 'int' has no len()" });
    expect(err('len()')).toMatchObject({ type: 'TypeError' });
  });
});

describe('X-2 comprehensions (evaluation)', () => {
  it('X-2: list, set, dict comprehensions and generator expressions with several for/if', () => {
    expect(ev('[x * 2 for x in xs if x > 1]', { xs: [1, 2, 3] })).toEqual([4, 6]);
    expect(ev('[(x, y) for x in range(3) for y in range(x) if y]')).toEqual([[2, 1]]);
    expect(ev('sorted({x % 2 for x in range(5)})')).toEqual([0, 1]);
    expect(ev('{k: v * 2 for k, v in d.items()}', { d: { a: 1 } })).toEqual({ a: 2 });
    expect(ev('sum(x for x in xs)', { xs: [1, 2, 3] })).toBe(6);
    expect(ev('list(x for x in "ab")')).toEqual(['a', 'b']);
    expect(ev('[c for c in "hi"]')).toEqual(['h', 'i']);
    expect(ev('[k for k in d]', { d: { a: 1, b: 2 } })).toEqual(['a', 'b']);
  });

  it('X-2: generator expressions are lazy, so any() short-circuits', () => {
    expect(ev('any(x == 1 or 1 / 0 for x in [1, 0])')).toBe(true);
  });

  it('X-2: comprehension variables do not leak and shadow the scope only inside', () => {
    expect(ev('[x for x in [1, 2]] + [x]', { x: 9 })).toEqual([1, 2, 9]);
  });

  it('X-2: unpacking errors', () => {
    expect(err('[a for a, b in [(1, 2, 3)]]')).toMatchObject({ type: 'ValueError', message: 'too many values to unpack (expected 2)' });
    expect(err('[a for a, b in [(1,)]]')).toMatchObject({ type: 'ValueError', message: 'not enough values to unpack (expected 2, got 1)' });
  });

  it('X-2: a generator result is materialised by evaluate', () => {
    expect(ev('(x for x in [1, 2])')).toEqual([1, 2]);
  });
});

describe('X-1 names', () => {
  it('X-1: an unknown name is a NameError with its range', () => {
    expect(err('nope == 1')).toEqual({ type: 'NameError', message: "name 'nope' is not defined", range: [0, 4] });
  });
  it('X-1: scope names shadow builtins; _-prefixed names are read from the scope like any other', () => {
    expect(ev('len', { len: 3 })).toBe(3);
    expect(ev('_x', { _x: 1 })).toBe(1);
    expect(err('_error').type).toBe('NameError');
  });
  it('X-1: a scope entry whose value is undefined (absent loop-back input) is an undefined name', () => {
    expect(err('prev == 1', { prev: undefined })).toMatchObject({ type: 'NameError', message: "name 'prev' is not defined" });
    expect(ev('len', { len: undefined })).toBe('<built-in function len>');
  });
});

describe('SPEC §12 conformance expressions', () => {
  it('CT-13: sum(s.values())/len(s) on {a:4,b:2} is 3.0', () => {
    const r = evaluateSource('sum(s.values())/len(s)', { s: { a: 4, b: 2 } });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(pyStr(r.value)).toBe('3.0');
      expect(toJson(r.value)).toBe(3);
      // the exit rule sees the derived value
      expect(ev('outputs.avg == 3', { outputs: { avg: toJson(r.value) } })).toBe(true);
    }
  });

  it('CT-14: x / 0 fails with "division by zero"', () => {
    expect(err('x / 0', { x: 5 })).toMatchObject({ type: 'ZeroDivisionError', message: 'division by zero' });
  });

  it('CT-15 (D-9 variant): list(range(3)) is defined here, unlike the reference', () => {
    expect(ev('list(range(3))')).toEqual([0, 1, 2]);
  });

  it("CT-20: float(outputs.get('score')) >= 4 with score null is an error (rule skipped)", () => {
    expect(err("float(outputs.get('score')) >= 4", { outputs: { score: null } })).toMatchObject({ type: 'TypeError', message: "float() argument must be a string or a real number, not 'NoneType'" });
  });

  it('CT-22: max_attempts is None → true', () => {
    expect(ev('max_attempts is None', { max_attempts: null, attempt: 1 })).toBe(true);
  });

  it('CT-23 (D-8 variant): outputs.items on {"items":[1]} is the key', () => {
    expect(ev('outputs.items == [1]', { outputs: { items: [1] } })).toBe(true);
    expect(ev("outputs.get('items') == [1]", { outputs: { items: [1] } })).toBe(true);
  });

  it('CT-25: an undefined name in a when expression is a NameError', () => {
    expect(err('nope == 1').type).toBe('NameError');
  });

  it('c37: len(outputs.items) == 2 and outputs.get(\'items\')[1] == 2', () => {
    expect(ev("len(outputs.items) == 2 and outputs.get('items')[1] == 2", { outputs: { items: [1, 2] } })).toBe(true);
  });
});

describe('evaluate() API', () => {
  it('evaluate takes a parsed AST and a maxSteps option', () => {
    const ast = parseExpression('sum(range(1000))').ast!;
    expect(evaluate(ast, {})).toEqual({ ok: true, value: 499500 });
    expect(evaluate(ast, {}, { maxSteps: 100 })).toMatchObject({ ok: false, error: { type: 'LimitError', message: 'expression exceeded its step budget' } });
  });

  it('evaluateSource reports a parse error as a SyntaxError result', () => {
    expect(evaluateSource('1 +', {})).toMatchObject({ ok: false, error: { type: 'SyntaxError', message: expect.stringContaining('EXPR_SYNTAX') } });
  });

  it('evaluate never mutates the scope', () => {
    const scope = { xs: [3, 1, 2], d: { a: 1 } };
    const before = JSON.stringify(scope);
    ev('sorted(xs) + list(d.copy()) + [d.get("a")]', scope);
    expect(JSON.stringify(scope)).toBe(before);
  });
});
