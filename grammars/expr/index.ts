/**
 * The expression language (SPEC §2, DESIGN §4): parse once at compile time, evaluate at
 * run time with Python semantics. Nothing here throws; errors are data.
 */
import type { ExprNode } from './ast.js';
import { evaluate, type EvalResult } from './evaluate.js';
import { parseExpression } from './parse-expression.js';

export type { ExprNode, Range } from './ast.js';
export type { ExprError, ParseResult } from './parse-expression.js';
export type { EvalError, EvalResult } from './evaluate.js';
export { parseExpression, MAX_EXPRESSION_LENGTH, MAX_NESTING, MAX_AST_DEPTH } from './parse-expression.js';
export { freeNames } from './free-names.js';
export { BUILTIN_NAMES } from './builtins.js';
export { evaluate, DEFAULT_MAX_STEPS } from './evaluate.js';
export { truthy, toJson, pyStr } from './evaluate-only.js';

/** Parse and evaluate in one go; a parse error comes back as a SyntaxError-typed EvalError. */
export function evaluateSource(text: string, scope: Record<string, unknown>, opts?: { maxSteps?: number }): EvalResult {
  const parsed = parseExpression(text);
  if (!parsed.ast) {
    const e = parsed.errors[0];
    return { ok: false, error: { type: 'SyntaxError', message: e ? `${e.code}: ${e.message}` : 'invalid expression', ...(e ? { range: e.range } : {}) } };
  }
  return evaluate(parsed.ast as ExprNode, scope, opts);
}
