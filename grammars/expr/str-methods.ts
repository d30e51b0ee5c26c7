/**
 * The whitelisted methods of `str`: Python's behaviour and error messages for the
 * methods flows use (strip/split/join/startswith/replace/find/title/format…). None mutate.
 */
import { bindArgs, intArg, noKwargs, strArg } from './args.js';
import { toArray } from './iterate.js';
import { formatString } from './str-format.js';
import { type CallContext, checkSize, codePoints, type Kwargs, PyTuple, strLen, typeError, typeName, valueError } from './values.js';

type Method<S> = (self: S, args: unknown[], kwargs: Kwargs, ctx: CallContext) => unknown;

const WS = ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const isWs = (c: string): boolean => WS.includes(c);

function stripWith(s: string, chars: unknown, left: boolean, right: boolean, fname: string): string {
  const set = chars === undefined || chars === null ? null : strArg(fname, chars);
  const strip = (c: string): boolean => (set === null ? isWs(c) : set.includes(c));
  const cps = codePoints(s);
  let i = 0;
  let j = cps.length;
  if (left) while (i < j && strip(cps[i]!)) i++;
  if (right) while (j > i && strip(cps[j - 1]!)) j--;
  return cps.slice(i, j).join('');
}

function splitWs(s: string, max: number): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  for (;;) {
    while (i < n && isWs(s[i]!)) i++;
    if (i >= n) break;
    if (max >= 0 && out.length === max) {
      out.push(s.slice(i));
      break;
    }
    let j = i;
    while (j < n && !isWs(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function rsplitWs(s: string, max: number): string[] {
  const out: string[] = [];
  let j = s.length;
  for (;;) {
    while (j > 0 && isWs(s[j - 1]!)) j--;
    if (j <= 0) break;
    if (max >= 0 && out.length === max) {
      out.unshift(s.slice(0, j));
      break;
    }
    let i = j;
    while (i > 0 && !isWs(s[i - 1]!)) i--;
    out.unshift(s.slice(i, j));
    j = i;
  }
  return out;
}

function splitArgs(fname: string, args: unknown[], kwargs: Kwargs): [string | null, number] {
  const [sep, max] = bindArgs(fname, args, kwargs, ['sep', 'maxsplit'], 0);
  const m = max === undefined ? -1 : intArg(fname, max);
  if (sep === undefined || sep === null) return [null, m];
  const s = strArg(fname, sep, 'separator');
  if (s === '') throw valueError('empty separator');
  return [s, m];
}

function affix(self: string, args: unknown[], kwargs: Kwargs, fname: string, test: (s: string, p: string) => boolean): boolean {
  noKwargs(fname, kwargs);
  const [p, start, end] = bindArgs(fname, args, new Map(), ['prefix', 'start', 'end'], 1);
  const cps = codePoints(self);
  const from = start === undefined || start === null ? 0 : normBound(intArg(fname, start), cps.length);
  const to = end === undefined || end === null ? cps.length : normBound(intArg(fname, end), cps.length);
  const sub = cps.slice(from, to).join('');
  const options = p instanceof PyTuple ? p.items : [p];
  return options.some((o) => {
    if (typeof o !== 'string') throw typeError(`${fname} first arg must be str or a tuple of str, not ${typeName(o)}`);
    return test(sub, o);
  });
}
export const normBound = (i: number, len: number): number => (i < 0 ? Math.max(0, i + len) : Math.min(i, len));

function search(self: string, args: unknown[], kwargs: Kwargs, fname: string, fromRight: boolean): number {
  noKwargs(fname, kwargs);
  const [sub, start, end] = bindArgs(fname, args, new Map(), ['sub', 'start', 'end'], 1);
  const needle = strArg(fname, sub);
  const cps = codePoints(self);
  const from = start === undefined || start === null ? 0 : normBound(intArg(fname, start), cps.length);
  const to = end === undefined || end === null ? cps.length : normBound(intArg(fname, end), cps.length);
  const hay = cps.slice(from, to).join('');
  const idx = fromRight ? hay.lastIndexOf(needle) : hay.indexOf(needle);
  if (idx < 0 || to - from < strLen(needle)) return -1;
  return from + strLen(hay.slice(0, idx));
}

/** Unicode titlecase of one character (JS has only upper/lower): ß → Ss, ǆ → ǅ. */
const TITLE_DIGRAPHS: Record<string, string> = { Ǆ: 'ǅ', ǅ: 'ǅ', ǆ: 'ǅ', Ǉ: 'ǈ', ǈ: 'ǈ', ǉ: 'ǈ', Ǌ: 'ǋ', ǋ: 'ǋ', ǌ: 'ǋ', Ǳ: 'ǲ', ǲ: 'ǲ', ǳ: 'ǲ' };
function titleChar(c: string): string {
  const digraph = TITLE_DIGRAPHS[c];
  if (digraph) return digraph;
  const upper = [...c.toUpperCase()];
  return upper[0]! + upper.slice(1).join('').toLowerCase();
}

const test = (re: RegExp) => (s: string): boolean => s.length > 0 && re.test(s);
const cased = (s: string): boolean => /\p{Ll}|\p{Lu}|\p{Lt}/u.test(s);

function pad(self: string, args: unknown[], kwargs: Kwargs, fname: string, where: 'left' | 'right' | 'center'): string {
  const [w, f] = bindArgs(fname, args, kwargs, ['width', 'fillchar'], 1);
  const width = intArg(fname, w);
  checkSize(width, 'string');
  const fill = f === undefined ? ' ' : strArg(fname, f);
  if (strLen(fill) !== 1) throw typeError('The fill character must be exactly one character long');
  const len = strLen(self);
  const total = Math.max(0, width - len);
  if (where === 'left') return self + fill.repeat(total);
  if (where === 'right') return fill.repeat(total) + self;
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + self + fill.repeat(total - left);
}

export const STR_METHODS: Record<string, Method<string>> = {
  lower: (s, a, k) => (bindArgs('lower', a, k, []), s.toLowerCase()),
  upper: (s, a, k) => (bindArgs('upper', a, k, []), s.toUpperCase()),
  casefold: (s, a, k) => (bindArgs('casefold', a, k, []), s.toLowerCase().replace(/ß/g, 'ss')),
  swapcase: (s, a, k) => {
    bindArgs('swapcase', a, k, []);
    return [...s].map((c) => (/\p{Lu}/u.test(c) ? c.toLowerCase() : /\p{Ll}/u.test(c) ? c.toUpperCase() : c)).join('');
  },
  capitalize: (s, a, k) => {
    bindArgs('capitalize', a, k, []);
    const cps = codePoints(s);
    return cps.length ? titleChar(cps[0]!) + cps.slice(1).join('').toLowerCase() : '';
  },
  title: (s, a, k) => {
    bindArgs('title', a, k, []);
    let prevCased = false;
    let out = '';
    for (const c of s) {
      const isCased = cased(c);
      out += isCased ? (prevCased ? c.toLowerCase() : titleChar(c)) : c;
      prevCased = isCased;
    }
    return out;
  },
  strip: (s, a, k) => stripWith(s, bindArgs('strip', a, k, ['chars'], 0)[0], true, true, 'strip'),
  lstrip: (s, a, k) => stripWith(s, bindArgs('lstrip', a, k, ['chars'], 0)[0], true, false, 'lstrip'),
  rstrip: (s, a, k) => stripWith(s, bindArgs('rstrip', a, k, ['chars'], 0)[0], false, true, 'rstrip'),
  split: (s, a, k) => {
    const [sep, max] = splitArgs('split', a, k);
    if (sep === null) return splitWs(s, max);
    const parts = s.split(sep);
    return max >= 0 && parts.length > max + 1 ? [...parts.slice(0, max), parts.slice(max).join(sep)] : parts;
  },
  rsplit: (s, a, k) => {
    const [sep, max] = splitArgs('rsplit', a, k);
    if (sep === null) return rsplitWs(s, max);
    const parts = s.split(sep);
    return max >= 0 && parts.length > max + 1 ? [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)] : parts;
  },
  splitlines: (s, a, k) => {
    const [keep] = bindArgs('splitlines', a, k, ['keepends'], 0);
    const parts = s.split(/(\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])/);
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const line = parts[i]!;
      const end = parts[i + 1];
      if (end === undefined && line === '') break;
      out.push(keep === true ? line + (end ?? '') : line);
    }
    return out;
  },
  join: (s, a, k, ctx) => {
    const [it] = bindArgs('join', a, k, ['iterable']);
    const items = toArray(it, ctx);
    let size = 0;
    items.forEach((x, i) => {
      if (typeof x !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
      size += x.length + s.length;
    });
    checkSize(size, 'string');
    return items.join(s);
  },
  startswith: (s, a, k) => affix(s, a, k, 'startswith', (x, p) => x.startsWith(p)),
  endswith: (s, a, k) => affix(s, a, k, 'endswith', (x, p) => x.endsWith(p)),
  replace: (s, a, k) => {
    const [o, n, c] = bindArgs('replace', a, k, ['old', 'new', 'count'], 2);
    const old = strArg('replace', o);
    const rep = strArg('replace', n);
    const count = c === undefined ? -1 : intArg('replace', c);
    const parts = old === '' ? ['', ...codePoints(s), ''] : s.split(old);
    const joins = parts.length - 1;
    const used = count < 0 ? joins : Math.min(count, joins);
    checkSize(s.length + used * Math.max(0, rep.length - old.length), 'string');
    if (old === '') {
      if (count < 0) return codePoints(s).map((c) => rep + c).join('') + rep;
      return parts.slice(1, used + 1).map((c) => rep + c).join('') + parts.slice(used + 1, parts.length - 1).join('');
    }
    return parts.slice(0, used + 1).join(rep) + (used < joins ? old + parts.slice(used + 1).join(old) : '');
  },
  count: (s, a, k) => {
    noKwargs('count', k);
    const [sub] = bindArgs('count', a, k, ['sub', 'start', 'end'], 1);
    const needle = strArg('count', sub);
    if (needle === '') return strLen(s) + 1;
    return s.split(needle).length - 1;
  },
  find: (s, a, k) => search(s, a, k, 'find', false),
  rfind: (s, a, k) => search(s, a, k, 'rfind', true),
  index: (s, a, k) => {
    const i = search(s, a, k, 'index', false);
    if (i < 0) throw valueError('substring not found');
    return i;
  },
  rindex: (s, a, k) => {
    const i = search(s, a, k, 'rindex', true);
    if (i < 0) throw valueError('substring not found');
    return i;
  },
  isdigit: (s) => test(/^[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079]+$/u)(s),
  isdecimal: (s) => test(/^\p{Nd}+$/u)(s),
  isnumeric: (s) => test(/^\p{N}+$/u)(s),
  isalpha: (s) => test(/^\p{L}+$/u)(s),
  isalnum: (s) => test(/^[\p{L}\p{N}]+$/u)(s),
  isspace: (s) => s.length > 0 && [...s].every(isWs),
  islower: (s) => /\p{Ll}/u.test(s) && !/[\p{Lu}\p{Lt}]/u.test(s),
  isupper: (s) => /\p{Lu}/u.test(s) && !/[\p{Ll}\p{Lt}]/u.test(s),
  zfill: (s, a, k) => {
    const width = intArg('zfill', bindArgs('zfill', a, k, ['width'])[0]);
    checkSize(width, 'string');
    const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + '0'.repeat(Math.max(0, width - strLen(s))) + body;
  },
  ljust: (s, a, k) => pad(s, a, k, 'ljust', 'left'),
  rjust: (s, a, k) => pad(s, a, k, 'rjust', 'right'),
  center: (s, a, k) => pad(s, a, k, 'center', 'center'),
  partition: (s, a, k) => {
    const sep = strArg('partition', bindArgs('partition', a, k, ['sep'])[0]);
    if (sep === '') throw valueError('empty separator');
    const i = s.indexOf(sep);
    return new PyTuple(i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, a, k) => {
    const sep = strArg('rpartition', bindArgs('rpartition', a, k, ['sep'])[0]);
    if (sep === '') throw valueError('empty separator');
    const i = s.lastIndexOf(sep);
    return new PyTuple(i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s, a, k) => {
    const p = strArg('removeprefix', bindArgs('removeprefix', a, k, ['prefix'])[0]);
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s, a, k) => {
    const p = strArg('removesuffix', bindArgs('removesuffix', a, k, ['suffix'])[0]);
    return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  },
  format: (s, a, k) => formatString(s, a, k),
};
