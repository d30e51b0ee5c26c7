/**
 * Stand-in for `grammars/template` (renderTemplate / shellQuote / renderValue) until that
 * module lands; the signatures are the agreed ones, so switching is a one-line re-export.
 *
 * Semantics (SPEC T-1 with DESIGN D-1, D-2): one left-to-right pass, substituted text is never
 * scanned again; `$$` → `$`; `$name`, `${name}` and `$name.key` (one level into an object input)
 * substitute when `name` is bound; a bound name whose value is null or absent renders "" (D-1);
 * an unbound `$name` and a `$` not followed by an identifier stay literal.
 */
export interface RenderOptions {
  /** Names that are inputs of the step (present or not): only these substitute. */
  bound: Set<string>;
  /** `shell` quotes every substituted value with POSIX rules (T-1 `command`, `check_command`). */
  quote: 'shell' | 'none';
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const SAFE_UNQUOTED = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** shlex.quote: safe words unquoted, empty → `''`, else single-quoted with `'` → `'"'"'`. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SAFE_UNQUOTED.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Python `str()` of a JSON scalar: True/False, 1.5, 1e-07. */
export function pythonStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pythonNumber(v);
  return String(v);
}

function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // JSON integers are Python ints: plain digits at any size (JS would write 1e+21).
  if (Number.isInteger(n)) return Object.is(n, -0) ? '0' : BigInt(n).toString();
  // Python repr switches to exponent form below 1e-4 and writes two exponent digits (1e-05).
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e < -4) return `${mantissa}e-${String(-e).padStart(2, '0')}`;
  return String(n);
}

/** Python `json.dumps(v)` with its default `", "` and `": "` separators (nested `$name.key` values). */
export function pythonJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  if (typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pythonJson(x)}`);
    return `{${parts.join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** A value as text in a template: strings raw, null/absent "" (D-1), objects/arrays JSON indented 2, others Python str. */
export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return pythonStr(v);
}

/** `$name.key` entry of an object input: string raw, null "", nested JSON, others Python str (T-1). */
function renderMember(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return pythonJson(v);
  return pythonStr(v);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function identAt(text: string, pos: number): string | null {
  IDENT.lastIndex = pos;
  const m = IDENT.exec(text);
  return m ? m[0] : null;
}

export function renderTemplate(text: string, values: Record<string, unknown>, opts: RenderOptions): string {
  const emit = (s: string): string => (opts.quote === 'shell' ? shellQuote(s) : s);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const name = identAt(text, dollar + 2);
      if (name !== null && text[dollar + 2 + name.length] === '}' && opts.bound.has(name)) {
        out += emit(renderValue(values[name]));
        i = dollar + 3 + name.length;
        continue;
      }
      out += '$';
      i = dollar + 1;
      continue;
    }
    const name = identAt(text, dollar + 1);
    if (name === null || !opts.bound.has(name)) {
      out += name === null ? '$' : `$${name}`;
      i = dollar + 1 + (name?.length ?? 0);
      continue;
    }
    const end = dollar + 1 + name.length;
    const value = values[name];
    if (text[end] === '.' && isPlainObject(value)) {
      const key = identAt(text, end + 1);
      if (key !== null && Object.prototype.hasOwnProperty.call(value, key)) {
        out += emit(renderMember(value[key]));
        i = end + 1 + key.length;
        continue;
      }
    }
    out += emit(renderValue(value));
    i = end;
  }
  return out;
}
