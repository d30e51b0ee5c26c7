/**
 * The names an expression reads from its scope: every `Name` that is not bound by an
 * enclosing comprehension target. Builtins such as `len` or `true` are included (they are
 * read from the scope too, and an input may shadow them); filter with BUILTIN_NAMES.
 */
import type { ExprNode } from './ast.js';
import { childNodes } from './parse-expression.js';

export function freeNames(ast: ExprNode): string[] {
  const found = new Set<string>();
  // Explicit stack of [node, bound names]; comprehensions can nest but the AST depth is capped.
  const stack: [ExprNode, ReadonlySet<string>][] = [[ast, new Set()]];
  while (stack.length) {
    const [node, bound] = stack.pop()!;
    if (node.type === 'Name') {
      if (!bound.has(node.id)) found.add(node.id);
      continue;
    }
    if (node.type !== 'Comprehension') {
      for (const c of childNodes(node)) stack.push([c, bound]);
      continue;
    }
    // Python: the first iterable is read in the enclosing scope; each target binds for
    // the clauses after it and for the element.
    let inner = bound;
    for (const g of node.generators) {
      stack.push([g.iter, inner]);
      const next = new Set(inner);
      for (const n of targetNames(g.target)) next.add(n);
      inner = next;
      for (const cond of g.ifs) stack.push([cond, inner]);
    }
    stack.push([node.elt, inner]);
    if (node.value) stack.push([node.value, inner]);
  }
  return [...found].sort();
}

export function targetNames(target: ExprNode): string[] {
  if (target.type === 'Name') return [target.id];
  if (target.type === 'Tuple' || target.type === 'List') return target.elts.flatMap(targetNames);
  return [];
}
