/**
 * `parseExpression(text)`: text → `{ast, errors}`, never throws (DESIGN §4).
 * Cheap guards run before the Chevrotain parser so hostile input cannot overflow the
 * stack: a length cap, a token-level nesting estimate, and an AST depth check after.
 */
import type { IToken, TokenType } from 'chevrotain';
import type { ExprNode, Range } from './ast.js';
import { exprParser } from './parser.js';
import { AstBuilder } from './to-ast.js';
import * as T from './tokens.js';

export interface ExprError { code: string; message: string; range: Range; hint?: string }
export type ParseResult = { ast: ExprNode | null; errors: ExprError[] };

/** Longest accepted expression text, in characters (100 KB). */
export const MAX_EXPRESSION_LENGTH = 100 * 1024;
/** Deepest accepted nesting of brackets and prefix operators. Chevrotain needs ~40 stack frames per
 * bracket level and overflows a default Node stack near 100 levels, so stay well below that. */
export const MAX_NESTING = 50;
/** Deepest accepted AST (long `a + b + …` chains are deep trees even without brackets). */
export const MAX_AST_DEPTH = 1000;
const MAX_ERRORS = 20;

const UNSUPPORTED: ReadonlyMap<TokenType, [string, string]> = new Map([
  [T.Lambda, ['lambda expressions are not supported', 'use a comprehension or a builtin such as sorted(xs, key=d.get)']],
  [T.Yield, ["'yield' is not supported in expressions", 'expressions cannot contain yield']],
  [T.Await, ["'await' is not supported in expressions", 'expressions cannot contain await']],
  [T.Walrus, ["assignment expressions (':=') are not supported", 'expressions cannot assign names']],
]);

const OPERATOR_ADVICE: Record<string, [string, string]> = {
  '&&': ["'&&' is not Python", "use 'and'"],
  '||': ["'||' is not Python", "use 'or'"],
  ';': ["';' is not allowed: write a single expression", 'combine conditions with and/or'],
  '->': ["'->' is not allowed in an expression", 'remove the annotation'],
};
/** After these, `*`/`**` would be unpacking (`f(*xs)`, `[*a]`, `{**d}`), not multiplication. */
const STAR_CONTEXT = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace, T.Comma, T.Colon]);
const OPENERS = new Set<TokenType>([T.LParen, T.LBracket, T.LBrace]);
const CLOSERS = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace]);
/** After these tokens a `-`/`+` is binary; anywhere else it is a (recursive) prefix operator. */
const OPERAND_END = new Set<TokenType>([T.Identifier, T.IntLiteral, T.FloatLiteral, T.StringLiteral, T.True, T.False, T.None, T.RParen, T.RBracket, T.RBrace]);

const tokRange = (t: IToken): Range => [t.startOffset, (t.endOffset ?? t.startOffset) + 1];

export function parseExpression(text: string): ParseResult {
  try {
    return parseUnsafe(text);
  } catch (e) {
    // Last line of defence: nothing escapes the public API.
    const deep = e instanceof RangeError;
    return {
      ast: null,
      errors: [{
        code: deep ? 'EXPR_TOO_DEEP' : 'EXPR_SYNTAX',
        message: deep ? 'expression is nested too deeply' : `could not parse the expression: ${String(e)}`,
        range: [0, typeof text === 'string' ? text.length : 0],
      }],
    };
  }
}

function parseUnsafe(text: string): ParseResult {
  if (typeof text !== 'string') return { ast: null, errors: [{ code: 'EXPR_SYNTAX', message: 'expression must be a string', range: [0, 0] }] };
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return {
      ast: null,
      errors: [{ code: 'EXPR_TOO_LONG', message: `expression is ${text.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`, range: [0, text.length], hint: 'compute large values in a script step instead' }],
    };
  }
  if (text.trim() === '') return { ast: null, errors: [{ code: 'EXPR_SYNTAX', message: 'empty expression', range: [0, text.length], hint: 'write an expression such as outputs.ok == True' }] };

  // Unterminated strings make the regex lexer rescan the rest of the text at every
  // following quote (quadratic); find them in one linear pass first.
  const open = unterminatedString(text);
  if (open !== null) {
    return { ast: null, errors: [{ code: 'EXPR_SYNTAX', message: 'unterminated string literal', range: [open, text.length], hint: 'close the string with the quote it was opened with' }] };
  }
  const lexed = T.exprLexer().tokenize(text);
  // Cap the list: a report of thousands of errors helps nobody and costs time.
  const errors: ExprError[] = lexed.errors.slice(0, MAX_ERRORS).map((e) => lexError(text, e.offset, e.length));
  errors.push(...precheck(lexed.tokens));
  if (errors.length) return { ast: null, errors };

  const parser = exprParser();
  parser.input = lexed.tokens;
  const cst = parser.expression();
  if (parser.errors.length) {
    for (const e of parser.errors.slice(0, MAX_ERRORS)) {
      const range: Range = Number.isFinite(e.token.startOffset) ? tokRange(e.token) : [text.length, text.length];
      const hint = syntaxHint(e.message);
      errors.push(hint ? { code: 'EXPR_SYNTAX', message: e.message, range, hint } : { code: 'EXPR_SYNTAX', message: e.message, range });
    }
    return { ast: null, errors };
  }
  const builder = new AstBuilder();
  const ast = builder.expression(cst);
  if (builder.issues.length) return { ast: null, errors: builder.issues };
  if (astDepth(ast) > MAX_AST_DEPTH) {
    return { ast: null, errors: [{ code: 'EXPR_TOO_DEEP', message: `expression is nested more than ${MAX_AST_DEPTH} levels deep`, range: [0, text.length], hint: 'split it into derived outputs or a script step' }] };
  }
  return { ast, errors: [] };
}

/** Offset of the first string literal that never closes (Python rules), or null. */
export function unterminatedString(text: string): number | null {
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return null;
      i = nl + 1;
      continue;
    }
    if (c !== "'" && c !== '"') {
      i++;
      continue;
    }
    const start = i;
    const triple = text.startsWith(c.repeat(3), i);
    i += triple ? 3 : 1;
    for (;;) {
      if (i >= text.length) return start;
      const d = text[i]!;
      if (d === '\\') {
        i += 2;
        continue;
      }
      if (!triple && d === '\n') return start;
      if (d === c && (!triple || text.startsWith(c.repeat(3), i))) {
        i += triple ? 3 : 1;
        break;
      }
      i++;
    }
  }
  return null;
}

function lexError(text: string, offset: number, length: number): ExprError {
  const ch = text[offset] ?? '';
  const range: Range = [offset, offset + Math.max(1, length)];
  if (ch === "'" || ch === '"' || /^[rRuUbBfF]{1,2}['"]/.test(text.slice(offset, offset + 3))) {
    return { code: 'EXPR_SYNTAX', message: 'unterminated string literal', range, hint: 'close the string with the quote it was opened with' };
  }
  if (ch === '!') return { code: 'EXPR_SYNTAX', message: "unexpected '!'", range, hint: "use 'not x' for negation and '!=' for inequality" };
  return { code: 'EXPR_SYNTAX', message: `unexpected character '${ch}'`, range };
}

function syntaxHint(message: string): string | undefined {
  if (message.includes("'='")) return "use '==' to compare values; expressions cannot assign";
  if (message.includes('end of the expression') || message.includes('ends too early')) return 'the expression looks incomplete';
  return undefined;
}

/** Unsupported syntax and a nesting estimate, both from the token stream alone. */
function precheck(tokens: IToken[]): ExprError[] {
  const errors: ExprError[] = [];
  // One entry per open bracket: the prefix operators still "open" (recursing) at that level.
  const levels: Nesting[] = [{ arith: 0, not: 0, cond: 0 }];
  let prefixTotal = 0;
  let prev: TokenType | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const type = t.tokenType;
    const unsupported = UNSUPPORTED.get(type);
    if (unsupported) errors.push({ code: 'EXPR_UNSUPPORTED', message: unsupported[0], range: tokRange(t), hint: unsupported[1] });
    if (type === T.UnsupportedOp) {
      const [message, hint] = OPERATOR_ADVICE[t.image] ?? [`operator '${t.image}' is not supported`, 'bitwise and matrix operators are not part of the expression language'];
      errors.push({ code: 'EXPR_UNSUPPORTED', message, range: tokRange(t), hint });
    }
    if ((type === T.Star || type === T.DoubleStar) && (!prev || STAR_CONTEXT.has(prev))) {
      errors.push({ code: 'EXPR_UNSUPPORTED', message: `unpacking with '${t.image}' is not supported`, range: tokRange(t), hint: 'pass the collection itself, e.g. sum(xs), list(xs) or dict(d)' });
    }
    if (OPENERS.has(type)) {
      levels.push({ arith: 0, not: 0, cond: 0 });
    } else if (CLOSERS.has(type)) {
      if (levels.length > 1) prefixTotal -= total(levels.pop()!);
    } else {
      const level = levels[levels.length - 1]!;
      const before = total(level);
      nest(level, type, prev, tokens[i + 1]?.tokenType);
      prefixTotal += total(level) - before;
    }
    const depth = levels.length - 1 + Math.ceil(prefixTotal / PREFIX_PER_LEVEL);
    if (depth > MAX_NESTING) {
      errors.push({ code: 'EXPR_TOO_DEEP', message: `expression is nested more than ${MAX_NESTING} levels deep`, range: tokRange(t), hint: 'simplify it or move the logic into a script step' });
      break;
    }
    prev = type;
  }
  return errors;
}

/**
 * Prefix constructs that make the parser recurse, counted until the construct ends:
 * unary +/- and `**` (until a lower-precedence operator), `not` (until and/or), and
 * conditional `if … else` chains (until a comma, colon or `for`).
 */
type Nesting = { arith: number; not: number; cond: number };
const total = (n: Nesting): number => n.arith + n.not + n.cond;
/** A bracket level costs about as much parser stack as this many prefix operators. */
const PREFIX_PER_LEVEL = 4;
const ARITH_END = new Set<TokenType>([T.Star, T.Slash, T.DoubleSlash, T.Percent, T.EqEq, T.NotEq, T.Lt, T.LtEq, T.Gt, T.GtEq, T.In, T.Is]);
const CLAUSE_END = new Set<TokenType>([T.Comma, T.Colon, T.For]);

function nest(level: Nesting, type: TokenType, prev: TokenType | undefined, next: TokenType | undefined): void {
  if (CLAUSE_END.has(type)) {
    level.arith = level.not = level.cond = 0;
  } else if (type === T.And || type === T.Or) {
    level.arith = level.not = 0;
  } else if (type === T.If) {
    level.arith = level.not = 0;
    level.cond += 1;
  } else if (type === T.Else) {
    level.arith = level.not = 0;
  } else if (type === T.Not) {
    if (next === T.In) level.arith = 0; // `not in` is a comparison
    else level.not += 1;
  } else if (type === T.DoubleStar) {
    level.arith += 1;
  } else if (type === T.Minus || type === T.Plus) {
    if (prev && OPERAND_END.has(prev)) level.arith = 0; // binary
    else level.arith += 1;
  } else if (ARITH_END.has(type)) {
    level.arith = 0;
  }
}

/** Iterative, so measuring a hostile tree cannot itself overflow. */
export function astDepth(root: ExprNode): number {
  let max = 0;
  const stack: [ExprNode, number][] = [[root, 1]];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_AST_DEPTH) return d;
    for (const c of childNodes(node)) stack.push([c, d + 1]);
  }
  return max;
}

export function childNodes(n: ExprNode): ExprNode[] {
  switch (n.type) {
    case 'Literal': case 'Name': return [];
    case 'List': case 'Tuple': case 'Set': return n.elts;
    case 'Dict': return [...n.keys, ...n.values];
    case 'Attribute': return [n.value];
    case 'Subscript': return [n.value, n.index];
    case 'Slice': return [n.lower, n.upper, n.step].filter((x): x is ExprNode => x !== null);
    case 'Call': return [n.func, ...n.args, ...n.keywords.map((k) => k.value)];
    case 'Unary': return [n.operand];
    case 'Binary': return [n.left, n.right];
    case 'BoolOp': return n.values;
    case 'Compare': return [n.left, ...n.comparators];
    case 'IfExp': return [n.test, n.body, n.orelse];
    case 'Comprehension':
      return [n.elt, ...(n.value ? [n.value] : []), ...n.generators.flatMap((g) => [g.target, g.iter, ...g.ifs])];
  }
}
