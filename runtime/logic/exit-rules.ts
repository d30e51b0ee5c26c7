/**
 * E-9 exit-rule evaluation: first rule (declaration order) whose `when` is truthy fires.
 * Scope: `outputs` (the artifact; on the failure path it carries `_error` and
 * `error_category`), `attempt`, `max_attempts` (D-4: `limits.max_iterations` or null).
 * An evaluation error means "not matched" (X-1), recorded in `errors`.
 */
import type { CompiledStep, ExitRule } from '../../compiler/ir.js';
import { evalExpr, isTruthy } from './expr.js';

export type ExitDecision =
  | { kind: 'fired'; rule: ExitRule }
  /** No rules at all (E-9.1). */
  | { kind: 'implicit_advance' }
  /** Rules exist, none fired, and one of them is an advance rule (E-9.3) → step failure. */
  | { kind: 'no_match' }
  /** Rules exist, none fired, no advance rule → implicit advance. */
  | { kind: 'fallthrough' };

export interface ExitEvaluation {
  decision: ExitDecision;
  errors: { rule: string; message: string }[];
}

export function evaluateExitRules(step: CompiledStep, artifact: Record<string, unknown>, attempt: number): ExitEvaluation {
  const errors: { rule: string; message: string }[] = [];
  if (step.exits.length === 0) return { decision: { kind: 'implicit_advance' }, errors };
  const scope = { outputs: artifact, attempt, max_attempts: step.limits.maxIterations ?? null };
  for (const rule of step.exits) {
    if (!rule.when) {
      errors.push({ rule: rule.name, message: 'exit rule `when` is not an expression string' });
      continue;
    }
    const r = evalExpr(rule.when, scope);
    if (!r.ok) {
      errors.push({ rule: rule.name, message: r.message });
      continue;
    }
    if (isTruthy(r.value)) return { decision: { kind: 'fired', rule }, errors };
  }
  const hasAdvance = step.exits.some((e) => e.action === 'advance');
  return { decision: hasAdvance ? { kind: 'no_match' } : { kind: 'fallthrough' }, errors };
}

/** E-9.3 message. Keys as a Python list repr. */
export function noMatchMessage(step: string, artifact: Record<string, unknown>): string {
  return `No exit rule matched for step '${step}' (artifact: ${pyList(Object.keys(artifact))})`;
}

export function pyList(xs: string[]): string {
  return `[${xs.map((x) => `'${x}'`).join(', ')}]`;
}
