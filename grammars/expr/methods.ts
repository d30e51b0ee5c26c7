/**
 * Attribute access (X-4 + D-8) and the whitelisted, non-mutating methods of list, tuple,
 * dict, set, range and float (str methods live in str-methods.ts). A mapping's KEY wins over a method of the same name (D-8):
 * `outputs.items` is the `items` value when the key exists, the method otherwise.
 */
import { bindArgs, intArg, noKwargs } from './args.js';
import { iterate } from './iterate.js';
import { pyStr } from './format.js';
import { normBound, STR_METHODS } from './str-methods.js';
import { isPrivateAttribute } from './private-attributes.js';
import {
  type CallContext, dictEntries, dictLookup, isDict, isFloat, type Kwargs, numValue, ownValue,
  PyCallable, PyDict, PyError, PyFloat, PyIter, pyEq, PyRange, PySet, PyTuple, rangeItems, typeName, valueError,
} from './values.js';

type Method<S> = (self: S, args: unknown[], kwargs: Kwargs, ctx: CallContext) => unknown;

const attributeError = (v: unknown, attr: string, hint = ''): PyError =>
  new PyError('AttributeError', `'${typeName(v)}' object has no attribute '${attr}'${hint}`);

/** Methods that would modify a value; named in the error so authors know why. */
const MUTATORS = new Set(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse', 'update', 'setdefault', 'popitem', 'add', 'discard']);

export function getAttribute(v: unknown, attr: string): unknown {
  if (isPrivateAttribute(attr)) throw new PyError('AttributeError', `attribute '${attr}' is not accessible`);
  if (isDict(v)) {
    const own = v instanceof PyDict ? dictLookup(v, attr) : ownValue(v, attr);
    if (own.found) return own.value === undefined ? null : own.value;
  }
  const table = methodTable(v);
  const m = table && Object.hasOwn(table, attr) ? table[attr] : undefined;
  if (m) return new PyCallable(attr, (args, kwargs, ctx) => m(v, args, kwargs, ctx), v);
  if (MUTATORS.has(attr) && table) throw attributeError(v, attr, ': expressions cannot modify values');
  if (isDict(v)) throw attributeError(v, attr, `: no key '${attr}' (keys: ${dictEntries(v).slice(0, 10).map(([k]) => pyStr(k)).join(', ') || 'none'})`);
  throw attributeError(v, attr);
}

function methodTable(v: unknown): Record<string, Method<any>> | null {
  if (typeof v === 'string') return STR_METHODS;
  if (Array.isArray(v)) return LIST;
  if (v instanceof PyTuple) return TUPLE;
  if (isDict(v)) return DICT;
  if (v instanceof PySet) return SET;
  if (isFloat(v)) return FLOAT;
  if (v instanceof PyRange) return RANGE;
  return null;
}

// ---- list / tuple ----------------------------------------------------------------------

function seqIndex(items: readonly unknown[], args: unknown[], kwargs: Kwargs, what: string, ctx: CallContext): number {
  noKwargs('index', kwargs);
  const [x, start, end] = bindArgs('index', args, kwargs, ['value', 'start', 'stop'], 1);
  const from = start === undefined ? 0 : normBound(intArg('index', start), items.length);
  const to = end === undefined ? items.length : normBound(intArg('index', end), items.length);
  for (let i = from; i < to; i++) {
    ctx.tick();
    if (pyEq(items[i], x)) return i;
  }
  throw valueError(what === 'list' ? `${pyStr(x)} is not in list` : 'tuple.index(x): x not in tuple');
}
function seqCount(items: readonly unknown[], args: unknown[], kwargs: Kwargs, ctx: CallContext): number {
  const [x] = bindArgs('count', args, kwargs, ['value']);
  ctx.tick(items.length);
  return items.filter((y) => pyEq(y, x)).length;
}

const LIST: Record<string, Method<unknown[]>> = {
  count: (l, a, k, ctx) => seqCount(l, a, k, ctx),
  index: (l, a, k, ctx) => seqIndex(l, a, k, 'list', ctx),
  copy: (l, a, k) => (bindArgs('copy', a, k, []), [...l]),
};
const TUPLE: Record<string, Method<PyTuple>> = {
  count: (t, a, k, ctx) => seqCount(t.items, a, k, ctx),
  index: (t, a, k, ctx) => seqIndex(t.items, a, k, 'tuple', ctx),
};

// ---- dict ------------------------------------------------------------------------------

type DictLike = Record<string, unknown> | PyDict;
const DICT: Record<string, Method<DictLike>> = {
  get: (d, a, k) => {
    noKwargs('get', k);
    const [key, dflt] = bindArgs('get', a, k, ['key', 'default'], 1);
    const r = dictLookup(d, key);
    return r.found ? (r.value === undefined ? null : r.value) : (dflt ?? null);
  },
  keys: (d, a, k) => (bindArgs('keys', a, k, []), new PyIter('dict_keys', dictEntries(d).map(([x]) => x))),
  values: (d, a, k) => (bindArgs('values', a, k, []), new PyIter('dict_values', dictEntries(d).map(([, v]) => v))),
  items: (d, a, k) => (bindArgs('items', a, k, []), new PyIter('dict_items', dictEntries(d).map(([x, v]) => new PyTuple([x, v])))),
  copy: (d, a, k) => {
    bindArgs('copy', a, k, []);
    const out = new PyDict();
    for (const [x, v] of dictEntries(d)) out.set(x, v);
    return out;
  },
};

// ---- set -------------------------------------------------------------------------------

function toSet(v: unknown, ctx: CallContext): PySet {
  if (v instanceof PySet) return v;
  const s = new PySet();
  for (const x of iterate(v, ctx)) s.add(x);
  return s;
}
const SET: Record<string, Method<PySet>> = {
  union: (s, a, k, ctx) => {
    noKwargs('union', k);
    const out = new PySet();
    for (const x of s.items) out.add(x);
    for (const o of a) for (const x of iterate(o, ctx)) out.add(x);
    return out;
  },
  intersection: (s, a, k, ctx) => {
    noKwargs('intersection', k);
    const others = a.map((o) => toSet(o, ctx));
    const out = new PySet();
    for (const x of s.items) if (others.every((o) => o.has(x))) out.add(x);
    return out;
  },
  difference: (s, a, k, ctx) => {
    noKwargs('difference', k);
    const others = a.map((o) => toSet(o, ctx));
    const out = new PySet();
    for (const x of s.items) if (!others.some((o) => o.has(x))) out.add(x);
    return out;
  },
  issubset: (s, a, k, ctx) => {
    const o = toSet(bindArgs('issubset', a, k, ['other'])[0], ctx);
    return s.items.every((x) => o.has(x));
  },
  issuperset: (s, a, k, ctx) => {
    const o = toSet(bindArgs('issuperset', a, k, ['other'])[0], ctx);
    return o.items.every((x) => s.has(x));
  },
  isdisjoint: (s, a, k, ctx) => {
    const o = toSet(bindArgs('isdisjoint', a, k, ['other'])[0], ctx);
    return !s.items.some((x) => o.has(x));
  },
  copy: (s, a, k) => {
    bindArgs('copy', a, k, []);
    const out = new PySet();
    for (const x of s.items) out.add(x);
    return out;
  },
};

const RANGE: Record<string, Method<PyRange>> = {
  count: (r, a, k, ctx) => seqCount(rangeItems(r), a, k, ctx),
  index: (r, a, k, ctx) => {
    try {
      return seqIndex(rangeItems(r), a, k, 'range', ctx);
    } catch (e) {
      if (e instanceof PyError && e.type === 'ValueError') throw valueError(`${pyStr(a[0])} is not in range`);
      throw e;
    }
  },
};

const FLOAT: Record<string, Method<number | PyFloat>> = {
  is_integer: (f, a, k) => (bindArgs('is_integer', a, k, []), Number.isInteger(numValue(f))),
};
