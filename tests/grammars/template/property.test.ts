import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderTemplate, shellQuote, templateRefs } from '../../../grammars/template/index.js';

/** Minimal POSIX word reader for the output of shellQuote: '…' runs and bare characters. */
function unquote(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] === "'") {
      const end = word.indexOf("'", i + 1);
      out += word.slice(i + 1, end);
      i = end;
    } else if (word[i] === '"') {
      const end = word.indexOf('"', i + 1);
      out += word.slice(i + 1, end);
      i = end;
    } else out += word[i];
  }
  return out;
}

const TEXT = fc.string({ unit: fc.constantFrom(...'$${}ab_.1 -x'), maxLength: 40 });

describe('property: templates', () => {
  it('T-1: shellQuote round-trips through a POSIX reader and never leaves a metacharacter bare', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const q = shellQuote(s);
        expect(unquote(q)).toBe(s);
        if (!q.startsWith("'")) expect(q).toMatch(/^[A-Za-z0-9_@%+=:,./-]+$/);
      }),
      { numRuns: 500 },
    );
  });

  it('D-2: rendering never throws, and a template without $ renders unchanged', () => {
    fc.assert(
      fc.property(TEXT, fc.dictionary(fc.constantFrom('a', 'b', 'a_', 'x'), fc.jsonValue(), { maxKeys: 4 }), (text, values) => {
        const out = renderTemplate(text, values, { bound: new Set(Object.keys(values)), quote: 'shell' });
        expect(typeof out).toBe('string');
        if (!text.includes('$')) expect(out).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('T-1: with nothing bound, rendering only turns $$ into $', () => {
    fc.assert(
      fc.property(TEXT, (text) => {
        expect(renderTemplate(text, {}, { bound: new Set() })).toBe(text.replace(/\$\$/g, '$'));
      }),
      { numRuns: 500 },
    );
  });

  it('T-1: every reference range starts at a $ and names what follows it', () => {
    fc.assert(
      fc.property(TEXT, (text) => {
        for (const r of templateRefs(text)) {
          expect(text[r.range[0]]).toBe('$');
          expect(text.slice(r.range[0], r.range[1])).toContain(r.name);
        }
      }),
      { numRuns: 500 },
    );
  });
});
