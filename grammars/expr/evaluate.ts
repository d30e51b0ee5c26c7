/**
 * The tree-walking evaluator (DESIGN §4). No eval/new Function/with: it only reads own
 * data properties of plain objects and arrays and calls whitelisted natives. Every node
 * visit and every iterated element costs one step of a budget, so `sum(range(10**9))`
 * stops quickly with a LimitError instead of hanging the engine.
 */
import type { ExprNode, Range } from './ast.js';
import { BUILTINS } from './builtins.js';
import { iterate } from './iterate.js';
import { getAttribute } from './methods.js';
import { binaryOp, compareOp, unaryOp, type CompareOp } from './operators.js';
import {
  type CallContext, checkSize, codePoints, MAX_SIZE, dictLookup, isDict, isInt, isNumber, limitError, makeFloat, numValue,
  PyCallable, PyDict, PyError, PyIter, PyRange, PySet, PyTuple, truthy, typeError, typeName,
} from './values.js';

export type EvalError = { type: string; message: string; range?: Range };
export type EvalResult = { ok: true; value: unknown } | { ok: false; error: EvalError };
export const DEFAULT_MAX_STEPS = 100_000;

type Env = { vars: Map<string, unknown>; parent: Env | null };

export function evaluate(ast: ExprNode, scope: Record<string, unknown>, opts?: { maxSteps?: number }): EvalResult {
  const ev = new Evaluator(scope ?? {}, opts?.maxSteps ?? DEFAULT_MAX_STEPS);
  try {
    let value = ev.eval(ast, null);
    // A generator cannot outlive the evaluation (its budget ends here): materialise it now.
    if (value instanceof PyIter && !Array.isArray(value.source)) value = new PyIter(value.kind, [...ev.iterate(value)]);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof PyError) return { ok: false, error: e.range ? { type: e.type, message: e.message, range: e.range } : { type: e.type, message: e.message } };
    if (e instanceof RangeError) return { ok: false, error: { type: 'LimitError', message: 'expression is nested too deeply to evaluate' } };
    return { ok: false, error: { type: 'InternalError', message: `expression evaluation failed: ${String(e)}` } };
  }
}

export class Evaluator implements CallContext {
  private steps = 0;
  constructor(private readonly scope: Record<string, unknown>, private readonly maxSteps: number) {}

  tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.maxSteps) throw limitError('expression exceeded its step budget');
  }

  eval(node: ExprNode, env: Env | null): unknown {
    this.tick();
    try {
      return this.evalNode(node, env);
    } catch (e) {
      // The innermost node that failed names the range.
      if (e instanceof PyError && !e.range) e.range = node.range;
      throw e;
    }
  }

  private evalNode(node: ExprNode, env: Env | null): unknown {
    switch (node.type) {
      case 'Literal':
        return node.float && typeof node.value === 'number' ? makeFloat(node.value) : node.value;
      case 'Name':
        return this.lookup(node.id, env);
      case 'List':
        return node.elts.map((e) => this.eval(e, env));
      case 'Tuple':
        return new PyTuple(node.elts.map((e) => this.eval(e, env)));
      case 'Set': {
        const s = new PySet();
        for (const e of node.elts) s.add(this.eval(e, env));
        return s;
      }
      case 'Dict': {
        const d = new PyDict();
        node.keys.forEach((k, i) => d.set(this.eval(k, env), this.eval(node.values[i]!, env)));
        return d;
      }
      case 'Attribute':
        return getAttribute(this.eval(node.value, env), node.attr);
      case 'Subscript':
        return this.subscript(node.value, node.index, env);
      case 'Slice':
        throw typeError('a slice is only allowed inside [ ]');
      case 'Call':
        return this.call(node, env);
      case 'Unary': {
        const v = this.eval(node.operand, env);
        return node.op === 'not' ? !truthy(v) : unaryOp(node.op, v);
      }
      case 'Binary':
        return binaryOp(node.op, this.eval(node.left, env), this.eval(node.right, env));
      case 'BoolOp': {
        let v: unknown = null;
        for (const part of node.values) {
          v = this.eval(part, env);
          if (node.op === 'and' ? !truthy(v) : truthy(v)) return v;
        }
        return v;
      }
      case 'Compare': {
        let left = this.eval(node.left, env);
        for (let i = 0; i < node.ops.length; i++) {
          const right = this.eval(node.comparators[i]!, env);
          if (!compareOp(node.ops[i] as CompareOp, left, right, () => this.tick())) return false;
          left = right;
        }
        return true;
      }
      case 'IfExp':
        return truthy(this.eval(node.test, env)) ? this.eval(node.body, env) : this.eval(node.orelse, env);
      case 'Comprehension':
        return this.comprehension(node, env);
    }
  }

  private lookup(id: string, env: Env | null): unknown {
    for (let e = env; e; e = e.parent) if (e.vars.has(id)) return e.vars.get(id);
    if (Object.hasOwn(this.scope, id)) {
      const d = Object.getOwnPropertyDescriptor(this.scope, id);
      // `undefined` marks an absent input (X-1: absent loop-back inputs are undefined names).
      if (d && 'value' in d && d.value !== undefined) return d.value;
    }
    if (BUILTINS.has(id)) return BUILTINS.get(id);
    throw new PyError('NameError', `name '${id}' is not defined`);
  }

  /** Iterates any iterable value, one budget step per element. */
  iterate(v: unknown): Generator<unknown> {
    return iterate(v, this);
  }

  private subscript(valueNode: ExprNode, indexNode: ExprNode, env: Env | null): unknown {
    const value = this.eval(valueNode, env);
    if (indexNode.type === 'Slice') {
      const part = (n: ExprNode | null): number | null => {
        if (!n) return null;
        const v = this.eval(n, env);
        if (v === null) return null;
        if (!isInt(v)) throw typeError('slice indices must be integers or None or have an __index__ method');
        return Number(v);
      };
      return sliceValue(value, part(indexNode.lower), part(indexNode.upper), part(indexNode.step));
    }
    return indexValue(value, this.eval(indexNode, env));
  }

  private call(node: Extract<ExprNode, { type: 'Call' }>, env: Env | null): unknown {
    const f = this.eval(node.func, env);
    const args = node.args.map((a) => this.eval(a, env));
    const kwargs = new Map<string, unknown>();
    for (const k of node.keywords) kwargs.set(k.arg, this.eval(k.value, env));
    return callValue(f, args, kwargs, this);
  }

  private comprehension(node: Extract<ExprNode, { type: 'Comprehension' }>, env: Env | null): unknown {
    // Python evaluates the first iterable eagerly, in the enclosing scope.
    const first = this.eval(node.generators[0]!.iter, env);
    const scope: Env = { vars: new Map(), parent: env };
    const gen = this.produce(node, 0, first, scope);
    switch (node.kind) {
      case 'generator':
        return new PyIter('generator', gen);
      case 'list':
        return collect(gen);
      case 'set': {
        const s = new PySet();
        for (const x of gen) s.add(x);
        return s;
      }
      case 'dict': {
        const d = new PyDict();
        for (const pair of gen) d.set((pair as PyTuple).items[0], (pair as PyTuple).items[1]);
        return d;
      }
    }
  }

  private *produce(node: Extract<ExprNode, { type: 'Comprehension' }>, i: number, iterable: unknown, scope: Env): Generator<unknown> {
    const g = node.generators[i]!;
    for (const item of this.iterate(iterable)) {
      this.bind(g.target, item, scope);
      if (!g.ifs.every((c) => truthy(this.eval(c, scope)))) continue;
      if (i + 1 < node.generators.length) {
        yield* this.produce(node, i + 1, this.eval(node.generators[i + 1]!.iter, scope), scope);
      } else if (node.kind === 'dict') {
        yield new PyTuple([this.eval(node.elt, scope), this.eval(node.value!, scope)]);
      } else {
        yield this.eval(node.elt, scope);
      }
    }
  }

  private bind(target: ExprNode, value: unknown, scope: Env): void {
    if (target.type === 'Name') {
      scope.vars.set(target.id, value);
      return;
    }
    if (target.type !== 'Tuple' && target.type !== 'List') throw new PyError('SyntaxError', 'cannot assign to this target', target.range);
    const items = [...this.iterate(value)];
    if (items.length < target.elts.length) {
      throw new PyError('ValueError', `not enough values to unpack (expected ${target.elts.length}, got ${items.length})`, target.range);
    }
    if (items.length > target.elts.length) throw new PyError('ValueError', `too many values to unpack (expected ${target.elts.length})`, target.range);
    target.elts.forEach((t, i) => this.bind(t, items[i], scope));
  }
}

/** Materialises an iterator, refusing more than MAX_SIZE elements whatever the step budget. */
function collect(items: Iterable<unknown>): unknown[] {
  const out: unknown[] = [];
  for (const x of items) {
    out.push(x);
    if (out.length > MAX_SIZE) checkSize(out.length, 'list');
  }
  return out;
}

export function callValue(f: unknown, args: unknown[], kwargs: Map<string, unknown>, ctx: CallContext): unknown {
  if (!(f instanceof PyCallable)) throw typeError(`'${typeName(f)}' object is not callable`);
  return f.fn(args, kwargs, ctx);
}

function normIndex(v: unknown, len: number, what: string): number {
  if (!isInt(v)) throw typeError(`${what} indices must be integers or slices, not ${typeName(v)}`);
  const i = Number(v) < 0 ? Number(v) + len : Number(v);
  if (i < 0 || i >= len) throw new PyError('IndexError', `${what} index out of range`);
  return i;
}

export function indexValue(value: unknown, index: unknown): unknown {
  if (Array.isArray(value)) return value[normIndex(index, value.length, 'list')];
  if (typeof value === 'string') {
    const cps = codePoints(value);
    return cps[normIndex(index, cps.length, 'string')];
  }
  if (value instanceof PyTuple) return value.items[normIndex(index, value.items.length, 'tuple')];
  if (value instanceof PyRange) return value.at(normIndex(index, value.length, 'range object'));
  if (isDict(value)) {
    const r = dictLookup(value, index);
    if (!r.found) throw new PyError('KeyError', pyKeyRepr(index));
    return r.value;
  }
  throw typeError(`'${typeName(value)}' object is not subscriptable`);
}

const pyKeyRepr = (k: unknown): string => (typeof k === 'string' ? `'${k}'` : isNumber(k) ? String(numValue(k)) : String(k));

/** CPython's slice index adjustment (PySlice_AdjustIndices). */
export function sliceIndices(len: number, lower: number | null, upper: number | null, step: number | null): number[] {
  const { start, stop, step: st } = sliceBounds(len, lower, upper, step);
  const out: number[] = [];
  for (let i = start; st > 0 ? i < stop : i > stop; i += st) out.push(i);
  return out;
}

export function sliceBounds(len: number, lower: number | null, upper: number | null, step: number | null): { start: number; stop: number; step: number } {
  const st = step ?? 1;
  if (st === 0) throw new PyError('ValueError', 'slice step cannot be zero');
  const adjust = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) {
      v += len;
      if (v < 0) v = st < 0 ? -1 : 0;
    } else if (v >= len) v = st < 0 ? len - 1 : len;
    return v;
  };
  return { start: adjust(lower, st < 0 ? len - 1 : 0), stop: adjust(upper, st < 0 ? -1 : len), step: st };
}

function sliceValue(value: unknown, lower: number | null, upper: number | null, step: number | null): unknown {
  if (Array.isArray(value)) return sliceIndices(value.length, lower, upper, step).map((i) => value[i]);
  if (typeof value === 'string') {
    const cps = codePoints(value);
    return sliceIndices(cps.length, lower, upper, step).map((i) => cps[i]).join('');
  }
  if (value instanceof PyTuple) return new PyTuple(sliceIndices(value.items.length, lower, upper, step).map((i) => value.items[i]));
  if (value instanceof PyRange) {
    const b = sliceBounds(value.length, lower, upper, step);
    return new PyRange(value.at(b.start), value.at(b.stop), value.step * b.step);
  }
  throw typeError(`'${typeName(value)}' object is not subscriptable`);
}
