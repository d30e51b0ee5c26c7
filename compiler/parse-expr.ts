/**
 * Expressions are parsed at build time (D-7). A syntax error is reported at the file
 * position of the offending character: the expression's offset is mapped into the YAML
 * scalar that holds it (plain, quoted or block scalar).
 */
import { isScalar, type Node } from 'yaml';
import { freeNames, parseExpression } from '../grammars/expr/index.js';
import type { CompiledExpr } from './ir.js';
import { locOf, report, type SourceContext } from './source-context.js';

/** File offset of character `off` of the string value of `node`, as well as we can tell. */
export function valueOffset(ctx: SourceContext, node: Node | null, off: number): number | undefined {
  const range = node?.range;
  if (!node || !range) return undefined;
  const start = range[0];
  const type = isScalar(node) ? node.type : undefined;
  const value = isScalar(node) ? String(node.value ?? '') : '';
  const raw = ctx.text;
  const clamp = Math.max(0, Math.min(off, value.length));
  if (type === 'PLAIN') {
    return raw.slice(start, start + value.length) === value ? start + clamp : start;
  }
  if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') {
    return raw.slice(start + 1, start + 1 + value.length) === value ? start + 1 + clamp : start;
  }
  if (type === 'BLOCK_FOLDED') {
    // Folded lines are joined by single spaces: walk the content lines, one space between each.
    let pos = raw.indexOf('\n', start);
    if (pos < 0) return start;
    let remaining = clamp;
    for (let cur = pos + 1, guard = 0; cur < raw.length && guard < 10_000; guard++) {
      const end = raw.indexOf('\n', cur);
      const line = raw.slice(cur, end < 0 ? raw.length : end);
      const body = line.trim();
      if (body !== '') {
        const indent = line.length - line.trimStart().length;
        if (remaining <= body.length) return cur + indent + remaining;
        remaining -= body.length + 1;
      }
      if (end < 0) break;
      cur = end + 1;
      pos = cur;
    }
    return start;
  }
  if (type === 'BLOCK_LITERAL') {
    // Content starts on the line after the `|` header; each value line is one source line.
    let pos = raw.indexOf('\n', start);
    if (pos < 0) return start;
    pos += 1;
    const before = value.slice(0, clamp);
    const lineIdx = before.split('\n').length - 1;
    const col = clamp - (before.lastIndexOf('\n') + 1);
    // Skip to the first content line to learn the indentation.
    let lineStart = pos;
    let indent = 0;
    for (let guard = 0; guard < 10_000 && lineStart < raw.length; guard++) {
      const end = raw.indexOf('\n', lineStart);
      const line = raw.slice(lineStart, end < 0 ? raw.length : end);
      if (line.trim() !== '') {
        indent = line.length - line.trimStart().length;
        break;
      }
      lineStart = end < 0 ? raw.length : end + 1;
    }
    let cur = lineStart;
    for (let i = 0; i < lineIdx; i++) {
      const nl = raw.indexOf('\n', cur);
      if (nl < 0) break;
      cur = nl + 1;
    }
    return cur + indent + col;
  }
  return start;
}

/** The YAML scalar each compiled expression came from (positions for later checks). */
export const exprNodes = new WeakMap<CompiledExpr, Node>();

export function parseExpr(ctx: SourceContext, text: string, node: Node | null): CompiledExpr {
  const expr = parseExprInner(ctx, text, node);
  if (node) exprNodes.set(expr, node);
  return expr;
}

function parseExprInner(ctx: SourceContext, text: string, node: Node | null): CompiledExpr {
  const loc = locOf(ctx, node);
  let parsed: ReturnType<typeof parseExpression>;
  try {
    parsed = parseExpression(text);
  } catch (e) {
    // The grammar promises never to throw; if it does, it is still only a diagnostic.
    report(ctx, 'EXPR_SYNTAX', node, `Expression "${text}" could not be parsed: ${(e as Error)?.message ?? e}`);
    return { source: text, ast: null, names: [], ...(loc ? { loc } : {}) };
  }
  for (const err of parsed.errors) {
    const off = valueOffset(ctx, node, err.range[0]);
    const end = valueOffset(ctx, node, err.range[1]);
    const at: [number, number] | Node | null = off !== undefined ? [off, Math.max(off, end ?? off)] : node;
    report(ctx, 'EXPR_SYNTAX', at, `Invalid expression "${text}": ${err.message}`, err.hint ? { hint: err.hint } : {});
  }
  const ast = parsed.errors.length ? null : parsed.ast;
  if (!ast && parsed.errors.length === 0) report(ctx, 'EXPR_SYNTAX', node, `Invalid expression "${text}"`);
  let names: string[] = [];
  if (ast) {
    try {
      names = freeNames(ast);
    } catch {
      names = [];
    }
  }
  return { source: text, ast, names, ...(loc ? { loc } : {}) };
}
