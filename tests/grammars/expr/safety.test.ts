import { describe, expect, it } from 'vitest';
import { evaluate, evaluateSource, parseExpression, pyStr, toJson } from '../../../grammars/expr/index.js';

function parseCode(text: string): string | undefined {
  return parseExpression(text).errors[0]?.code;
}
function evalError(text: string, scope: Record<string, unknown> = {}) {
  const r = evaluateSource(text, scope);
  expect(r.ok, `${text} should fail`).toBe(false);
  return r.ok ? undefined : r.error;
}

describe('S-1 / DESIGN §4: escape attempts fail cleanly at parse time', () => {
  it.each([
    ['().__class__'],
    ['outputs.get.constructor'],
    ['x.__proto__'],
    ['[].constructor.constructor'],
    ["''.__class__.__mro__"],
    ['outputs.prototype'],
  ])('S-1: %s is EXPR_PRIVATE_ATTRIBUTE', (text) => {
    expect(parseCode(text)).toBe('EXPR_PRIVATE_ATTRIBUTE');
  });
});

describe('DESIGN §4: the evaluator reads only own data properties', () => {
  it('S-1: subscripts cannot reach the prototype chain', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(evalError(`d['${key}']`, { d: {} })).toMatchObject({ type: 'KeyError' });
    }
    expect(evalError("[]['constructor']")).toMatchObject({ type: 'TypeError' });
  });

  it('S-1: an own __proto__ key from JSON is plain data', () => {
    const d = JSON.parse('{"__proto__": {"polluted": 1}}');
    const r = evaluateSource("d['__proto__']", { d });
    expect(r.ok && toJson(r.value)).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('S-1: names from the prototype of the scope object are not visible', () => {
    for (const n of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(evalError(n)).toMatchObject({ type: 'NameError' });
    }
  });

  it('S-1: methods are whitelisted per type', () => {
    for (const [text, scope] of [
      ["''.constructor2", {}],
      ['xs.map', { xs: [] }],
      ["'x'.charAt(0)", {}],
      ['d.hasOwnProperty', { d: {} }],
      ['xs.push(1)', { xs: [] }],
    ] as const) {
      expect(evalError(text, scope)).toMatchObject({ type: 'AttributeError' });
    }
  });

  it('S-1: getters on scope objects are never invoked', () => {
    let called = false;
    const d = {};
    Object.defineProperty(d, 'x', { get: () => ((called = true), 1), enumerable: true });
    evaluateSource('d.x', { d });
    evaluateSource("d['x']", { d });
    expect(called).toBe(false);
  });
});

describe('DESIGN §4: budgets and size caps fail fast', () => {
  it('D-9: range(10**9) is refused at once (bounded range)', () => {
    expect(evalError('range(10**9)')).toMatchObject({ type: 'LimitError' });
  });

  it('DESIGN §4: sum(range(10**9)) and big comprehensions hit a limit', () => {
    expect(evalError('sum(range(10**9))')).toMatchObject({ type: 'LimitError' });
    expect(evalError('sum(range(10**6))')).toMatchObject({ type: 'LimitError', message: 'expression exceeded its step budget' });
    expect(evalError('[x for x in range(999999) for y in range(999999)]')).toMatchObject({ type: 'LimitError' });
    expect(evalError('len([0] * 999999 + [0] * 999999)')).toMatchObject({ type: 'LimitError' });
  });

  it("DESIGN §4: 'a'*10**9 and other huge strings are refused", () => {
    expect(evalError("'a'*10**9")).toMatchObject({ type: 'LimitError' });
    expect(evalError("[0]*10**9")).toMatchObject({ type: 'LimitError' });
    expect(evalError("('a'*999999).replace('a', 'aa')")).toMatchObject({ type: 'LimitError' });
    expect(evalError("'x'.zfill(10**9)")).toMatchObject({ type: 'LimitError' });
    expect(evalError("'{:>1000000000}'.format(1)")).toMatchObject({ type: 'LimitError' });
    expect(evalError("','.join(['ab'] * 900000)")).toMatchObject({ type: 'LimitError' });
  });

  it('DESIGN §4: the size cap holds even with a huge step budget', () => {
    const ast = parseExpression('len([x for x in range(10**6) for y in [1, 2]])').ast!;
    expect(evaluate(ast, {}, { maxSteps: 1e9 })).toMatchObject({ ok: false, error: { type: 'LimitError', message: expect.stringContaining('limit is 1000000') } });
  });

  it('DESIGN §4: huge integers are a LimitError, not Infinity', () => {
    expect(evalError('10**400')).toMatchObject({ type: 'LimitError' });
    expect(evalError('2**2**2**2**2')).toMatchObject({ type: 'LimitError' });
  });

  it('DESIGN §4: a 1 MB string literal is EXPR_TOO_LONG', () => {
    expect(parseCode(`'${'x'.repeat(1024 * 1024)}'`)).toBe('EXPR_TOO_LONG');
  });

  it('DESIGN §4: unterminated strings are found in one pass (no quadratic lexing)', () => {
    expect(parseExpression("'''" + "\\'".repeat(40_000)).errors).toEqual([
      expect.objectContaining({ code: 'EXPR_SYNTAX', message: 'unterminated string literal', range: [0, 80_003] }),
    ]);
    expect(parseCode(`'a' + "b`)).toBe('EXPR_SYNTAX');
    expect(parseExpression("x # it's a comment\n+ 1").errors).toEqual([]);
    expect(parseExpression("'# not a comment' + '''it's\nmulti-line'''").errors).toEqual([]);
  });

  it('DESIGN §4: 10,000-deep nesting is EXPR_TOO_DEEP, not a stack overflow', () => {
    expect(parseCode('('.repeat(10_000) + ')'.repeat(10_000))).toBe('EXPR_TOO_DEEP');
    expect(parseCode('['.repeat(10_000) + ']'.repeat(10_000))).toBe('EXPR_TOO_DEEP');
  });

  it('DESIGN §4: deeply nested scope data cannot overflow the evaluator', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = evaluateSource('d == e', { d: deep, e: deep });
    expect(typeof r.ok).toBe('boolean');
    expect(typeof pyStr(deep)).toBe('string');
    expect(() => toJson(deep)).not.toThrow();
  });

  it('DESIGN §4: a hand-built hostile AST does not throw out of evaluate', () => {
    let node: any = { type: 'Literal', value: 1, range: [0, 1] };
    for (let i = 0; i < 100_000; i++) node = { type: 'Unary', op: '-', operand: node, range: [0, 1] };
    const r = evaluate(node, {});
    expect(r.ok).toBe(false);
    const bogus = evaluate({ type: 'Nope' } as any, {});
    expect(typeof bogus.ok).toBe('boolean');
  });
});
