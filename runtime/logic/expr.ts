/**
 * The one place the runtime calls the expression evaluator (grammars/expr). Results are
 * data: `{ ok, value }` or `{ ok: false, message }`; nothing thrown crosses this line.
 */
import { evaluate, toJson, truthy } from '../../grammars/expr/evaluate-only.js';
import type { CompiledExpr } from '../../compiler/ir.js';

export type EvalResult = { ok: true; value: unknown } | { ok: false; message: string };

export function evalExpr(expr: CompiledExpr | null, scope: Record<string, unknown>): EvalResult {
  if (!expr || !expr.ast) return { ok: false, message: `expression '${expr?.source ?? ''}' is not a valid expression` };
  try {
    const r = evaluate(expr.ast, scope);
    if (r.ok) return { ok: true, value: r.value };
    return { ok: false, message: r.error.message };
  } catch (e) {
    // A bug in the evaluator must not take the engine down; treat it as an evaluation error.
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

export function isTruthy(v: unknown): boolean {
  return truthy(v);
}

/** Evaluator value → plain JSON (for derived outputs stored in artifacts). */
export function plainJson(v: unknown): unknown {
  return toJson(v);
}
