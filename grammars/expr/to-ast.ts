/**
 * CST → AST. Runs only on a CST without parse errors, but still checks what the grammar
 * accepts loosely (literal forms, argument order, `_` attributes) and reports those as
 * errors instead of building a node.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { ExprNode, Range } from './ast.js';
import { decodeEscapes } from './literals.js';
import { isPrivateAttribute } from './private-attributes.js';

export interface AstIssue { code: 'EXPR_SYNTAX' | 'EXPR_UNSUPPORTED' | 'EXPR_PRIVATE_ATTRIBUTE'; message: string; range: Range; hint?: string }


type Kids = Record<string, CstElement[] | undefined>;
type CompGen = { target: ExprNode; iter: ExprNode; ifs: ExprNode[] };

const isToken = (e: CstElement | undefined): e is IToken => !!e && 'image' in e;
/** A node's [start, end); `fallback` for nodes that matched no token (their offsets are NaN). */
const nodeRange = (n: CstNode, fallback: Range = [0, 0]): Range => {
  const start = n.location?.startOffset;
  const end = n.location?.endOffset;
  return Number.isFinite(start) && Number.isFinite(end) ? [start!, end! + 1] : fallback;
};
const tokRange = (t: IToken): Range => [t.startOffset, (t.endOffset ?? t.startOffset) + 1];
const span = (a: Range, b: Range): Range => [a[0], b[1]];

export class AstBuilder {
  readonly issues: AstIssue[] = [];

  private fail(code: AstIssue['code'], message: string, range: Range, hint?: string): ExprNode {
    this.issues.push(hint ? { code, message, range, hint } : { code, message, range });
    return { type: 'Literal', value: null, range };
  }

  private nodes(k: Kids, name: string): CstNode[] {
    return (k[name] ?? []).filter((e): e is CstNode => !isToken(e));
  }
  private toks(k: Kids, name: string): IToken[] {
    return (k[name] ?? []).filter(isToken);
  }
  private one(k: Kids, name: string): CstNode {
    return this.nodes(k, name)[0]!;
  }

  expression(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const tests = this.nodes(k, 'test').map((t) => this.test(t));
    if (tests.length === 1 && this.toks(k, 'trailing').length === 0) return tests[0]!;
    return { type: 'Tuple', elts: tests, range: nodeRange(n) };
  }

  test(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const body = this.orTest(this.nodes(k, 'body')[0]!);
    const cond = this.nodes(k, 'cond')[0];
    if (!cond) return body;
    const test = this.orTest(cond);
    const orelse = this.test(this.nodes(k, 'orelse')[0]!);
    return { type: 'IfExp', test, body, orelse, range: nodeRange(n) };
  }

  orTest(n: CstNode): ExprNode {
    const values = this.nodes(n.children as Kids, 'andTest').map((c) => this.andTest(c));
    return values.length === 1 ? values[0]! : { type: 'BoolOp', op: 'or', values, range: nodeRange(n) };
  }

  andTest(n: CstNode): ExprNode {
    const values = this.nodes(n.children as Kids, 'notTest').map((c) => this.notTest(c));
    return values.length === 1 ? values[0]! : { type: 'BoolOp', op: 'and', values, range: nodeRange(n) };
  }

  notTest(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const inner = this.nodes(k, 'notTest')[0];
    if (inner) return { type: 'Unary', op: 'not', operand: this.notTest(inner), range: nodeRange(n) };
    return this.comparison(this.one(k, 'comparison'));
  }

  comparison(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const operands = this.nodes(k, 'arith').map((c) => this.arith(c));
    if (operands.length === 1) return operands[0]!;
    const ops = this.nodes(k, 'compOp').map((c) => compOp(c.children as Kids));
    return { type: 'Compare', left: operands[0]!, ops, comparators: operands.slice(1), range: nodeRange(n) };
  }

  /** Left-associative chains are built in a loop so long chains do not recurse here. */
  private leftChain(operands: ExprNode[], ops: IToken[]): ExprNode {
    let acc = operands[0]!;
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i]!;
      acc = { type: 'Binary', op: ops[i - 1]!.image as '+', left: acc, right, range: span(acc.range, right.range) };
    }
    return acc;
  }

  arith(n: CstNode): ExprNode {
    const k = n.children as Kids;
    return this.leftChain(this.nodes(k, 'term').map((c) => this.term(c)), this.toks(k, 'op').sort(byOffset));
  }

  term(n: CstNode): ExprNode {
    const k = n.children as Kids;
    return this.leftChain(this.nodes(k, 'factor').map((c) => this.factor(c)), this.toks(k, 'op').sort(byOffset));
  }

  factor(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const op = this.toks(k, 'op')[0];
    if (op) return { type: 'Unary', op: op.image as '-' | '+', operand: this.factor(this.one(k, 'factor')), range: nodeRange(n) };
    return this.power(this.one(k, 'power'));
  }

  power(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const base = this.primary(this.one(k, 'primary'));
    const exp = this.nodes(k, 'factor')[0];
    if (!exp) return base;
    return { type: 'Binary', op: '**', left: base, right: this.factor(exp), range: nodeRange(n) };
  }

  primary(n: CstNode): ExprNode {
    const k = n.children as Kids;
    let acc = this.atom(this.one(k, 'atom'));
    for (const tr of this.nodes(k, 'trailer')) acc = this.trailer(acc, tr);
    return acc;
  }

  private trailer(value: ExprNode, n: CstNode): ExprNode {
    const k = n.children as Kids;
    const range = span(value.range, nodeRange(n));
    const name = this.toks(k, 'Identifier')[0];
    if (name) {
      if (isPrivateAttribute(name.image)) {
        return this.fail('EXPR_PRIVATE_ATTRIBUTE', `attribute '${name.image}' is not accessible`, tokRange(name),
          "attributes starting with '_' (and constructor/prototype) are blocked; use .get('key') or ['key'] for data keys");
      }
      return { type: 'Attribute', value, attr: name.image, range };
    }
    if (this.toks(k, 'LBracket').length) return this.subscriptList(value, this.one(k, 'subscriptList'), range);
    return this.call(value, this.nodes(k, 'argList')[0], range);
  }

  private call(func: ExprNode, argList: CstNode | undefined, range: Range): ExprNode {
    const args: ExprNode[] = [];
    const keywords: { arg: string; value: ExprNode }[] = [];
    const argNodes = argList ? this.nodes(argList.children as Kids, 'argument') : [];
    for (const a of argNodes) {
      const k = a.children as Kids;
      const kw = this.toks(k, 'kw')[0];
      if (kw) {
        if (keywords.some((x) => x.arg === kw.image)) this.fail('EXPR_SYNTAX', `keyword argument repeated: ${kw.image}`, tokRange(kw));
        keywords.push({ arg: kw.image, value: this.test(this.one(k, 'kwValue')) });
        continue;
      }
      let value = this.test(this.one(k, 'test'));
      const comp = this.nodes(k, 'compFor')[0];
      if (comp) {
        if (argNodes.length > 1) this.fail('EXPR_SYNTAX', 'generator expression must be parenthesized', nodeRange(a));
        value = { type: 'Comprehension', kind: 'generator', elt: value, generators: this.compFor(comp), range: nodeRange(a) };
      }
      if (keywords.length) this.fail('EXPR_SYNTAX', 'positional argument follows keyword argument', nodeRange(a));
      args.push(value);
    }
    return { type: 'Call', func, args, keywords, range };
  }

  private subscriptList(value: ExprNode, n: CstNode, range: Range): ExprNode {
    const k = n.children as Kids;
    const subs = this.nodes(k, 'subscript').map((s) => this.subscript(s, range));
    const multi = subs.length > 1 || this.toks(k, 'Comma').length > 0;
    if (multi && subs.some((s) => s.type === 'Slice')) {
      return this.fail('EXPR_UNSUPPORTED', 'multi-dimensional slicing is not supported', nodeRange(n, range));
    }
    const index: ExprNode = multi ? { type: 'Tuple', elts: subs, range: nodeRange(n, range) } : subs[0]!;
    return { type: 'Subscript', value, index, range };
  }

  private subscript(n: CstNode, outer: Range): ExprNode {
    const k = n.children as Kids;
    const get = (label: string): ExprNode | null => {
      const c = this.nodes(k, label)[0];
      return c ? this.test(c) : null;
    };
    const lower = get('lower');
    if (!this.toks(k, 'colon1').length) {
      return lower ?? this.fail('EXPR_SYNTAX', 'empty subscript: put an index or a slice between [ and ]', nodeRange(n, outer));
    }
    return { type: 'Slice', lower, upper: get('upper'), step: get('step'), range: nodeRange(n, outer) };
  }

  atom(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const range = nodeRange(n);
    const sub = this.nodes(k, 'parenAtom')[0] ?? this.nodes(k, 'listAtom')[0] ?? this.nodes(k, 'braceAtom')[0];
    if (sub) {
      if (sub.name === 'parenAtom') return this.sequence(sub, 'paren');
      if (sub.name === 'listAtom') return this.sequence(sub, 'list');
      return this.brace(sub);
    }
    const tok = this.toks(k, 'Identifier')[0];
    if (tok) return { type: 'Name', id: tok.image, range };
    const int = this.toks(k, 'IntLiteral')[0];
    if (int) return this.intLiteral(int);
    const flt = this.toks(k, 'FloatLiteral')[0];
    if (flt) return this.floatLiteral(flt);
    const strs = this.toks(k, 'StringLiteral');
    if (strs.length) {
      let value = '';
      for (const s of strs) {
        const decoded = this.stringLiteral(s);
        if (decoded === null) return { type: 'Literal', value: null, range };
        value += decoded;
      }
      return { type: 'Literal', value, range };
    }
    if (this.toks(k, 'True').length) return { type: 'Literal', value: true, range };
    if (this.toks(k, 'False').length) return { type: 'Literal', value: false, range };
    return { type: 'Literal', value: null, range };
  }

  private sequence(n: CstNode, kind: 'paren' | 'list'): ExprNode {
    const range = nodeRange(n);
    const items = this.nodes(n.children as Kids, 'items')[0];
    if (!items) return { type: kind === 'list' ? 'List' : 'Tuple', elts: [], range };
    const k = items.children as Kids;
    const first = this.test(this.nodes(k, 'test')[0]!);
    const comp = this.nodes(k, 'compFor')[0];
    if (comp) {
      return { type: 'Comprehension', kind: kind === 'list' ? 'list' : 'generator', elt: first, generators: this.compFor(comp), range };
    }
    const elts = this.nodes(k, 'test').map((t, i) => (i === 0 ? first : this.test(t)));
    if (kind === 'list') return { type: 'List', elts, range };
    if (elts.length === 1 && !this.toks(k, 'trailing').length) return first;
    return { type: 'Tuple', elts, range };
  }

  private brace(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const range = nodeRange(n);
    const firstNode = this.nodes(k, 'first')[0];
    if (!firstNode) return { type: 'Dict', keys: [], values: [], range };
    const first = this.test(firstNode);
    if (this.toks(k, 'dictColon').length) {
      const firstValue = this.test(this.one(k, 'firstValue'));
      const comp = this.nodes(k, 'compFor')[0];
      if (comp) return { type: 'Comprehension', kind: 'dict', elt: first, value: firstValue, generators: this.compFor(comp), range };
      const keys = [first, ...this.nodes(k, 'keys').map((c) => this.test(c))];
      const values = [firstValue, ...this.nodes(k, 'values').map((c) => this.test(c))];
      return { type: 'Dict', keys, values, range };
    }
    const setComp = this.nodes(k, 'setComp')[0];
    if (setComp) return { type: 'Comprehension', kind: 'set', elt: first, generators: this.compFor(setComp), range };
    return { type: 'Set', elts: [first, ...this.nodes(k, 'elts').map((c) => this.test(c))], range };
  }

  private compFor(n: CstNode): CompGen[] {
    return this.nodes(n.children as Kids, 'compClause').map((c) => {
      const k = c.children as Kids;
      return {
        target: this.targetList(this.one(k, 'targetList')),
        iter: this.orTest(this.one(k, 'iter')),
        ifs: this.nodes(k, 'ifs').map((i) => this.orTest(i)),
      };
    });
  }

  private targetList(n: CstNode, asList = false): ExprNode {
    const k = n.children as Kids;
    const elts = this.nodes(k, 'target').map((t) => this.target(t));
    if (!asList && elts.length === 1 && !this.toks(k, 'trailing').length) return elts[0]!;
    return { type: asList ? 'List' : 'Tuple', elts, range: nodeRange(n) };
  }

  private target(n: CstNode): ExprNode {
    const k = n.children as Kids;
    const id = this.toks(k, 'Identifier')[0];
    if (id) return { type: 'Name', id: id.image, range: tokRange(id) };
    const tuple = this.nodes(k, 'tuple')[0];
    if (tuple) return this.targetList(tuple);
    return this.targetList(this.one(k, 'list'), true);
  }

  private intLiteral(t: IToken): ExprNode {
    const range = tokRange(t);
    const text = t.image.replace(/_/g, '');
    if (/^0\d/.test(text) && /[1-9]/.test(text)) {
      return this.fail('EXPR_SYNTAX', 'leading zeros in decimal integer literals are not permitted', range, "write 7, not 07 (use 0o7 for octal)");
    }
    const value = Number(text);
    if (!Number.isFinite(value)) return this.fail('EXPR_UNSUPPORTED', 'integer literal is too large', range);
    return { type: 'Literal', value, range };
  }

  private floatLiteral(t: IToken): ExprNode {
    const range = tokRange(t);
    if (/[jJ]$/.test(t.image)) return this.fail('EXPR_UNSUPPORTED', 'complex numbers are not supported', range);
    const value = Number(t.image.replace(/_/g, ''));
    // The AST is stored as JSON, which has no Infinity: make the author say it explicitly.
    if (!Number.isFinite(value)) return this.fail('EXPR_UNSUPPORTED', 'float literal is too large', range, "write float('inf') for infinity");
    return { type: 'Literal', value, float: true, range };
  }

  /** Decodes one Python string literal; null (with an issue recorded) for f-strings and bytes. */
  private stringLiteral(t: IToken): string | null {
    const range = tokRange(t);
    const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(t.image)!;
    const prefix = m[1]!.toLowerCase();
    if (prefix.includes('f')) {
      this.fail('EXPR_UNSUPPORTED', 'f-strings are not supported', range, "build the string with + and str(), e.g. 'n=' + str(n)");
      return null;
    }
    if (prefix.includes('b')) {
      this.fail('EXPR_UNSUPPORTED', 'bytes literals are not supported', range, 'use a normal string literal');
      return null;
    }
    if (!/^(r|u|)$/.test(prefix)) {
      this.fail('EXPR_SYNTAX', `invalid string prefix '${m[1]}'`, range);
      return null;
    }
    const q = m[2]!.length;
    const body = t.image.slice(m[0].length, t.image.length - q);
    if (prefix === 'r') return body;
    const out = decodeEscapes(body);
    if (out === null) {
      this.fail('EXPR_SYNTAX', 'invalid escape sequence in string literal', range, 'check \\x, \\u and \\U escapes');
    }
    return out;
  }
}

const byOffset = (a: IToken, b: IToken): number => a.startOffset - b.startOffset;

type CompareOp = Extract<ExprNode, { type: 'Compare' }>['ops'][number];

function compOp(k: Kids): CompareOp {
  const has = (name: string): boolean => (k[name]?.length ?? 0) > 0;
  if (has('Is')) return has('Not') ? 'is not' : 'is';
  if (has('In')) return has('Not') ? 'not in' : 'in';
  for (const [name, op] of [['EqEq', '=='], ['NotEq', '!='], ['LtEq', '<='], ['GtEq', '>='], ['Lt', '<'], ['Gt', '>']] as const) {
    if (has(name)) return op;
  }
  return '==';
}
