/**
 * The builtins of X-5 plus D-9 (`list dict set tuple range enumerate zip`). `map`,
 * `filter`, `isinstance` and everything else stay undefined (NameError). Each builtin
 * binds its arguments like Python and iterates through the step budget.
 */
import { bindArgs, intArg, noKwargs } from './args.js';
import { iterate, toArray } from './iterate.js';
import { pyStr, strRepr } from './format.js';
import { binaryOp } from './operators.js';
import { compilePython } from './regex.js';
import {
  type CallContext, checkSize, dictEntries, isDict, isFloat, isInt, isNumber, type Kwargs, limitError, makeFloat, makeInt,
  MAX_SIZE, type NativeFn, numValue, PyCallable, pyCompare, PyDict, PyError, PyFloat, PyIter, PyRange, PySet, PyTuple,
  strLen, truthy, typeError, typeName, valueError,
} from './values.js';

function call(f: unknown, args: unknown[], ctx: CallContext): unknown {
  if (!(f instanceof PyCallable)) throw typeError(`'${typeName(f)}' object is not callable`);
  return f.fn(args, new Map(), ctx);
}

function len(v: unknown): number {
  if (typeof v === 'string') return strLen(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  if (v instanceof PySet) return v.map.size;
  if (v instanceof PyRange) return v.length;
  if (v instanceof PyIter && v.kind.startsWith('dict_') && Array.isArray(v.source)) return v.source.length;
  if (isDict(v)) return dictEntries(v).length;
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

function extreme(name: 'min' | 'max', args: unknown[], kwargs: Kwargs, ctx: CallContext): unknown {
  for (const k of kwargs.keys()) if (k !== 'key' && k !== 'default') throw typeError(`${name}() got an unexpected keyword argument '${k}'`);
  if (args.length === 0) throw typeError(`${name} expected at least 1 argument, got 0`);
  if (args.length > 1 && kwargs.has('default')) throw typeError(`Cannot specify a default for ${name}() with multiple positional arguments`);
  const items = args.length === 1 ? iterate(args[0], ctx) : args;
  const key = kwargs.get('key');
  let best: unknown;
  let bestKey: unknown;
  let found = false;
  for (const x of items) {
    const k = key === undefined || key === null ? x : call(key, [x], ctx);
    if (!found || (name === 'max' ? pyCompare(k, bestKey, '>') > 0 : pyCompare(k, bestKey, '<') < 0)) {
      best = x;
      bestKey = k;
      found = true;
    }
  }
  if (!found) {
    if (kwargs.has('default')) return kwargs.get('default');
    throw valueError(`${name}() iterable argument is empty`);
  }
  return best;
}

/** Python's round: half to even, on the exact decimal value of the double. */
export function roundHalfEven(x: number, nd: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21 || nd > 100) return x;
  const [intPart, frac = ''] = Math.abs(x).toFixed(100).split('.') as [string, string?];
  const digits = intPart + frac;
  const keep = intPart.length + nd;
  if (keep < 0) return x < 0 ? -0 : 0;
  const kept = digits.slice(0, keep) || '0';
  const rest = digits.slice(keep);
  const first = rest[0] ?? '0';
  const tail = /[1-9]/.test(rest.slice(1));
  const up = first > '5' || (first === '5' && (tail || Number(kept[kept.length - 1]) % 2 === 1));
  const n = (BigInt(kept) + (up ? 1n : 0n)).toString();
  const value = Number(`${n}e${-nd}`);
  return x < 0 ? -value : value;
}

function round(args: unknown[], kwargs: Kwargs): unknown {
  const [x, nd] = bindArgs('round', args, kwargs, ['number', 'ndigits'], 1);
  if (!isNumber(x)) throw typeError(`type ${typeName(x)} doesn't define __round__ method`);
  const n = numValue(x);
  if (nd === undefined || nd === null) {
    if (isFloat(x)) {
      if (Number.isNaN(n)) throw valueError('cannot convert float NaN to integer');
      if (!Number.isFinite(n)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    }
    return makeInt(roundHalfEven(n, 0));
  }
  const digits = intArg('round', nd);
  if (isFloat(x)) return makeFloat(roundHalfEven(n, digits));
  return digits >= 0 ? Number(n) : makeInt(roundHalfEven(n, digits));
}

const INT_RE = /^[+-]?\d(?:_?\d)*$/;
const PREFIX_BASE: Record<string, number> = { '0x': 16, '0o': 8, '0b': 2 };

/** int(text, base) with Python's rules: base 0 auto-detects, underscores only between digits. */
function parseIntBase(x: string, base: number): number {
  const bad = (): PyError => valueError(`invalid literal for int() with base ${base}: ${strRepr(x)}`);
  if (base !== 0 && (base < 2 || base > 36)) throw valueError('int() base must be >= 2 and <= 36, or 0');
  const m = /^([+-]?)(.*)$/s.exec(x.trim().toLowerCase())!;
  let body = m[2]!;
  let b = base;
  const prefix = PREFIX_BASE[body.slice(0, 2)];
  let prefixed = false;
  if (prefix !== undefined && (b === 0 || b === prefix)) {
    b = prefix;
    body = body.slice(2);
    prefixed = true;
  } else if (b === 0) {
    b = 10;
    if (/^0+_?[0-9]/.test(body) && /[1-9]/.test(body)) throw bad();
  }
  const digit = `[${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b)}]`;
  if (!new RegExp(`^${prefixed ? '_?' : ''}${digit}(?:_?${digit})*$`).test(body)) throw bad();
  const n = parseInt(body.replace(/_/g, ''), b);
  return makeInt(m[1] === '-' ? -n : n);
}

function toInt(args: unknown[], kwargs: Kwargs): number {
  const [x, base] = bindArgs('int', args, kwargs, ['x', 'base'], 0);
  if (x === undefined) return 0;
  if (base !== undefined) {
    if (typeof x !== 'string') throw typeError("int() can't convert non-string with explicit base");
    return parseIntBase(x, intArg('int', base));
  }
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (isNumber(x)) {
    const n = numValue(x);
    if (Number.isNaN(n)) throw valueError('cannot convert float NaN to integer');
    if (!Number.isFinite(n)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return makeInt(Math.trunc(n));
  }
  if (typeof x === 'string') {
    const s = x.trim();
    if (!INT_RE.test(s)) throw valueError(`invalid literal for int() with base 10: ${strRepr(x)}`);
    return makeInt(Number(s.replace(/_/g, '')));
  }
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(x)}'`);
}

const FLOAT_RE = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

function toFloat(args: unknown[], kwargs: Kwargs): unknown {
  noKwargs('float', kwargs);
  const [x] = bindArgs('float', args, kwargs, ['x'], 0);
  if (x === undefined) return new PyFloat(0);
  if (isNumber(x)) return makeFloat(numValue(x));
  if (typeof x === 'string') {
    const s = x.trim();
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
    if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
    if (!FLOAT_RE.test(s)) throw valueError(`could not convert string to float: ${strRepr(x)}`);
    return makeFloat(Number(s.replace(/_/g, '')));
  }
  throw typeError(`float() argument must be a string or a real number, not '${typeName(x)}'`);
}

function sorted(args: unknown[], kwargs: Kwargs, ctx: CallContext): unknown[] {
  if (args.length !== 1) throw typeError(`sorted expected 1 argument, got ${args.length}`);
  const [, key, reverse] = bindArgs('sorted', [undefined], kwargs, ['iterable', 'key', 'reverse'], 0);
  const items = toArray(args[0], ctx);
  const keys = key === undefined || key === null ? items : items.map((x) => call(key, [x], ctx));
  const sign = truthy(reverse ?? false) ? -1 : 1;
  const order = items.map((_, i) => i);
  // Array.prototype.sort is stable; negating the comparison keeps Python's stable reverse.
  order.sort((a, b) => sign * pyCompare(keys[a], keys[b], '<'));
  return order.map((i) => items[i]);
}

function sum(args: unknown[], kwargs: Kwargs, ctx: CallContext): unknown {
  const [it, start] = bindArgs('sum', args, kwargs, ['iterable', 'start'], 1);
  let acc: unknown = start === undefined ? 0 : start;
  if (typeof acc === 'string') throw typeError("sum() can't sum strings [use ''.join(seq) instead]");
  for (const x of iterate(it, ctx)) acc = binaryOp('+', acc, x);
  return acc;
}

function range(args: unknown[], kwargs: Kwargs): PyRange {
  noKwargs('range', kwargs);
  if (args.length < 1 || args.length > 3) throw typeError(`range expected 1 to 3 arguments, got ${args.length}`);
  const ints = args.map((a) => {
    if (!isInt(a)) throw typeError(`'${typeName(a)}' object cannot be interpreted as an integer`);
    return Number(a);
  });
  const [start, stop, step] = ints.length === 1 ? [0, ints[0]!, 1] : [ints[0]!, ints[1]!, ints[2] ?? 1];
  if (step === 0) throw valueError('range() arg 3 must not be zero');
  const r = new PyRange(start, stop, step);
  // D-9: range is bounded, so range(10**9) fails at once instead of allocating later.
  if (r.length > MAX_SIZE) throw limitError(`range() would have ${r.length} elements; the limit is ${MAX_SIZE}`);
  return r;
}

function dict(args: unknown[], kwargs: Kwargs, ctx: CallContext): PyDict {
  if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`);
  const out = new PyDict();
  const src = args[0];
  if (src !== undefined) {
    if (isDict(src)) {
      for (const [k, v] of dictEntries(src)) out.set(k, v);
    } else {
      let i = 0;
      for (const pair of iterate(src, ctx)) {
        const kv = toArray(pair, ctx);
        if (kv.length !== 2) throw valueError(`dictionary update sequence element #${i} has length ${kv.length}; 2 is required`);
        out.set(kv[0], kv[1]);
        i++;
      }
    }
  }
  for (const [k, v] of kwargs) out.set(k, v);
  checkSize(out.map.size, 'dict');
  return out;
}

function* enumerateGen(items: Iterable<unknown>, start: number): Generator<unknown> {
  let i = start;
  for (const x of items) yield new PyTuple([i++, x]);
}

function* zipGen(its: Iterator<unknown>[]): Generator<unknown> {
  if (its.length === 0) return;
  for (;;) {
    const row: unknown[] = [];
    for (const it of its) {
      const r = it.next();
      if (r.done) return;
      row.push(r.value);
    }
    yield new PyTuple(row);
  }
}

function regexArgs(name: string, args: unknown[], kwargs: Kwargs): [string, string, unknown] {
  const [pattern, text, dflt] = bindArgs(name, args, kwargs, ['pattern', 'text', 'default'], 2);
  if (typeof pattern !== 'string') throw typeError(`first argument must be string or compiled pattern, not '${typeName(pattern)}'`);
  if (typeof text !== 'string') throw typeError(`expected string or bytes-like object, got '${typeName(text)}'`);
  return [pattern, text, dflt === undefined ? null : dflt];
}

const fn = (name: string, f: NativeFn): [string, PyCallable] => [name, new PyCallable(name, f)];
const one = (name: string, args: unknown[], kwargs: Kwargs): unknown => {
  noKwargs(name, kwargs);
  if (args.length !== 1) throw typeError(`${name}() takes exactly one argument (${args.length} given)`);
  return args[0];
};

/** Names visible in every expression, after the scope's own names. */
export const BUILTINS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['null', null],
  fn('len', (a, k) => len(one('len', a, k))),
  fn('any', (a, k, ctx) => {
    for (const x of iterate(one('any', a, k), ctx)) if (truthy(x)) return true;
    return false;
  }),
  fn('all', (a, k, ctx) => {
    for (const x of iterate(one('all', a, k), ctx)) if (!truthy(x)) return false;
    return true;
  }),
  fn('min', (a, k, ctx) => extreme('min', a, k, ctx)),
  fn('max', (a, k, ctx) => extreme('max', a, k, ctx)),
  fn('sum', sum),
  fn('abs', (a, k) => {
    const x = one('abs', a, k);
    if (!isNumber(x)) throw typeError(`bad operand type for abs(): '${typeName(x)}'`);
    return isFloat(x) ? makeFloat(Math.abs(numValue(x))) : makeInt(Math.abs(numValue(x)));
  }),
  fn('round', round),
  fn('sorted', sorted),
  fn('int', toInt),
  fn('float', toFloat),
  fn('str', (a, k) => {
    const [x] = bindArgs('str', a, k, ['object'], 0);
    return x === undefined ? '' : pyStr(x);
  }),
  fn('bool', (a, k) => {
    const [x] = bindArgs('bool', a, k, ['x'], 0);
    return x === undefined ? false : truthy(x);
  }),
  fn('regex_extract', (a, k) => {
    const [pattern, text, dflt] = regexArgs('regex_extract', a, k);
    const m = compilePython(pattern).exec(text);
    if (!m || m.length < 2) return dflt;
    return m[1] ?? null;
  }),
  fn('regex_extract_last', (a, k, ctx) => {
    const [pattern, text, dflt] = regexArgs('regex_extract_last', a, k);
    let last: RegExpMatchArray | null = null;
    for (const m of text.matchAll(compilePython(pattern, 'gs'))) {
      ctx.tick();
      last = m;
    }
    if (!last || last.length < 2) return dflt;
    return last[1] ?? null;
  }),
  fn('list', (a, k, ctx) => {
    const [it] = bindArgs('list', a, k, ['iterable'], 0);
    return it === undefined ? [] : toArray(it, ctx);
  }),
  fn('tuple', (a, k, ctx) => {
    const [it] = bindArgs('tuple', a, k, ['iterable'], 0);
    return new PyTuple(it === undefined ? [] : toArray(it, ctx));
  }),
  fn('set', (a, k, ctx) => {
    const [it] = bindArgs('set', a, k, ['iterable'], 0);
    const s = new PySet();
    if (it !== undefined) for (const x of iterate(it, ctx)) s.add(x);
    return s;
  }),
  fn('dict', dict),
  fn('range', range),
  fn('enumerate', (a, k, ctx) => {
    const [it, start] = bindArgs('enumerate', a, k, ['iterable', 'start'], 1);
    return new PyIter('enumerate', enumerateGen(iterate(it, ctx), start === undefined ? 0 : intArg('enumerate', start)));
  }),
  fn('zip', (a, k, ctx) => {
    noKwargs('zip', k);
    return new PyIter('zip', zipGen(a.map((x) => iterate(x, ctx))));
  }),
]);

export const BUILTIN_NAMES: readonly string[] = Object.freeze([...BUILTINS.keys(), 'True', 'False', 'None'].sort());
