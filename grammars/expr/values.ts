/**
 * The value model of the evaluator (SPEC C-3, X-3). Scope values are plain JSON; values
 * the evaluator creates that JSON cannot express are boxed: floats with integral values
 * (`6/2` is `3.0`, not `3`), tuples, sets, dicts with non-string keys, ranges, lazy
 * iterators and callables. Plain objects and arrays from the scope are read, never mutated.
 */

/** A Python float. Non-integral JS numbers are floats too; the box marks integral ones. */
export class PyFloat {
  constructor(readonly value: number) {}
}
export class PyTuple {
  constructor(readonly items: readonly unknown[]) {}
}
/** Insertion-ordered set keyed by `hashKey`. */
export class PySet {
  readonly map = new Map<string, unknown>();
  add(v: unknown): void {
    const k = hashKey(v);
    if (!this.map.has(k)) this.map.set(k, v);
  }
  has(v: unknown): boolean {
    return this.map.has(hashKey(v));
  }
  get items(): unknown[] {
    return [...this.map.values()];
  }
}
/** A dict built by the evaluator (keys may be ints, tuples…). Scope dicts stay plain objects. */
export class PyDict {
  readonly map = new Map<string, [unknown, unknown]>();
  set(k: unknown, v: unknown): void {
    const h = hashKey(k);
    const prev = this.map.get(h);
    this.map.set(h, [prev ? prev[0] : k, v]);
  }
}
export class PyRange {
  constructor(readonly start: number, readonly stop: number, readonly step: number) {}
  get length(): number {
    const n = Math.ceil((this.stop - this.start) / this.step);
    return n > 0 ? n : 0;
  }
  at(i: number): number {
    return this.start + i * this.step;
  }
}
/** Generators, zip/enumerate objects and dict views. `items` once materialised. */
export class PyIter {
  constructor(
    readonly kind: 'generator' | 'zip' | 'enumerate' | 'dict_keys' | 'dict_values' | 'dict_items',
    public source: Iterator<unknown> | unknown[],
  ) {}
}
export interface CallContext {
  tick(n?: number): void;
}
export type Kwargs = Map<string, unknown>;
export type NativeFn = (args: unknown[], kwargs: Kwargs, ctx: CallContext) => unknown;
/** A builtin function or a bound method (`self` set). */
export class PyCallable {
  constructor(readonly name: string, readonly fn: NativeFn, readonly self?: unknown) {}
}

/** An error with a Python exception type; thrown inside the evaluator, returned as data outside. */
export class PyError extends Error {
  constructor(readonly type: string, message: string, public range?: [number, number]) {
    super(message);
  }
}
export const typeError = (m: string): PyError => new PyError('TypeError', m);
export const valueError = (m: string): PyError => new PyError('ValueError', m);
export const limitError = (m: string): PyError => new PyError('LimitError', m);

/** Strings and lists longer than this are refused (DESIGN §4 size caps). */
export const MAX_SIZE = 1_000_000;

export function checkSize(n: number, what: string): void {
  if (n > MAX_SIZE) throw limitError(`${what} would have ${n} elements; the limit is ${MAX_SIZE}`);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
export const isDict = (v: unknown): v is Record<string, unknown> | PyDict => v instanceof PyDict || isPlainObject(v);
export const isFloat = (v: unknown): boolean => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
export const isInt = (v: unknown): v is number | boolean => typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
export const isNumber = (v: unknown): v is number | boolean | PyFloat => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
export const numValue = (v: number | boolean | PyFloat): number => (v instanceof PyFloat ? v.value : Number(v));

/** A float result: boxed only when JS could mistake it for an int. */
export const makeFloat = (n: number): unknown => (Number.isInteger(n) ? new PyFloat(n) : n);
export function makeInt(n: number): number {
  if (!Number.isFinite(n)) throw limitError('integer result is too large');
  return n === 0 ? 0 : n; // no -0 for ints
}

/** Own data property of a plain object, never the prototype chain or a getter (DESIGN §4). */
export function ownValue(obj: Record<string, unknown>, key: string): { found: boolean; value?: unknown } {
  if (!Object.hasOwn(obj, key)) return { found: false };
  const d = Object.getOwnPropertyDescriptor(obj, key);
  return d && 'value' in d ? { found: true, value: d.value } : { found: false };
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PySet) return 'set';
  if (v instanceof PyRange) return 'range';
  if (v instanceof PyIter) return v.kind;
  if (v instanceof PyCallable) return v.self === undefined ? 'builtin_function_or_method' : 'method';
  if (isDict(v)) return 'dict';
  return 'object';
}

/** Hash key for set members and dict keys; equal values (1, 1.0, True) share a key. */
export function hashKey(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  if (typeof v === 'string') return 's' + v;
  if (isNumber(v)) {
    const n = numValue(v);
    return 'n' + (Object.is(n, -0) ? '0' : String(n));
  }
  if (v instanceof PyTuple) return 't(' + v.items.map(hashKey).join(',') + ')';
  if (v instanceof PyRange) return `r${v.start},${v.stop},${v.step}`;
  throw typeError(`unhashable type: '${typeName(v)}'`);
}

/** Key of a JSON object property for a Python key, or undefined when no string key can match. */
export function dictEntries(d: Record<string, unknown> | PyDict): [unknown, unknown][] {
  if (d instanceof PyDict) return [...d.map.values()];
  return Object.keys(d).map((k) => [k, ownValue(d, k).value]);
}
export function dictLookup(d: Record<string, unknown> | PyDict, key: unknown): { found: boolean; value?: unknown } {
  const h = hashKey(key); // raises for unhashable keys, as Python does
  if (d instanceof PyDict) {
    const e = d.map.get(h);
    return e ? { found: true, value: e[1] } : { found: false };
  }
  return typeof key === 'string' ? ownValue(d, key) : { found: false };
}
export const dictSize = (d: Record<string, unknown> | PyDict): number => (d instanceof PyDict ? d.map.size : Object.keys(d).length);

export function pyEq(a: unknown, b: unknown, depth = 0): boolean {
  if (depth > 1000) throw limitError('values are nested too deeply to compare');
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (isNumber(a) && isNumber(b)) return numValue(a) === numValue(b);
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return seqEq(a, b, depth);
  if (a instanceof PyTuple && b instanceof PyTuple) return seqEq(a.items, b.items, depth);
  if (a instanceof PyRange && b instanceof PyRange) return seqEq(rangeItems(a), rangeItems(b), depth);
  if (a instanceof PySet && b instanceof PySet) return a.map.size === b.map.size && [...a.map.keys()].every((k) => b.map.has(k));
  if (isDict(a) && isDict(b)) {
    const ea = dictEntries(a);
    if (ea.length !== dictSize(b)) return false;
    return ea.every(([k, v]) => {
      const other = dictLookup(b, k);
      return other.found && pyEq(v, other.value, depth + 1);
    });
  }
  return a === b;
}

function seqEq(a: readonly unknown[], b: readonly unknown[], depth: number): boolean {
  return a.length === b.length && a.every((x, i) => pyEq(x, b[i], depth + 1));
}
export const rangeItems = (r: PyRange): number[] => Array.from({ length: Math.min(r.length, MAX_SIZE) }, (_, i) => r.at(i));

/** Python ordering: <0, 0, >0; TypeError between incompatible types. */
export function pyCompare(a: unknown, b: unknown, op: string, depth = 0): number {
  if (isNumber(a) && isNumber(b)) {
    const x = numValue(a);
    const y = numValue(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const seq = (a: unknown): readonly unknown[] | null => (Array.isArray(a) ? a : null);
  const la = seq(a) ?? (a instanceof PyTuple ? a.items : null);
  const lb = seq(b) ?? (b instanceof PyTuple ? b.items : null);
  if (la && lb && Array.isArray(a) === Array.isArray(b)) {
    if (depth > 1000) throw limitError('values are nested too deeply to compare');
    for (let i = 0; i < Math.min(la.length, lb.length); i++) {
      if (!pyEq(la[i], lb[i])) return pyCompare(la[i], lb[i], op, depth + 1);
    }
    return la.length - lb.length;
  }
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Code-point order, as Python compares str (JS `<` compares UTF-16 units). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** Python truthiness: 0, 0.0, "", [], {}, None and empty containers are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PySet) return v.map.size > 0;
  if (v instanceof PyRange) return v.length > 0;
  if (v instanceof PyIter) return v.kind.startsWith('dict_') && Array.isArray(v.source) ? v.source.length > 0 : true;
  if (isDict(v)) return dictSize(v) > 0;
  return true;
}

/** Strings as arrays of code points, so `len`, indexing and slicing match Python. */
export function codePoints(s: string): string[] {
  return /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : s.split('');
}
export const strLen = (s: string): number => (/[\uD800-\uDFFF]/.test(s) ? Array.from(s).length : s.length);
