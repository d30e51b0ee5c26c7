/** Argument binding for builtins and methods, with Python's error messages. */
import { isInt, type Kwargs, typeError, typeName } from './values.js';

/**
 * Binds positional and keyword arguments to `names`; an absent argument is `undefined`
 * (an explicit None is `null`). The first `required` names must be given.
 */
export function bindArgs(fname: string, args: unknown[], kwargs: Kwargs, names: readonly string[], required = names.length): unknown[] {
  if (args.length > names.length) {
    throw typeError(`${fname}() takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${args.length} given)`);
  }
  const out: unknown[] = names.map((_, i) => args[i]);
  for (const [k, v] of kwargs) {
    const i = names.indexOf(k);
    if (i < 0) throw typeError(`${fname}() got an unexpected keyword argument '${k}'`);
    if (i < args.length) throw typeError(`${fname}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) throw typeError(`${fname}() missing required argument: '${names[i]}'`);
  }
  return out;
}

export function noKwargs(fname: string, kwargs: Kwargs): void {
  const first = kwargs.keys().next();
  if (!first.done) throw typeError(`${fname}() takes no keyword arguments`);
}

export function intArg(fname: string, v: unknown): number {
  if (!isInt(v)) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer (in ${fname}())`);
  return Number(v);
}

export function strArg(fname: string, v: unknown, what = 'argument'): string {
  if (typeof v !== 'string') throw typeError(`${fname}() ${what} must be str, not ${typeName(v)}`);
  return v;
}
