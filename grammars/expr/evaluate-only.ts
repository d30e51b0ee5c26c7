/**
 * The evaluation half of the expression language, without the parser: the runtime evaluates
 * ASTs the compiler parsed, so a job (and a compile-cache hit) never loads Chevrotain.
 */
import { pyStr as pyStrUnsafe, toJson as toJsonUnsafe } from './format.js';
import { truthy as truthyUnsafe } from './values.js';

export { evaluate, DEFAULT_MAX_STEPS } from './evaluate.js';
export type { EvalError, EvalResult } from './evaluate.js';

/** Python truthiness of a value returned by evaluate. */
export function truthy(v: unknown): boolean {
  try {
    return truthyUnsafe(v);
  } catch {
    return true;
  }
}

/** Plain JSON of an evaluate() value: tuples/sets/ranges → arrays, boxed floats → numbers. */
export function toJson(v: unknown): unknown {
  try {
    return toJsonUnsafe(v);
  } catch {
    return null;
  }
}

/** Python str(): True/False/None, floats as 1.0, containers in Python repr. */
export function pyStr(v: unknown): string {
  try {
    return pyStrUnsafe(v);
  } catch {
    return String(v);
  }
}

