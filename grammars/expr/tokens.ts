/**
 * Tokens of the expression language (SPEC X-2): a Python 3 expression subset.
 * Order matters: Chevrotain takes the FIRST pattern that matches, so longer operators
 * come before their prefixes, strings (which may carry an `f`/`r` prefix) before
 * identifiers, and keywords use `longer_alt` so `notes` stays an identifier.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f]+|\\\r?\n/, group: Lexer.SKIPPED });
/** Python comments cannot end an expression on one line, but multi-line YAML scalars may carry them. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });

// A string with an optional prefix (r, u, b, f and combinations). The visitor rejects b/f prefixes.
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern:
    /(?:[rRuUbBfF]{1,2})?(?:'''(?:[^\\]|\\[\s\S])*?'''|"""(?:[^\\]|\\[\s\S])*?"""|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*")/,
  start_chars_hint: ['r', 'R', 'u', 'U', 'b', 'B', 'f', 'F', "'", '"'],
  line_breaks: true,
});

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/ });

const keyword = (name: string, word: string): TokenType =>
  createToken({ name, pattern: new RegExp(word), longer_alt: Identifier });

export const And = keyword('And', 'and');
export const Or = keyword('Or', 'or');
export const Not = keyword('Not', 'not');
export const In = keyword('In', 'in');
export const Is = keyword('Is', 'is');
export const If = keyword('If', 'if');
export const Else = keyword('Else', 'else');
export const For = keyword('For', 'for');
export const True = keyword('True', 'True');
export const False = keyword('False', 'False');
export const None = keyword('None', 'None');
/** Recognised only to be rejected with EXPR_UNSUPPORTED. */
export const Lambda = keyword('Lambda', 'lambda');
export const Yield = keyword('Yield', 'yield');
export const Await = keyword('Await', 'await');

// Numbers: floats first (so `1.5` is not `1` `.5`), then based ints, then decimal ints.
export const FloatLiteral = createToken({
  name: 'FloatLiteral',
  pattern: /(?:\d(?:_?\d)*\.(?:\d(?:_?\d)*)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?|\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*[jJ]?|[jJ])/,
});
export const IntLiteral = createToken({
  name: 'IntLiteral',
  pattern: /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|\d(?:_?\d)*/,
});

// Operators. Longest first.
export const Walrus = createToken({ name: 'Walrus', pattern: /:=/ });
export const DoubleStar = createToken({ name: 'DoubleStar', pattern: /\*\*/ });
export const DoubleSlash = createToken({ name: 'DoubleSlash', pattern: /\/\// });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/ });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/ });
export const LtEq = createToken({ name: 'LtEq', pattern: /<=/ });
export const GtEq = createToken({ name: 'GtEq', pattern: />=/ });
/** Bitwise and matrix operators: lexed so the error can say "not supported" instead of "unexpected character". */
export const UnsupportedOp = createToken({ name: 'UnsupportedOp', pattern: /&&|\|\||<<|>>|->|[&|^~@;]/ });
export const Lt = createToken({ name: 'Lt', pattern: /</ });
export const Gt = createToken({ name: 'Gt', pattern: />/ });
export const Assign = createToken({ name: 'Assign', pattern: /=/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /]/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /}/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLiteral,
  And, Or, Not, In, Is, If, Else, For, True, False, None, Lambda, Yield, Await,
  Identifier,
  FloatLiteral,
  IntLiteral,
  Walrus, DoubleStar, DoubleSlash, EqEq, NotEq, LtEq, GtEq, UnsupportedOp,
  Lt, Gt, Assign, Plus, Minus, Star, Slash, Percent, Dot, Comma, Colon,
  LParen, RParen, LBracket, RBracket, LBrace, RBrace,
];

let lexer: Lexer | undefined;
/** Built on first use, like the parser. */
export function exprLexer(): Lexer {
  lexer ??= new Lexer(allTokens, { ensureOptimizations: true, positionTracking: 'full' });
  return lexer;
}
