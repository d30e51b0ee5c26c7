/**
 * Template rendering in ONE pass (D-2): `$$` → `$`, `$name`/`${name}` → the rendered value
 * of a bound name (null/absent → "", D-1), unbound names stay literal, and substituted
 * text is never scanned again. `$name.key` reaches the longest matching key of an object
 * value (T-1). With `quote: 'shell'` each substituted value is shell-quoted (T-1, S-2);
 * with `mustache: true`, `{{name}}` is substituted too (T-2).
 */
import { renderValue } from './render-value.js';
import { shellQuote } from './shell-quote.js';
import { refAt } from './template-refs.js';

export interface RenderOptions {
  /** Names the step binds. A bound name whose value is null or absent renders "" (D-1). A name not bound stays literal (`$nope`). */
  bound: ReadonlySet<string>;
  /** 'shell' POSIX-quotes each substituted value (shlex.quote rules, T-1) — for `command`/`check_command`. */
  quote?: 'shell' | 'none';
  /** Also replace `{{name}}` (T-2 Stage B for llm/agent/external prompts). */
  mustache?: boolean;
}

const MUSTACHE = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/y;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A key's value inside `$name.key`: strings raw, null → "", nested → JSON, else Python str. */

export function renderTemplate(text: string, values: Record<string, unknown>, opts: RenderOptions): string {
  if (typeof text !== 'string') return '';
  const quote = opts.quote === 'shell' ? shellQuote : (s: string): string => s;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (opts.mustache && text[i] === '{') {
      MUSTACHE.lastIndex = i;
      const m = MUSTACHE.exec(text);
      if (m && opts.bound.has(m[1]!)) {
        out += quote(renderValue(Object.hasOwn(values, m[1]!) ? values[m[1]!] : undefined));
        i += m[0].length;
        continue;
      }
    }
    const ref = refAt(text, i);
    if (!ref) {
      // `$$` is one literal `$`; any other character (including a lone `$`) is itself.
      const esc = text[i] === '$' && text[i + 1] === '$';
      out += text[i];
      i += esc ? 2 : 1;
      continue;
    }
    i = ref.end;
    if (!opts.bound.has(ref.name)) {
      out += text.slice(ref.start, ref.end);
      continue;
    }
    const value = Object.hasOwn(values, ref.name) ? values[ref.name] : undefined;
    if (!ref.braced && isObject(value) && text[i] === '.') {
      const key = longestKey(value, text, i + 1);
      if (key !== null) {
        out += quote(renderValue(Object.getOwnPropertyDescriptor(value, key)?.value));
        i += 1 + key.length;
        continue;
      }
    }
    out += quote(renderValue(value));
  }
  return out;
}

/** The longest own key of `obj` that the text at `at` starts with (T-1: longest first). */
function longestKey(obj: Record<string, unknown>, text: string, at: number): string | null {
  let best: string | null = null;
  for (const k of Object.keys(obj)) {
    if (k.length > 0 && text.startsWith(k, at) && (best === null || k.length > best.length)) best = k;
  }
  return best;
}
