/** DESIGN §4: the production parser skips Chevrotain's self-checks for start-up time; here they run. */
import { describe, expect, it } from 'vitest';
import { ExprParser } from '../../../grammars/expr/parser.js';
import { parseExpression } from '../../../grammars/expr/index.js';

describe('X-2 grammar self-analysis', () => {
  it('the expression grammar passes Chevrotain validations (ambiguity, left recursion, unreachable alternatives)', () => {
    expect(() => new ExprParser({ validate: true })).not.toThrow();
  });
  it('the production parser (validations skipped) parses the same grammar', () => {
    expect(parseExpression('[x * 2 for x in xs if x > 0] if outputs.get("ok") else None').errors).toEqual([]);
  });
});
