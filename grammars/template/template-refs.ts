/**
 * The `$name` references of a template (T-1): `$name`, `${name}` and `$name.key`.
 * `$$` is an escaped dollar, and a `$` not followed by an identifier is literal text.
 */
import type { Range } from '../expr/index.js';

export interface TemplateRef {
  name: string;
  /** The identifier after `$name.` — the key the reference may reach (resolved at render). */
  key?: string;
  range: Range;
  braced: boolean;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const BRACED = /\{([A-Za-z_][A-Za-z0-9_]*)\}/y;
const KEY = /\.([A-Za-z_][A-Za-z0-9_]*)/y;

/** The reference starting at `i` (a `$` not preceded by an escaping `$`), or null. */
export function refAt(text: string, i: number): { name: string; braced: boolean; start: number; end: number } | null {
  if (text[i] !== '$') return null;
  BRACED.lastIndex = i + 1;
  const braced = BRACED.exec(text);
  if (braced) return { name: braced[1]!, braced: true, start: i, end: i + 1 + braced[0].length };
  IDENT.lastIndex = i + 1;
  const bare = IDENT.exec(text);
  return bare ? { name: bare[0], braced: false, start: i, end: i + 1 + bare[0].length } : null;
}

/** With `mustache: true`, `{{name}}` references (T-2) are listed too, as braced refs. */
export function templateRefs(text: string, opts: { mustache?: boolean } = {}): TemplateRef[] {
  if (typeof text !== 'string') return [];
  const refs: TemplateRef[] = [];
  if (opts.mustache) {
    for (const m of text.matchAll(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g)) {
      refs.push({ name: m[1]!, range: [m.index!, m.index! + m[0].length], braced: true });
    }
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') continue;
    if (text[i + 1] === '$') {
      i++;
      continue;
    }
    const p = refAt(text, i);
    if (!p) continue;
    let end = p.end;
    let key: string | undefined;
    if (!p.braced) {
      KEY.lastIndex = p.end;
      const k = KEY.exec(text);
      if (k) {
        key = k[1]!;
        end = p.end + k[0].length;
      }
    }
    refs.push(key === undefined ? { name: p.name, range: [p.start, end], braced: p.braced } : { name: p.name, key, range: [p.start, end], braced: p.braced });
    i = p.end - 1;
  }
  return opts.mustache ? refs.sort((a, b) => a.range[0] - b.range[0]) : refs;
}
