import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, evaluateSource, freeNames, parseExpression, pyStr, toJson, truthy } from '../../../grammars/expr/index.js';

const VALID = [
  'outputs.score >= 4 and attempt < 3',
  "sum(s.values()) / len(s) if s else 0.0",
  "[x * 2 for x in xs if x % 2 == 0]",
  "{k: v for k, v in d.items() if v is not None}",
  "regex_extract(r'(\\d+)', text, default='0')",
  "sorted(s, key=s.get, reverse=True)[:2]",
  "'-'.join(str(x) for x in xs[::-1])",
  "not (a or b) and -2**2 == -4",
  "0 < x <= 5 or x in (1, 2, 3) or x not in [4]",
  "max(xs) if xs else min([], default=None)",
  "round(float(x or '0'), 2) // 1 % 7",
  "d.get('k', {'a': [1, {2}]})['a'][0]",
  "any(c.isdigit() for c in text.strip().lower())",
];
const SCOPE = { outputs: { score: 5, items: [1] }, attempt: 1, s: { a: 4, b: 2 }, xs: [3, 1, 2], d: { 3: 1, k: { a: [9] } }, text: ' 42 abc ', a: 0, b: 1, x: 3 };

/** Characters the grammar cares about, so mutations hit interesting paths. */
const ALPHABET = [...'()[]{}.,:;=<>!+-*/%&|^~@#\'"\\ \n\t0123456789_abcxyzfrbjTFN'];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 4 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
);

function mutate(text: string, ms: { kind: string; at: number; text?: string; len?: number }[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % (t.length + 1) : 0;
    if (m.kind === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === 'delete') t = t.slice(0, at) + t.slice(at + (m.len ?? 1));
    else t = t.slice(0, at) + t.slice(at, at + (m.len ?? 1)) + t.slice(at);
  }
  return t;
}

/** Checks the "never throws, always ast-or-errors / ok-or-error" contract for one text. */
function checkContract(text: string): void {
  const parsed = parseExpression(text);
  expect(parsed.ast === null).toBe(parsed.errors.length > 0);
  for (const e of parsed.errors) {
    expect(typeof e.code).toBe('string');
    expect(e.code).toMatch(/^EXPR_[A-Z_]+$/);
    expect(e.range[0]).toBeLessThanOrEqual(e.range[1]);
  }
  if (!parsed.ast) return;
  expect(Array.isArray(freeNames(parsed.ast))).toBe(true);
  const r = evaluate(parsed.ast, SCOPE, { maxSteps: 5_000 });
  if (r.ok) {
    expect(typeof truthy(r.value)).toBe('boolean');
    expect(typeof pyStr(r.value)).toBe('string');
    expect(() => JSON.stringify(toJson(r.value))).not.toThrow();
  } else {
    expect(typeof r.error.type).toBe('string');
    expect(typeof r.error.message).toBe('string');
  }
}

describe('property: parseExpression and evaluate never throw', () => {
  it('DESIGN §4: random strings give an AST or errors, never an exception', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => checkContract(s)), { numRuns: 400 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 60 }), (s) => checkContract(s)), { numRuns: 600 });
  });

  it('DESIGN §4: mutated valid expressions give ast-or-errors and ok-or-error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, ms) => checkContract(mutate(text, ms))),
      { numRuns: 1500 },
    );
  });

  it('X-2: every seed expression parses and evaluates', () => {
    for (const text of VALID) {
      const r = evaluateSource(text, SCOPE);
      expect(r.ok, `${text}: ${r.ok ? '' : r.error.message}`).toBe(true);
    }
  });
});

describe('property: Python arithmetic laws', () => {
  it('X-3: (a // b) * b + a % b == a, and a % b has the sign of b', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1000, max: 1000 }).filter((b) => b !== 0), (a, b) => {
        const r = evaluateSource('(a // b) * b + a % b == a and (a % b == 0 or (a % b > 0) == (b > 0))', { a, b });
        expect(r).toEqual({ ok: true, value: true });
      }),
      { numRuns: 300 },
    );
  });

  it('X-3: sorted() agrees with numeric order and is stable', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 30 }), (xs) => {
        const r = evaluateSource('sorted(xs)', { xs });
        expect(r.ok && toJson(r.value)).toEqual([...xs].sort((p, q) => p - q));
      }),
      { numRuns: 200 },
    );
  });

  it('X-2: slicing matches a direct implementation of Python slice rules', () => {
    const opt = fc.option(fc.integer({ min: -8, max: 8 }), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.nat(9), { maxLength: 6 }), opt, opt, opt.filter((s) => s !== 0), (xs, i, j, k) => {
        const part = (v: number | null) => (v === null ? '' : String(v));
        const r = evaluateSource(`xs[${part(i)}:${part(j)}:${part(k)}]`, { xs });
        const step = k ?? 1;
        const n = xs.length;
        const clamp = (v: number | null, dflt: number) => {
          if (v === null) return dflt;
          if (v < 0) v = Math.max(v + n, step < 0 ? -1 : 0);
          return Math.min(v, step < 0 ? n - 1 : n);
        };
        const start = clamp(i, step < 0 ? n - 1 : 0);
        const stop = clamp(j, step < 0 ? -1 : n);
        const expected: number[] = [];
        for (let p = start; step > 0 ? p < stop : p > stop; p += step) expected.push(xs[p]!);
        expect(r.ok && toJson(r.value)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
