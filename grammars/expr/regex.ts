/**
 * Python `re` patterns → JavaScript RegExp, for regex_extract / regex_extract_last.
 * Translated: named groups `(?P<n>…)` and `(?P=n)`, `\A`, `\Z`, Python's `$` (which also
 * matches before a final newline) and leading inline flags `(?ims)`. Anything JS cannot
 * express is a ValueError naming the pattern.
 */
import { PyError } from './values.js';

const cache = new Map<string, RegExp>();

export function compilePython(pattern: string, extraFlags = ''): RegExp {
  const key = extraFlags + '\u0000' + pattern;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let flags = new Set(extraFlags);
  let src = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) {
      if (f === 'x') throw new PyError('ValueError', 'verbose regular expressions (?x) are not supported');
      if ('ims'.includes(f)) flags.add(f);
    }
  }
  const multiline = flags.has('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1] ?? '';
      if (!inClass && n === 'A') out += '^';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
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
    out += c;
  }
  flags.delete('x');
  flags = new Set([...flags].filter((f) => 'gimsy'.includes(f)));
  let re: RegExp;
  try {
    re = new RegExp(out, [...flags].join(''));
  } catch (e) {
    throw new PyError('ValueError', `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  if (cache.size > 200) cache.clear();
  cache.set(key, re);
  return re;
}
