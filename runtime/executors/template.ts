/**
 * The template primitives the executors use, from `grammars/` (the one implementation of
 * SPEC T-1 with D-1/D-2): one pass, `$$` → `$`, bound null/absent → "", unbound `$name`
 * literal, values shell-quoted in commands. Kept as a seam so executor files import one place.
 */
export { renderTemplate, renderValue, shellQuote, type RenderOptions } from '../../grammars/template/index.js';
export { pyStr as pythonStr } from '../../grammars/expr/evaluate-only.js';
