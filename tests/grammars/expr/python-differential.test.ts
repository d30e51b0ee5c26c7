/**
 * Differential test against CPython (C-3: expressions follow Python 3 semantics): random
 * expressions from a small grammar are evaluated by us and by `python3`, and the results
 * (str() of the value, or the exception type) must agree. Skipped only when no python3 is
 * installed on the machine running the tests.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSource, pyStr } from '../../../grammars/expr/index.js';

const hasPython = spawnSync('python3', ['-c', 'import sys; sys.exit(0 if sys.version_info >= (3, 8) else 1)']).status === 0;

const SCOPE = { pairs: [['a', 1], ['b', 2]], xs: [3, 1, 2], ys: ['b', 'a'], d: { a: 1, b: [1, 2] }, s: 'Hello', n: null, f: 2.5, e: [] };

const atom = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('0.5', '2.0', '-1.5', '1e3', '3.25', '0.1'),
  fc.constantFrom("'abc'", "'a b'", "''", "'A,b,,c'", "' x '", "'42'", "'3.5'", "'hello world'", "' a  b '", "','"),
  fc.constantFrom('xs', 'd', 's', 'n', 'f', 'e', 'ys', 'pairs', "d['b'][-1]", 'True', 'False', 'None', '[]', '{}', '()'),
);
const BINARY = ['+', '-', '*', '/', '//', '%', '**', '==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'and', 'or'] as const;
const CALLS = ['len', 'str', 'bool', 'int', 'float', 'abs', 'sorted', 'min', 'max', 'sum', 'any', 'all', 'list', 'tuple', 'round'] as const;
const METHODS = ['.lower()', '.upper()', '.strip()', '.split()', ".split(',')", '.title()', '.isdigit()', '.count(1)', ".find('b')", ".replace('a', 'x')", ".startswith('a')", ".get('a')", '.capitalize()', '.zfill(5)', '.rsplit(None, 1)', '.keys()', '.items()'] as const;

const expr = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    atom,
    fc.tuple(tie('e'), fc.constantFrom(...BINARY), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(fc.constantFrom('-', 'not '), tie('e')).map(([o, a]) => `(${o}${a})`),
    fc.tuple(fc.constantFrom(...CALLS), tie('e')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(tie('e'), fc.constantFrom(...METHODS)).map(([a, m]) => `${a}${m}`),
    fc.tuple(tie('e'), tie('e')).map(([a, i]) => `${a}[${i}]`),
    fc.tuple(tie('e'), fc.integer({ min: -3, max: 3 }), fc.constantFrom('', ':-1', ':2')).map(([a, i, k]) => `${a}[${i}:${k}]`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} if ${b} else ${c})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `[${a}, ${b}]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `{${a}: ${b}}`),
    tie('e').map((a) => `[x * 2 for x in ${a} if x]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `[(i, j) for i in ${a} for j in ${b} if i != j]`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `list(zip(${a}, ${b}))`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `round(${a}, ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `'%s-%s' % (${a}, ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `'{}|{!r}|{:>4}'.format(${a}, ${b}, ${a})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `${a} < ${b} <= ${a}`),
  ),
})).e;

const PY = String.raw`
import json, sys
B = {n: getattr(__builtins__, n) for n in 'any all len min max sum abs round sorted int float str bool list dict set tuple range enumerate zip'.split()}
B.update(true=True, false=False, null=None)
scope = json.loads(sys.argv[1])
out = []
for t in json.load(sys.stdin):
    try:
        v = eval(compile(t, '<e>', 'eval'), dict(scope, __builtins__=B))
        out.append({'ok': str(v)[:5000]})
    except (OverflowError, MemoryError):
        out.append({'err': 'LimitError'})
    except Exception as ex:
        out.append({'err': type(ex).__name__})
print(json.dumps(out))
`;

describe('C-3: agreement with CPython on random expressions', () => {
  it.skipIf(!hasPython)('C-3: str() of the value or the exception type matches python3 (no python3 → skipped)', () => {
    const texts = fc.sample(expr, { numRuns: 1500, seed: 20261129 });
    const py = spawnSync('python3', ['-W', 'ignore', '-c', PY, JSON.stringify(SCOPE)], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(py.status, py.stderr).toBe(0);
    const expected = JSON.parse(py.stdout) as ({ ok: string } | { err: string })[];
    const mismatches: string[] = [];
    texts.forEach((text, i) => {
      const r = evaluateSource(text, SCOPE);
      const want = expected[i]!;
      const got = r.ok ? { ok: pyStr(r.value).slice(0, 5000) } : { err: r.error.type };
      if ('err' in got && got.err === 'LimitError') return; // our caps are stricter than CPython's memory
      if ('err' in got && 'err' in want && (got.err === want.err || (got.err === 'OverflowError' && want.err === 'LimitError'))) return;
      if ('ok' in got && 'ok' in want && got.ok === want.ok) return;
      mismatches.push(`${text}\n    python: ${JSON.stringify(want)}\n    ours:   ${JSON.stringify(got)}`);
    });
    expect(mismatches.slice(0, 10).join('\n')).toBe('');
  });
});

describe('T-1: float and int printing agrees with CPython', () => {
  it.skipIf(!hasPython)('T-1: str(x) of random doubles and round(x, n) match python3 (no python3 → skipped)', () => {
    const doubles = fc.sample(fc.oneof(fc.double({ noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -1e6, max: 1e6 }).map((i) => i / 1000)), { numRuns: 2000, seed: 7 });
    const texts = doubles.flatMap((x) => {
      const lit = Number.isFinite(x) ? `float('${x}')` : x > 0 ? "float('inf')" : "float('-inf')";
      return [`str(${lit})`, `str(round(${lit}, 2))`, `str(${lit} // 1)`, `str(${lit} % 7)`];
    });
    const py = spawnSync('python3', ['-W', 'ignore', '-c', PY, '{}'], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(py.status, py.stderr).toBe(0);
    const expected = JSON.parse(py.stdout) as ({ ok: string } | { err: string })[];
    const mismatches: string[] = [];
    texts.forEach((text, i) => {
      const r = evaluateSource(text, {});
      const got = r.ok ? { ok: pyStr(r.value) } : { err: r.error.type };
      const want = expected[i]!;
      if (JSON.stringify(got) !== JSON.stringify(want) && !('err' in got && 'err' in want)) mismatches.push(`${text}: python ${JSON.stringify(want)} ours ${JSON.stringify(got)}`);
    });
    expect(mismatches.slice(0, 10).join('\n')).toBe('');
  });
});

describe('X-4: string methods agree with CPython', () => {
  it.skipIf(!hasPython)('X-4: str methods on random strings match python3 repr (no python3 → skipped)', () => {
    const unit = fc.constantFrom(...Array.from('aAbZ z,.-_ 1\t\n\'"éÉß😀İ\u00a0x0\u200b\u2028ǅ²\r\x0b\x1cıﬁ\u0085'));
    const methods = ['lower()', 'upper()', 'strip()', "strip('a ')", 'lstrip()', 'rstrip()', 'split()', "split(',')", "split(' ', 1)", 'rsplit(None, 1)', "rsplit(',', 1)", 'title()', 'capitalize()', 'isdigit()', 'isalpha()', 'isalnum()', 'isspace()', 'islower()', 'isupper()', 'swapcase()', 'splitlines()', "replace('a', 'XY')", "replace('', '-')", "count('a')", "find('z')", "rfind('a')", "startswith('a')", "endswith(('x', 'z'))", 'zfill(6)', "center(7, '*')", 'ljust(5)', 'rjust(5)', "partition(',')", "rpartition(' ')", 'isnumeric()', 'isdecimal()', "removeprefix('a')", "count('')", "replace('a', 'b', 1)", "join(['1', '2'])", "index('a')"];
    const cases = fc.sample(fc.tuple(fc.string({ unit, maxLength: 10 }), fc.constantFrom(...methods)), { numRuns: 3000, seed: 3 });
    const script = `
import json, sys
out = []
for s, m in json.load(sys.stdin):
    try: out.append({'ok': repr(eval('x.' + m, {'x': s}))})
    except Exception as ex: out.append({'err': type(ex).__name__})
print(json.dumps(out))`;
    const py = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(py.status, py.stderr).toBe(0);
    const expected = JSON.parse(py.stdout) as unknown[];
    const mismatches: string[] = [];
    cases.forEach(([s, m], i) => {
      // Wrapping in a list makes pyStr print the repr of the result.
      const r = evaluateSource(`[x.${m}]`, { x: s });
      const got = r.ok ? { ok: pyStr(r.value).slice(1, -1) } : { err: r.error.type };
      if (JSON.stringify(got) !== JSON.stringify(expected[i])) mismatches.push(`${JSON.stringify(s)}.${m}: python ${JSON.stringify(expected[i])} ours ${JSON.stringify(got)}`);
    });
    expect(mismatches.slice(0, 10).join('\n')).toBe('');
  });
});
