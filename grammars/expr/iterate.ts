/**
 * Iteration over any iterable value, one budget step per element (DESIGN §4), shared by
 * the evaluator, the builtins and the methods.
 */
import { type CallContext, checkSize, codePoints, MAX_SIZE, dictEntries, isDict, PyIter, PyRange, PySet, PyTuple, typeError, typeName } from './values.js';

/** Like Python's iter(): a non-iterable fails at once, elements come lazily. */
export function iterate(v: unknown, ctx: CallContext): Generator<unknown> {
  let source: Iterable<unknown>;
  if (typeof v === 'string') source = codePoints(v);
  else if (Array.isArray(v)) source = v;
  else if (v instanceof PyTuple) source = v.items;
  else if (v instanceof PySet) source = v.items;
  else if (v instanceof PyRange) source = rangeIter(v);
  else if (v instanceof PyIter) source = Array.isArray(v.source) ? v.source : { [Symbol.iterator]: () => v.source as Iterator<unknown> };
  else if (isDict(v)) source = dictEntries(v).map(([k]) => k);
  else throw typeError(`'${typeName(v)}' object is not iterable`);
  return ticking(source, ctx);
}

function* ticking(source: Iterable<unknown>, ctx: CallContext): Generator<unknown> {
  for (const x of source) {
    ctx.tick();
    yield x;
  }
}

/** All elements as an array (still one step each). */
export function toArray(v: unknown, ctx: CallContext): unknown[] {
  const out: unknown[] = [];
  for (const x of iterate(v, ctx)) {
    out.push(x);
    if (out.length > MAX_SIZE) checkSize(out.length, 'list');
  }
  return out;
}

function* rangeIter(r: PyRange): Generator<number> {
  for (let i = 0; i < r.length; i++) yield r.at(i);
}
