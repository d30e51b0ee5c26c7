/**
 * Python `re` patterns → JavaScript RegExp, for regex_extract / regex_extract_last.
 * Python's str patterns are Unicode-aware, so the translation uses the `u` flag and spells
 * out `\w`, `\d`, `\b` with Unicode properties. Also translated: named groups `(?P<n>…)`
 * and `(?P=n)`, `\A`, `\Z`, Python's `$` (which also matches before a final newline),
 * leading inline flags `(?aims)`, braces that are not quantifiers (literal in Python) and
 * escaped punctuation. If the Unicode form does not compile, the plain form is tried.
 */
import { PyError } from './values.js';

const cache = new Map<string, RegExp>();

const WORD = '\\p{L}\\p{N}_';
const BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
/** Characters JS allows after a backslash in `u` mode as identity escapes. */
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const QUANTIFIER = /^\{(?:\d+|\d+,\d*|,\d+)\}/;

export function compilePython(pattern: string, extraFlags = ''): RegExp {
  const key = extraFlags + '\u0000' + pattern;
  const hit = cache.get(key);
  if (hit) return hit;
  const flags = new Set(extraFlags);
  let src = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) {
      if (f === 'x') throw new PyError('ValueError', 'verbose regular expressions (?x) are not supported');
      if ('ims'.includes(f)) flags.add(f);
    }
  }
  const flagStr = [...flags].filter((f) => 'gims'.includes(f)).join('');
  let re: RegExp;
  try {
    re = new RegExp(translate(src, flags.has('m'), true), flagStr + 'u');
  } catch {
    try {
      re = new RegExp(translate(src, flags.has('m'), false), flagStr);
    } catch (e) {
      throw new PyError('ValueError', `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
  if (cache.size > 200) cache.clear();
  cache.set(key, re);
  return re;
}

function translate(src: string, multiline: boolean, unicode: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      i++;
      out += escape(n, inClass, unicode);
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[' && unicode) {
        out += '\\[';
        continue;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i]; // `[]a]`: a literal ] first in a class
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const back = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (back) {
      out += `\\k<${back[1]}>`;
      i += back[0].length - 1;
      continue;
    }
    if (c === '$' && !multiline) {
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    if (c === '{') {
      // Python reads a brace that does not start a quantifier as a literal.
      const q = QUANTIFIER.exec(src.slice(i));
      if (q) {
        out += q[0];
        i += q[0].length - 1;
      } else out += '\\{';
      continue;
    }
    if (c === '}' || c === ']') {
      out += '\\' + c;
      continue;
    }
    out += c;
  }
  return out;
}

function escape(n: string, inClass: boolean, unicode: boolean): string {
  if (!inClass && n === 'A') return '^';
  if (!inClass && n === 'Z') return '(?![\\s\\S])';
  if (!unicode) return '\\' + n;
  switch (n) {
    case 'w': return inClass ? WORD : `[${WORD}]`;
    case 'W': return inClass ? '\\W' : `[^${WORD}]`;
    case 'd': return '\\p{Nd}';
    case 'D': return '\\P{Nd}';
    case 'b': return inClass ? '\\b' : BOUNDARY;
    case 'B': return inClass ? '\\B' : NOT_BOUNDARY;
  }
  if (/[A-Za-z0-9]/.test(n) || n === '') return '\\' + n;
  if (SYNTAX.has(n) || (inClass && n === '-')) return '\\' + n;
  // Python allows escaping any punctuation; `u`-mode JS does not, so write it plainly.
  return n;
}
