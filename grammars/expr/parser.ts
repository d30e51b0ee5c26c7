/**
 * The CST parser of the expression language (SPEC X-2). The grammar is free of
 * semantics: precedence comes from rule layering exactly as in Python's grammar
 * (test → or → and → not → comparison → arith → term → factor → power → primary).
 * One instance is shared (`exprParser()`); reset it by assigning `.input`. It is built on
 * first use because self-analysis costs ~100 ms, which CLI commands without expressions
 * should not pay at startup.
 */
import { CstParser, EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';

const LABELS: Record<string, string> = {
  RParen: "')'", RBracket: "']'", RBrace: "'}'", LParen: "'('", LBracket: "'['", LBrace: "'{'",
  Colon: "':'", Comma: "','", Dot: "'.'", Assign: "'='", In: "'in'", Else: "'else'", For: "'for'",
  Identifier: 'a name', EOF: 'the end of the expression',
};

export function describeToken(tok: IToken): string {
  if (tok.tokenType === EOF) return 'the end of the expression';
  return `'${tok.image}'`;
}

const label = (t: TokenType): string => LABELS[t.name] ?? `'${t.name}'`;

/** Short, Python-like messages instead of Chevrotain's path listings. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${label(expected)} but found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `unexpected ${describeToken(firstRedundant)}: the expression should end before it`,
  buildNoViableAltMessage: ({ actual }) =>
    actual[0]?.tokenType === EOF
      ? "the expression ends too early: expected more after the last token"
      : `unexpected ${describeToken(actual[0]!)}`,
  buildEarlyExitMessage: ({ actual }) => `unexpected ${describeToken(actual[0]!)}`,
};

/** Tokens that may follow a trailing comma: a comma before them ends the list. */
const LIST_END = new Set<TokenType>([T.RParen, T.RBracket, T.RBrace, EOF, T.In, T.Assign, T.Colon]);

export class ExprParser extends CstParser {
  /**
   * `validate: false` skips Chevrotain's grammar self-checks (~50 ms at every CLI start that
   * parses an expression); tests/grammars/expr/grammar-validation.test.ts builds the parser
   * with them on, so a grammar mistake still fails the suite.
   */
  constructor(opts: { validate?: boolean } = {}) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 2,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: messages,
      skipValidations: opts.validate === false,
    });
    this.performSelfAnalysis();
  }

  private readonly moreItems = (): boolean => !LIST_END.has(this.LA(2).tokenType);

  public readonly expression = this.RULE('expression', () => {
    this.SUBRULE(this.test);
    this.MANY({ GATE: this.moreItems, DEF: () => { this.CONSUME(T.Comma); this.SUBRULE2(this.test); } });
    this.OPTION(() => this.CONSUME2(T.Comma, { LABEL: 'trailing' }));
  });

  public readonly test = this.RULE('test', () => {
    this.SUBRULE(this.orTest, { LABEL: 'body' });
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.SUBRULE2(this.orTest, { LABEL: 'cond' });
      this.CONSUME(T.Else);
      this.SUBRULE(this.test, { LABEL: 'orelse' });
    });
  });

  public readonly orTest = this.RULE('orTest', () => {
    this.SUBRULE(this.andTest);
    this.MANY(() => { this.CONSUME(T.Or); this.SUBRULE2(this.andTest); });
  });

  public readonly andTest = this.RULE('andTest', () => {
    this.SUBRULE(this.notTest);
    this.MANY(() => { this.CONSUME(T.And); this.SUBRULE2(this.notTest); });
  });

  public readonly notTest = this.RULE('notTest', () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Not); this.SUBRULE(this.notTest); } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  public readonly comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.arith);
    this.MANY(() => { this.SUBRULE(this.compOp); this.SUBRULE2(this.arith); });
  });

  public readonly compOp = this.RULE('compOp', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.EqEq) },
      { ALT: () => this.CONSUME(T.NotEq) },
      { ALT: () => this.CONSUME(T.LtEq) },
      { ALT: () => this.CONSUME(T.GtEq) },
      { ALT: () => this.CONSUME(T.Lt) },
      { ALT: () => this.CONSUME(T.Gt) },
      { ALT: () => this.CONSUME(T.In) },
      { ALT: () => { this.CONSUME(T.Not); this.CONSUME2(T.In); } },
      { ALT: () => { this.CONSUME(T.Is); this.OPTION(() => this.CONSUME2(T.Not)); } },
    ]);
  });

  public readonly arith = this.RULE('arith', () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) }]);
      this.SUBRULE2(this.term);
    });
  });

  public readonly term = this.RULE('term', () => {
    this.SUBRULE(this.factor);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.DoubleSlash, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: 'op' }) },
      ]);
      this.SUBRULE2(this.factor);
    });
  });

  public readonly factor = this.RULE('factor', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([{ ALT: () => this.CONSUME(T.Plus, { LABEL: 'op' }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: 'op' }) }]);
          this.SUBRULE(this.factor);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  public readonly power = this.RULE('power', () => {
    this.SUBRULE(this.primary);
    this.OPTION(() => { this.CONSUME(T.DoubleStar); this.SUBRULE(this.factor); });
  });

  public readonly primary = this.RULE('primary', () => {
    this.SUBRULE(this.atom);
    this.MANY(() => this.SUBRULE(this.trailer));
  });

  public readonly trailer = this.RULE('trailer', () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.LParen); this.OPTION(() => this.SUBRULE(this.argList)); this.CONSUME(T.RParen); } },
      { ALT: () => { this.CONSUME(T.LBracket); this.SUBRULE(this.subscriptList); this.CONSUME(T.RBracket); } },
      { ALT: () => { this.CONSUME(T.Dot); this.CONSUME(T.Identifier); } },
    ]);
  });

  public readonly argList = this.RULE('argList', () => {
    this.SUBRULE(this.argument);
    this.MANY({ GATE: this.moreItems, DEF: () => { this.CONSUME(T.Comma); this.SUBRULE2(this.argument); } });
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  public readonly argument = this.RULE('argument', () => {
    this.OR([
      { ALT: () => { this.CONSUME(T.Identifier, { LABEL: 'kw' }); this.CONSUME(T.Assign); this.SUBRULE(this.test, { LABEL: 'kwValue' }); } },
      { ALT: () => { this.SUBRULE2(this.test); this.OPTION(() => this.SUBRULE(this.compFor)); } },
    ]);
  });

  public readonly subscriptList = this.RULE('subscriptList', () => {
    this.SUBRULE(this.subscript);
    this.MANY({ GATE: this.moreItems, DEF: () => { this.CONSUME(T.Comma); this.SUBRULE2(this.subscript); } });
    this.OPTION2(() => this.CONSUME2(T.Comma));
  });

  public readonly subscript = this.RULE('subscript', () => {
    this.OPTION(() => this.SUBRULE(this.test, { LABEL: 'lower' }));
    this.OPTION2(() => {
      this.CONSUME(T.Colon, { LABEL: 'colon1' });
      this.OPTION3(() => this.SUBRULE2(this.test, { LABEL: 'upper' }));
      this.OPTION4(() => {
        this.CONSUME2(T.Colon, { LABEL: 'colon2' });
        this.OPTION5(() => this.SUBRULE3(this.test, { LABEL: 'step' }));
      });
    });
  });

  public readonly atom = this.RULE('atom', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.parenAtom) },
      { ALT: () => this.SUBRULE(this.listAtom) },
      { ALT: () => this.SUBRULE(this.braceAtom) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.IntLiteral) },
      { ALT: () => this.CONSUME(T.FloatLiteral) },
      { ALT: () => this.AT_LEAST_ONE(() => this.CONSUME(T.StringLiteral)) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.None) },
    ]);
  });

  /** `()`, `(x)`, `(x,)`, `(x, y)`, `(x for …)`. */
  public readonly parenAtom = this.RULE('parenAtom', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.items));
    this.CONSUME(T.RParen);
  });

  public readonly listAtom = this.RULE('listAtom', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => this.SUBRULE(this.items));
    this.CONSUME(T.RBracket);
  });

  /** Comma-separated tests or one test followed by a comprehension. */
  public readonly items = this.RULE('items', () => {
    this.SUBRULE(this.test);
    this.OR([
      { ALT: () => this.SUBRULE(this.compFor) },
      {
        ALT: () => {
          this.MANY({ GATE: this.moreItems, DEF: () => { this.CONSUME(T.Comma); this.SUBRULE2(this.test); } });
          this.OPTION(() => this.CONSUME2(T.Comma, { LABEL: 'trailing' }));
        },
      },
    ]);
  });

  /** `{}` (dict), `{k: v, …}`, `{k: v for …}`, `{x, …}` (set), `{x for …}`. */
  public readonly braceAtom = this.RULE('braceAtom', () => {
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.test, { LABEL: 'first' });
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Colon, { LABEL: 'dictColon' });
            this.SUBRULE2(this.test, { LABEL: 'firstValue' });
            this.OR2([
              { ALT: () => this.SUBRULE(this.compFor) },
              {
                ALT: () => {
                  this.MANY({
                    GATE: this.moreItems,
                    DEF: () => {
                      this.CONSUME(T.Comma);
                      this.SUBRULE3(this.test, { LABEL: 'keys' });
                      this.CONSUME2(T.Colon);
                      this.SUBRULE4(this.test, { LABEL: 'values' });
                    },
                  });
                  this.OPTION2(() => this.CONSUME2(T.Comma));
                },
              },
            ]);
          },
        },
        { ALT: () => this.SUBRULE2(this.compFor, { LABEL: 'setComp' }) },
        {
          ALT: () => {
            this.MANY2({ GATE: this.moreItems, DEF: () => { this.CONSUME3(T.Comma); this.SUBRULE5(this.test, { LABEL: 'elts' }); } });
            this.OPTION3(() => this.CONSUME4(T.Comma));
          },
        },
      ]);
    });
    this.CONSUME(T.RBrace);
  });

  /** One or more `for targets in iter (if cond)*` clauses. */
  public readonly compFor = this.RULE('compFor', () => {
    this.AT_LEAST_ONE(() => this.SUBRULE(this.compClause));
  });

  public readonly compClause = this.RULE('compClause', () => {
    this.CONSUME(T.For);
    this.SUBRULE(this.targetList);
    this.CONSUME(T.In);
    this.SUBRULE(this.orTest, { LABEL: 'iter' });
    this.MANY(() => { this.CONSUME(T.If); this.SUBRULE2(this.orTest, { LABEL: 'ifs' }); });
  });

  public readonly targetList = this.RULE('targetList', () => {
    this.SUBRULE(this.target);
    this.MANY({ GATE: this.moreItems, DEF: () => { this.CONSUME(T.Comma); this.SUBRULE2(this.target); } });
    this.OPTION(() => this.CONSUME2(T.Comma, { LABEL: 'trailing' }));
  });

  public readonly target = this.RULE('target', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.targetList, { LABEL: 'tuple' }); this.CONSUME(T.RParen); } },
      { ALT: () => { this.CONSUME(T.LBracket); this.SUBRULE2(this.targetList, { LABEL: 'list' }); this.CONSUME(T.RBracket); } },
    ]);
  });
}

let instance: ExprParser | undefined;
export function exprParser(): ExprParser {
  instance ??= new ExprParser({ validate: false });
  return instance;
}
