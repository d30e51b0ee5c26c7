/**
 * Python semantics of the arithmetic and comparison operators: int/float rules,
 * `//` and `%` flooring toward negative infinity, str/list concatenation and repetition
 * with size caps, membership and identity. Error messages are Python's.
 */
import { percentFormat } from './str-format.js';
import {
  checkSize, dictLookup, isDict, isFloat, isInt, isNumber, makeFloat, makeInt, numValue, pyCompare, pyEq, PyError,
  PyIter, PyRange, PySet, PyTuple, typeError, typeName,
} from './values.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

const unsupported = (op: string, a: unknown, b: unknown): PyError =>
  typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);

export function binaryOp(op: BinaryOp, a: unknown, b: unknown): unknown {
  if (isNumber(a) && isNumber(b)) return arith(op, a, b);
  switch (op) {
    case '+':
      if (typeof a === 'string' && typeof b === 'string') {
        checkSize(a.length + b.length, 'string');
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        checkSize(a.length + b.length, 'list');
        return [...a, ...b];
      }
      if (a instanceof PyTuple && b instanceof PyTuple) {
        checkSize(a.items.length + b.items.length, 'tuple');
        return new PyTuple([...a.items, ...b.items]);
      }
      if (typeof a === 'string' || Array.isArray(a) || a instanceof PyTuple) {
        throw typeError(`can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`);
      }
      throw unsupported('+', a, b);
    case '*':
      if (isInt(b) && isSequence(a)) return repeat(a, Number(b));
      if (isInt(a) && isSequence(b)) return repeat(b, Number(a));
      if ((isSequence(a) && isNumber(b)) || (isSequence(b) && isNumber(a))) {
        throw typeError(`can't multiply sequence by non-int of type '${typeName(isSequence(a) ? b : a)}'`);
      }
      throw unsupported('*', a, b);
    case '-':
      if (a instanceof PySet && b instanceof PySet) {
        const out = new PySet();
        for (const x of a.items) if (!b.has(x)) out.add(x);
        return out;
      }
      throw unsupported('-', a, b);
    case '%':
      if (typeof a === 'string') {
        const lookup = isDict(b) ? (k: string) => {
          const r = dictLookup(b, k);
          if (!r.found) throw new PyError('KeyError', `'${k}'`);
          return r.value;
        } : null;
        return percentFormat(a, b, b instanceof PyTuple ? b.items : null, lookup);
      }
      throw unsupported('%', a, b);
    default:
      throw unsupported(op === '**' ? '** or pow()' : op, a, b);
  }
}

const isSequence = (v: unknown): v is string | unknown[] | PyTuple => typeof v === 'string' || Array.isArray(v) || v instanceof PyTuple;

function repeat(seq: string | unknown[] | PyTuple, times: number): unknown {
  const n = Math.max(0, times);
  if (typeof seq === 'string') {
    checkSize(seq.length * n, 'string');
    return seq.repeat(n);
  }
  const items = Array.isArray(seq) ? seq : seq.items;
  checkSize(items.length * n, Array.isArray(seq) ? 'list' : 'tuple');
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return Array.isArray(seq) ? out : new PyTuple(out);
}

function arith(op: BinaryOp, a: number | boolean | { value: number }, b: number | boolean | { value: number }): unknown {
  const x = numValue(a as never);
  const y = numValue(b as never);
  const float = isFloat(a) || isFloat(b);
  switch (op) {
    case '+': return float ? makeFloat(x + y) : makeInt(x + y);
    case '-': return float ? makeFloat(x - y) : makeInt(x - y);
    case '*': return float ? makeFloat(x * y) : makeInt(x * y);
    case '/':
      if (y === 0) throw new PyError('ZeroDivisionError', float ? 'float division by zero' : 'division by zero');
      return makeFloat(x / y);
    case '//': {
      if (y === 0) throw new PyError('ZeroDivisionError', float ? 'float floor division by zero' : 'integer division or modulo by zero');
      return float ? makeFloat(floatFloorDiv(x, y)) : makeInt(Math.floor(x / y));
    }
    case '%': {
      if (y === 0) throw new PyError('ZeroDivisionError', float ? 'float modulo' : 'integer division or modulo by zero');
      let r = x % y;
      if (r !== 0 && r < 0 !== y < 0) r += y;
      if (r === 0) r = y < 0 ? -0 : 0; // Python: a zero remainder takes the divisor's sign
      return float ? makeFloat(r) : makeInt(r);
    }
    case '**': {
      if (x === 0 && y < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
      if (x < 0 && !Number.isInteger(y)) throw new PyError('ValueError', 'negative number cannot be raised to a fractional power');
      const r = Math.pow(x, y);
      if (!float && y >= 0) return makeInt(r);
      if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) throw new PyError('OverflowError', 'numerical result out of range');
      return makeFloat(r);
    }
  }
}

/** CPython's float floor division (float_floor_div): exact for infinities and signed zeros. */
function floatFloorDiv(x: number, y: number): number {
  let mod = x % y;
  let div = (x - mod) / y;
  // C truthiness: NaN counts as non-zero.
  if (mod !== 0) {
    if (y < 0 !== mod < 0) {
      mod += y;
      div -= 1;
    }
  }
  if (div === 0) return x / y < 0 || Object.is(x / y, -0) ? -0 : 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

export function unaryOp(op: '-' | '+', v: unknown): unknown {
  if (!isNumber(v)) throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
  const n = numValue(v);
  if (isFloat(v)) return makeFloat(op === '-' ? -n : n);
  return makeInt(op === '-' ? -n : n);
}

export function contains(container: unknown, item: unknown, tick: () => void): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => (tick(), pyEq(x, item)));
  if (container instanceof PyTuple) return container.items.some((x) => (tick(), pyEq(x, item)));
  if (container instanceof PySet) return container.has(item);
  if (isDict(container)) return dictLookup(container, item).found;
  if (container instanceof PyRange) {
    if (!isNumber(item) || !Number.isInteger(numValue(item))) return false;
    const n = numValue(item);
    const { start, stop, step } = container;
    const inBounds = step > 0 ? n >= start && n < stop : n <= start && n > stop;
    return inBounds && (n - start) % step === 0;
  }
  if (container instanceof PyIter && Array.isArray(container.source)) {
    return container.source.some((x) => (tick(), pyEq(x, item)));
  }
  if (container instanceof PyIter) {
    for (let r = (container.source as Iterator<unknown>).next(); !r.done; r = (container.source as Iterator<unknown>).next()) {
      tick();
      if (pyEq(r.value, item)) return true;
    }
    return false;
  }
  throw typeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** `is`: identity for objects; None/bools/numbers/strings compare by value (CPython interns them). */
export function identical(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return isFloat(a) === isFloat(b) && a === b;
  return a === b;
}

export function compareOp(op: CompareOp, a: unknown, b: unknown, tick: () => void): boolean {
  switch (op) {
    case '==': return pyEq(a, b);
    case '!=': return !pyEq(a, b);
    case '<': return pyCompare(a, b, op) < 0;
    case '<=': return pyCompare(a, b, op) <= 0;
    case '>': return pyCompare(a, b, op) > 0;
    case '>=': return pyCompare(a, b, op) >= 0;
    case 'in': return contains(b, a, tick);
    case 'not in': return !contains(b, a, tick);
    case 'is': return identical(a, b);
    case 'is not': return !identical(a, b);
  }
}
