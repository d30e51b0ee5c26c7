import { describe, expect, it } from 'vitest';
import { freeNames, parseExpression, type ExprNode } from '../../../grammars/expr/index.js';

/** The AST without ranges, for compact structural assertions. */
function shape(text: string): unknown {
  const r = parseExpression(text);
  expect(r.errors).toEqual([]);
  return JSON.parse(JSON.stringify(r.ast, (k, v) => (k === 'range' ? undefined : v)));
}
function errorsOf(text: string) {
  const r = parseExpression(text);
  expect(r.ast).toBeNull();
  return r.errors;
}
const lit = (value: unknown, float?: boolean) => (float ? { type: 'Literal', value, float } : { type: 'Literal', value });
const name = (id: string) => ({ type: 'Name', id });

describe('X-2 grammar: literals', () => {
  it('X-2: int, float, hex/octal/binary and underscore literals', () => {
    expect(shape('42')).toEqual(lit(42));
    expect(shape('1_000')).toEqual(lit(1000));
    expect(shape('0x1F')).toEqual(lit(31));
    expect(shape('0o17')).toEqual(lit(15));
    expect(shape('0b101')).toEqual(lit(5));
    expect(shape('1.5')).toEqual(lit(1.5, true));
    expect(shape('1.0')).toEqual(lit(1, true));
    expect(shape('.5')).toEqual(lit(0.5, true));
    expect(shape('1e3')).toEqual(lit(1000, true));
    expect(shape('2.5E-3')).toEqual(lit(0.0025, true));
  });

  it('X-2: single- and double-quoted strings with escapes, raw strings, implicit concatenation', () => {
    expect(shape(`'a'`)).toEqual(lit('a'));
    expect(shape(`"b"`)).toEqual(lit('b'));
    expect(shape(`'it\\'s'`)).toEqual(lit("it's"));
    expect(shape(`"tab\\there\\n"`)).toEqual(lit('tab\there\n'));
    expect(shape(`'\\x41\\u00e9\\U0001F600\\101'`)).toEqual(lit('Aé😀A'));
    expect(shape(`r'\\d+'`)).toEqual(lit('\\d+'));
    expect(shape(`'a' "b"`)).toEqual(lit('ab'));
    expect(shape(`'''x'y'''`)).toEqual(lit("x'y"));
    expect(shape(`'\\q'`)).toEqual(lit('\\q'));
  });

  it('X-2: True/False/None are literals; true/false/null are names resolved as builtins', () => {
    expect(shape('True')).toEqual(lit(true));
    expect(shape('False')).toEqual(lit(false));
    expect(shape('None')).toEqual(lit(null));
    expect(shape('true')).toEqual(name('true'));
    expect(shape('null')).toEqual(name('null'));
  });

  it('X-2: list, tuple, dict and set displays (with trailing commas)', () => {
    expect(shape('[1, 2,]')).toEqual({ type: 'List', elts: [lit(1), lit(2)] });
    expect(shape('[]')).toEqual({ type: 'List', elts: [] });
    expect(shape('()')).toEqual({ type: 'Tuple', elts: [] });
    expect(shape('(1,)')).toEqual({ type: 'Tuple', elts: [lit(1)] });
    expect(shape('(1)')).toEqual(lit(1));
    expect(shape('1, 2')).toEqual({ type: 'Tuple', elts: [lit(1), lit(2)] });
    expect(shape('{}')).toEqual({ type: 'Dict', keys: [], values: [] });
    expect(shape(`{'a': 1, 'b': 2,}`)).toEqual({ type: 'Dict', keys: [lit('a'), lit('b')], values: [lit(1), lit(2)] });
    expect(shape('{1, 2}')).toEqual({ type: 'Set', elts: [lit(1), lit(2)] });
  });
});

describe('X-2 grammar: names, attributes, subscripts, calls', () => {
  it('X-2: attribute access and subscripts with negative indices', () => {
    expect(shape('outputs.score')).toEqual({ type: 'Attribute', value: name('outputs'), attr: 'score' });
    expect(shape('xs[-1]')).toEqual({ type: 'Subscript', value: name('xs'), index: { type: 'Unary', op: '-', operand: lit(1) } });
  });

  it('X-2: slices a[i:j:k] with any part omitted', () => {
    const slice = (lower: unknown, upper: unknown, step: unknown) => ({ type: 'Subscript', value: name('a'), index: { type: 'Slice', lower, upper, step } });
    expect(shape('a[1:2:3]')).toEqual(slice(lit(1), lit(2), lit(3)));
    expect(shape('a[:]')).toEqual(slice(null, null, null));
    expect(shape('a[::2]')).toEqual(slice(null, null, lit(2)));
    expect(shape('a[1:]')).toEqual(slice(lit(1), null, null));
    expect(shape('a[:-1]')).toEqual(slice(null, { type: 'Unary', op: '-', operand: lit(1) }, null));
  });

  it('X-2: calls with positional and keyword arguments', () => {
    expect(shape('sorted(xs, key=d.get, reverse=True)')).toEqual({
      type: 'Call',
      func: name('sorted'),
      args: [name('xs')],
      keywords: [
        { arg: 'key', value: { type: 'Attribute', value: name('d'), attr: 'get' } },
        { arg: 'reverse', value: lit(true) },
      ],
    });
  });

  it('X-2: a bare generator as the sole call argument', () => {
    expect(shape('sum(x for x in xs)')).toEqual({
      type: 'Call',
      func: name('sum'),
      args: [{ type: 'Comprehension', kind: 'generator', elt: name('x'), generators: [{ target: name('x'), iter: name('xs'), ifs: [] }] }],
      keywords: [],
    });
  });

  it('X-2: a bare generator next to another argument is a syntax error', () => {
    expect(errorsOf('f(x for x in xs, 1)')[0]).toMatchObject({ code: 'EXPR_SYNTAX', message: expect.stringContaining('parenthesized') });
  });

  it('X-2: positional after keyword and repeated keywords are syntax errors', () => {
    expect(errorsOf('f(a=1, b)')[0]!.code).toBe('EXPR_SYNTAX');
    expect(errorsOf('f(a=1, a=2)')[0]!.code).toBe('EXPR_SYNTAX');
  });
});

describe('X-2 grammar: operators and precedence', () => {
  it('X-2: * binds tighter than +, and binary chains are left-associative', () => {
    expect(shape('1 + 2 * 3')).toEqual({ type: 'Binary', op: '+', left: lit(1), right: { type: 'Binary', op: '*', left: lit(2), right: lit(3) } });
    expect(shape('1 - 2 - 3')).toEqual({ type: 'Binary', op: '-', left: { type: 'Binary', op: '-', left: lit(1), right: lit(2) }, right: lit(3) });
  });

  it('X-2: ** is right-associative and binds tighter than unary minus on its left', () => {
    expect(shape('-2**2')).toEqual({ type: 'Unary', op: '-', operand: { type: 'Binary', op: '**', left: lit(2), right: lit(2) } });
    expect(shape('2**3**2')).toEqual({ type: 'Binary', op: '**', left: lit(2), right: { type: 'Binary', op: '**', left: lit(3), right: lit(2) } });
    expect(shape('2**-1')).toEqual({ type: 'Binary', op: '**', left: lit(2), right: { type: 'Unary', op: '-', operand: lit(1) } });
  });

  it('X-2: // and % are term operators', () => {
    expect(shape('a // b % c')).toEqual({ type: 'Binary', op: '%', left: { type: 'Binary', op: '//', left: name('a'), right: name('b') }, right: name('c') });
  });

  it('X-2: comparison chains keep every operator', () => {
    expect(shape('0 < x <= 5')).toEqual({ type: 'Compare', left: lit(0), ops: ['<', '<='], comparators: [name('x'), lit(5)] });
    expect(shape('a not in b')).toMatchObject({ ops: ['not in'] });
    expect(shape('a is not None')).toMatchObject({ ops: ['is not'] });
    expect(shape('a in b')).toMatchObject({ ops: ['in'] });
    expect(shape('a is b')).toMatchObject({ ops: ['is'] });
    expect(shape('a == b != c >= d > e < f')).toMatchObject({ ops: ['==', '!=', '>=', '>', '<'] });
  });

  it('X-2: not < and < or, and conditional expressions bind loosest', () => {
    expect(shape('not a and b or c')).toEqual({
      type: 'BoolOp',
      op: 'or',
      values: [{ type: 'BoolOp', op: 'and', values: [{ type: 'Unary', op: 'not', operand: name('a') }, name('b')] }, name('c')],
    });
    expect(shape('a if c else b')).toEqual({ type: 'IfExp', test: name('c'), body: name('a'), orelse: name('b') });
    expect(shape('a or b if c else d')).toMatchObject({ type: 'IfExp', body: { type: 'BoolOp' } });
  });

  it('X-2: unary + and -', () => {
    expect(shape('+-x')).toEqual({ type: 'Unary', op: '+', operand: { type: 'Unary', op: '-', operand: name('x') } });
  });
});

describe('X-2 grammar: comprehensions', () => {
  it('X-2: list comprehension with several for and if clauses', () => {
    expect(shape('[x * y for x in xs if x for y in ys if y > 1 if y < 5]')).toMatchObject({
      type: 'Comprehension',
      kind: 'list',
      generators: [
        { target: name('x'), iter: name('xs'), ifs: [name('x')] },
        { target: name('y'), iter: name('ys'), ifs: [{ type: 'Compare' }, { type: 'Compare' }] },
      ],
    });
  });

  it('X-2: set, dict and parenthesised generator comprehensions; tuple targets', () => {
    expect(shape('{x for x in xs}')).toMatchObject({ type: 'Comprehension', kind: 'set' });
    expect(shape('{k: v for k, v in d.items()}')).toMatchObject({
      type: 'Comprehension',
      kind: 'dict',
      elt: name('k'),
      value: name('v'),
      generators: [{ target: { type: 'Tuple', elts: [name('k'), name('v')] } }],
    });
    expect(shape('(x for x in xs)')).toMatchObject({ type: 'Comprehension', kind: 'generator' });
    expect(shape('[a for (a, b) in pairs]')).toMatchObject({ generators: [{ target: { type: 'Tuple' } }] });
  });

  it('X-2: the element may be a conditional expression', () => {
    expect(shape('[a if a else b for a in xs]')).toMatchObject({ elt: { type: 'IfExp' } });
  });
});

describe('X-2 ranges', () => {
  it('X-2: node ranges are [start, end) offsets into the text', () => {
    const r = parseExpression('  outputs.x >= 10');
    const ast = r.ast as Extract<ExprNode, { type: 'Compare' }>;
    expect(ast.range).toEqual([2, 17]);
    expect(ast.left.range).toEqual([2, 11]);
    expect(ast.comparators[0]!.range).toEqual([15, 17]);
  });
});

describe('error codes', () => {
  it('EXPR_SYNTAX: an incomplete expression points at its end', () => {
    const [e] = errorsOf('outputs.x >= ');
    expect(e).toMatchObject({ code: 'EXPR_SYNTAX' });
    expect(e!.range[0]).toBe(13);
  });

  it('EXPR_SYNTAX: unbalanced brackets, stray tokens, unterminated strings, empty text', () => {
    expect(errorsOf('(1')[0]).toMatchObject({ code: 'EXPR_SYNTAX', message: expect.stringContaining("')'") });
    expect(errorsOf('a b')[0]).toMatchObject({ code: 'EXPR_SYNTAX', range: [2, 3] });
    expect(errorsOf("'abc")[0]).toMatchObject({ code: 'EXPR_SYNTAX', message: 'unterminated string literal' });
    expect(errorsOf('   ')[0]).toMatchObject({ code: 'EXPR_SYNTAX', message: 'empty expression' });
    expect(errorsOf('a[]')[0]!.code).toBe('EXPR_SYNTAX');
    expect(errorsOf('007')[0]!.code).toBe('EXPR_SYNTAX');
    expect(errorsOf('x ! y')[0]).toMatchObject({ code: 'EXPR_SYNTAX', hint: expect.stringContaining('not') });
  });

  it('EXPR_SYNTAX: recovery reports more than one error', () => {
    expect(errorsOf('f(1 2) + [3 4]').length).toBeGreaterThan(1);
  });

  it('EXPR_UNSUPPORTED: lambda (X-2, S-1)', () => {
    expect(errorsOf('sorted(xs, key=lambda x: x)')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', message: expect.stringContaining('lambda'), range: [15, 21] });
  });

  it('EXPR_UNSUPPORTED: f-strings (X-2, S-1)', () => {
    expect(errorsOf(`f'{x}'`)[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', message: expect.stringContaining('f-string') });
    expect(errorsOf(`rf'{x}'`)[0]!.code).toBe('EXPR_UNSUPPORTED');
  });

  it('EXPR_UNSUPPORTED: walrus, bytes, complex numbers, bitwise operators', () => {
    expect(errorsOf('(y := 1)')[0]!.code).toBe('EXPR_UNSUPPORTED');
    expect(errorsOf(`b'x'`)[0]!.code).toBe('EXPR_UNSUPPORTED');
    expect(errorsOf('1j')[0]!.code).toBe('EXPR_UNSUPPORTED');
    expect(errorsOf('a & b')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', message: "operator '&' is not supported" });
  });

  it('EXPR_UNSUPPORTED: star unpacking, && / || and statements come with a hint', () => {
    expect(errorsOf('f(*xs)')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', range: [2, 3] });
    expect(errorsOf('{**d}')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', range: [1, 3] });
    expect(errorsOf('a && b')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', range: [2, 4], hint: "use 'and'" });
    expect(errorsOf('a || b')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', hint: "use 'or'" });
    expect(errorsOf('a; b')[0]).toMatchObject({ code: 'EXPR_UNSUPPORTED', range: [1, 2] });
    expect(parseExpression('2 * 3 ** 2').errors).toEqual([]);
  });

  it("EXPR_SYNTAX: '=' suggests '=='", () => {
    expect(errorsOf('outputs.x = 1')[0]).toMatchObject({ code: 'EXPR_SYNTAX', range: [10, 11], hint: expect.stringContaining('==') });
  });

  it('EXPR_PRIVATE_ATTRIBUTE: _-prefixed attributes, __proto__, constructor, prototype (S-1)', () => {
    for (const text of ['outputs._error', '().__class__', 'x.__proto__', 'x.constructor', 'x.prototype', 'outputs.get.constructor']) {
      expect(errorsOf(text)[0]!.code, text).toBe('EXPR_PRIVATE_ATTRIBUTE');
    }
    expect(errorsOf('outputs._error')[0]!.range).toEqual([8, 14]);
  });

  it('X-2: names starting with _ are allowed (just unbound)', () => {
    expect(parseExpression('_error').errors).toEqual([]);
  });

  it('EXPR_TOO_DEEP: 10,000-deep brackets are refused before parsing', () => {
    for (const [o, c] of [['(', ')'], ['[', ']'], ['{', '}'], ['f(', ')']]) {
      const text = o!.repeat(10_000) + '1' + c!.repeat(10_000);
      expect(errorsOf(text)[0]!.code, o).toBe('EXPR_TOO_DEEP');
    }
  });

  it('EXPR_TOO_DEEP: long prefix-operator runs and deep left-associative chains', () => {
    expect(errorsOf('-'.repeat(10_000) + '1')[0]!.code).toBe('EXPR_TOO_DEEP');
    expect(errorsOf('not '.repeat(10_000) + 'x')[0]!.code).toBe('EXPR_TOO_DEEP');
    expect(errorsOf(Array(20_000).fill('1').join('+'))[0]!.code).toBe('EXPR_TOO_DEEP');
  });

  it('EXPR_TOO_DEEP: many prefix operators in sequence are not nesting', () => {
    for (const text of [
      Array(200).fill('x not in y').join(' and '),
      Array(200).fill('not x').join(' or '),
      Array(200).fill('x ** 2').join(' + '),
      Array(200).fill('-x').join(' - '),
      Array(60).fill('a if b else').join(' ') + ' c',
    ]) {
      expect(parseExpression(text).errors, text.slice(0, 30)).toEqual([]);
    }
  });

  it('EXPR_TOO_DEEP: ordinary nesting is fine', () => {
    expect(parseExpression('(((((((((((((((((((((1)))))))))))))))))))))').errors).toEqual([]);
    expect(parseExpression(Array(500).fill('x').join(' + ')).errors).toEqual([]);
  });

  it('EXPR_TOO_LONG: text over 100 KB', () => {
    const r = parseExpression(`'${'a'.repeat(1_000_000)}'`);
    expect(r.ast).toBeNull();
    expect(r.errors[0]!.code).toBe('EXPR_TOO_LONG');
  });
});

describe('freeNames', () => {
  it('X-1: free names are sorted and unique; comprehension targets are excluded', () => {
    const ast = parseExpression('[x + y for x in xs if x > limit] + [outputs.a, outputs.b, len(zs)]').ast!;
    expect(freeNames(ast)).toEqual(['len', 'limit', 'outputs', 'xs', 'y', 'zs']);
  });

  it('X-1: the first iterable is read in the enclosing scope; later ones see earlier targets', () => {
    const ast = parseExpression('[y for x in x for y in x]').ast!;
    expect(freeNames(ast)).toEqual(['x']);
    const ast2 = parseExpression('{k: v for k, v in d.items()}').ast!;
    expect(freeNames(ast2)).toEqual(['d']);
  });
});
