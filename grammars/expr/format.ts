/**
 * Python `str()`/`repr()` of evaluator values and the conversion back to plain JSON.
 * Templates (T-1) and `str(x)` must print `True`, `None`, `3.0` and `{'a': 1}` exactly as
 * the Python reference did.
 */
import { dictEntries, isDict, PyCallable, PyFloat, PyIter, PyRange, PySet, PyTuple, rangeItems } from './values.js';

/** Python's repr of a float: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

export function intStr(n: number): string {
  if (Math.abs(n) < 1e21) return String(n);
  try {
    return BigInt(n).toString();
  } catch {
    return String(n);
  }
}

/** Python str(): strings raw, everything else as repr. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

export function pyRepr(v: unknown, depth = 0): string {
  if (depth > 200) return '...';
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? intStr(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'string') return strRepr(v);
  const r = (x: unknown): string => pyRepr(x, depth + 1);
  if (Array.isArray(v)) return `[${v.map(r).join(', ')}]`;
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${r(v.items[0])},)` : `(${v.items.map(r).join(', ')})`;
  if (v instanceof PySet) return v.map.size ? `{${v.items.map(r).join(', ')}}` : 'set()';
  if (v instanceof PyRange) return v.step === 1 ? `range(${v.start}, ${v.stop})` : `range(${v.start}, ${v.stop}, ${v.step})`;
  if (v instanceof PyIter) {
    if (v.kind.startsWith('dict_') && Array.isArray(v.source)) return `${v.kind}([${v.source.map(r).join(', ')}])`;
    return v.kind === 'generator' ? '<generator object <genexpr>>' : `<${v.kind} object>`;
  }
  if (v instanceof PyCallable) return v.self === undefined ? `<built-in function ${v.name}>` : `<built-in method ${v.name}>`;
  if (isDict(v)) return `{${dictEntries(v).map(([k, x]) => `${r(k)}: ${r(x)}`).join(', ')}}`;
  return '<object>';
}

/** What Python's str.isprintable() rejects: these are escaped by repr. */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
const escapeCodePoint = (c: number): string =>
  c < 0x100 ? '\\x' + c.toString(16).padStart(2, '0') : c < 0x10000 ? '\\u' + c.toString(16).padStart(4, '0') : '\\U' + c.toString(16).padStart(8, '0');

/** Python's string repr: single quotes unless the text has ' and no ". */
export function strRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += '\\' + q;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c !== 0x20 && NON_PRINTABLE.test(ch)) out += escapeCodePoint(c);
    else out += ch;
  }
  return out + q;
}

/** Plain JSON of a value (tuples/sets/ranges → arrays, boxed floats → numbers, dict keys → str). */
export function toJson(v: unknown, depth = 0): unknown {
  if (depth > 10_000) return null;
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof PyFloat) return v.value;
  const j = (x: unknown): unknown => toJson(x, depth + 1);
  if (Array.isArray(v)) return v.map(j);
  if (v instanceof PyTuple) return v.items.map(j);
  if (v instanceof PySet) return v.items.map(j);
  if (v instanceof PyRange) return rangeItems(v);
  if (v instanceof PyIter) return Array.isArray(v.source) ? v.source.map(j) : [];
  if (v instanceof PyCallable) return pyRepr(v);
  if (isDict(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of dictEntries(v)) {
      Object.defineProperty(out, jsonKey(k), { value: j(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}

/** json.dumps turns non-string keys into strings: 1 → "1", True → "true", None → "null". */
function jsonKey(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  return pyRepr(k);
}
