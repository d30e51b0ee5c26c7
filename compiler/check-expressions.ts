/**
 * Check (D-7, X-1): every name an expression reads is in the scope of its context, and
 * every `$name` in a prompt is an input of its step (D-1: a warning; commands are not
 * checked because `$HOME`-style shell variables are legitimate there).
 */
import { BUILTIN_NAMES } from '../grammars/expr/index.js';
import type { ExprNode } from '../grammars/expr/ast.js';
import { templateRefs } from '../grammars/template/index.js';
import type { CompiledExpr } from './ir.js';
import type { FlowModel, StepModel } from './model.js';
import { exprNodes, valueOffset } from './parse-expr.js';
import { didYouMean, report } from './source-context.js';

const EXIT_SCOPE = ['outputs', 'attempt', 'max_attempts', 'error_category', '_error'];
/** Agent prompts also get these (T-2). */
const AGENT_TEMPLATE_NAMES = new Set(['objective', 'workspace']);

/** Range of the first `Name` node called `id` (for pointing at the culprit). */
function findName(node: ExprNode | null, id: string): [number, number] | undefined {
  if (!node) return undefined;
  if (node.type === 'Name') return node.id === id ? node.range : undefined;
  for (const v of Object.values(node)) {
    const kids = Array.isArray(v) ? v : [v];
    for (const k of kids) {
      if (k && typeof k === 'object') {
        if ('type' in k && 'range' in k) {
          const r = findName(k as ExprNode, id);
          if (r) return r;
        } else {
          // comprehension generators / call keywords: plain objects holding nodes
          for (const inner of Object.values(k)) {
            for (const x of Array.isArray(inner) ? inner : [inner]) {
              if (x && typeof x === 'object' && 'type' in x) {
                const r = findName(x as ExprNode, id);
                if (r) return r;
              }
            }
          }
        }
      }
    }
  }
  return undefined;
}

const BUILTINS: ReadonlySet<string> = new Set(BUILTIN_NAMES);
const EXIT_NAMES: ReadonlySet<string> = new Set(EXIT_SCOPE);

function checkScope(m: StepModel, expr: CompiledExpr | null, scope: ReadonlySet<string>, what: string, scopeDesc: string): void {
  if (!expr?.ast) return;
  for (const name of expr.names) {
    if (scope.has(name) || BUILTINS.has(name) || name.startsWith('_')) continue;
    // Map the name's position inside the expression into the YAML scalar.
    const node = exprNodes.get(expr) ?? null;
    const r = findName(expr.ast, name);
    const off = node && r ? valueOffset(m.ctx, node, r[0]) : undefined;
    const guess = didYouMean(name, scope);
    report(m.ctx, 'EXPR_UNKNOWN_NAME', off !== undefined ? [off, off + name.length] : (expr.loc ?? m.step.loc ?? null), `Step '${m.step.name}': ${what} reads unknown name '${name}' (in scope: ${scopeDesc})`, guess ? { hint: `Did you mean '${guess}'?` } : {});
  }
}

export function checkExpressions(model: FlowModel): void {
  for (const m of model.steps) {
    const { step } = m;
    const locals = new Set(step.inputs.map((b) => b.local));
    if (step.when?.kind === 'expr') checkScope(m, step.when.expr, locals, "'when'", [...locals].join(', ') || 'no inputs');
    for (const r of step.exits) checkScope(m, r.when, EXIT_NAMES, `exit rule '${r.name}'`, 'outputs, attempt, max_attempts');
    if (step.outputs.length) {
      const outs = new Set(step.outputs.map((o) => o.name));
      for (const d of step.derivedOutputs) checkScope(m, d.expr, outs, `derived output '${d.name}'`, [...outs].join(', '));
    }
    checkTemplates(m, locals);
  }
}

function checkTemplates(m: StepModel, locals: Set<string>): void {
  const warned = new Set<string>();
  for (const t of m.templates) {
    if (!t.prompt) continue;
    let refs: ReturnType<typeof templateRefs>;
    try {
      refs = templateRefs(t.text);
    } catch {
      continue;
    }
    for (const ref of refs) {
      if (locals.has(ref.name) || warned.has(ref.name)) continue;
      if (m.step.kind === 'agent' && AGENT_TEMPLATE_NAMES.has(ref.name)) continue;
      warned.add(ref.name);
      const off = t.key === 'prompt' || t.key === 'loop_prompt' ? valueOffset(m.ctx, t.node, ref.range[0]) : undefined;
      const guess = didYouMean(ref.name, locals);
      report(m.ctx, 'FLOW_TEMPLATE_UNKNOWN_NAME', off !== undefined && m.keys.has(t.key) ? [off, off + (ref.range[1] - ref.range[0])] : t.node, `Step '${m.step.name}': ${t.key} uses '$${ref.name}' but the step has no input '${ref.name}'; it stays literal`, guess ? { hint: `Did you mean '$${guess}'?` } : {});
    }
  }
}
