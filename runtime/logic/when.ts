/**
 * Step activation (F-9, X-1, X-6): string `when` is an expression over the resolved
 * inputs (any evaluation error → false); the predicate form uses strict typing and the
 * presence map.
 */
import type { WhenClause } from '../../compiler/ir.js';
import { evalExpr, isTruthy } from './expr.js';

function sameType(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b);
  return typeof a === typeof b;
}

function strictEq(a: unknown, b: unknown): boolean {
  return sameType(a, b) && JSON.stringify(a) === JSON.stringify(b);
}

export function evaluateWhen(
  when: WhenClause | null,
  inputs: Record<string, unknown>,
  presence: Record<string, boolean>,
): boolean {
  if (!when) return true;
  if (when.kind === 'const') return when.value;
  if (when.kind === 'expr') {
    const r = evalExpr(when.expr, inputs);
    return r.ok ? isTruthy(r.value) : false;
  }
  const present = presence[when.input] === true;
  const has = Object.prototype.hasOwnProperty.call(inputs, when.input);
  const v = inputs[when.input];
  switch (when.op) {
    case 'eq':
      return present && has && strictEq(v, when.value);
    case 'in':
      return present && has && Array.isArray(when.value) && when.value.some((x) => strictEq(v, x));
    case 'is_null':
      return present && (when.value === true ? v === null || v === undefined : v !== null && v !== undefined);
    case 'is_present':
      return present === (when.value === true);
  }
}
