/**
 * `str.format` for the common cases: `{}`, `{0}`, `{name}`, `{{`/`}}`, conversions `!r`/`!s`
 * and the format spec `[[fill]align][sign][0][width][,][.precision][type]` with types
 * s d f % e g. Nested fields, attribute and index lookups in fields are not supported.
 */
import { floatRepr, pyRepr, pyStr } from './format.js';
import { checkSize, isFloat, isNumber, type Kwargs, numValue, PyError, strLen, typeError, typeName, valueError } from './values.js';

export function formatString(template: string, args: unknown[], kwargs: Kwargs): string {
  let out = '';
  let auto = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '}') {
      if (template[i + 1] !== '}') throw valueError("Single '}' encountered in format string");
      out += '}';
      i++;
      continue;
    }
    if (c !== '{') {
      out += c;
      continue;
    }
    if (template[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    const close = template.indexOf('}', i);
    if (close < 0) throw valueError("Single '{' encountered in format string");
    const field = template.slice(i + 1, close);
    i = close;
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!m) throw valueError(`invalid format field '{${field}}'`);
    const [, name = '', conv, spec = ''] = m;
    let value: unknown;
    if (name === '') {
      if (auto >= args.length) throw new PyError('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
      value = args[auto++];
    } else if (/^\d+$/.test(name)) {
      const idx = Number(name);
      if (idx >= args.length) throw new PyError('IndexError', `Replacement index ${idx} out of range for positional args tuple`);
      value = args[idx];
    } else if (/^[A-Za-z_]\w*$/.test(name)) {
      if (!kwargs.has(name)) throw new PyError('KeyError', `'${name}'`);
      value = kwargs.get(name);
    } else {
      throw valueError(`format field '{${name}}' is not supported (only {}, {0} and {name})`);
    }
    if (conv === 'r' || conv === 'a') value = pyRepr(value);
    else if (conv === 's') value = pyStr(value);
    out += formatValue(value, spec);
    checkSize(out.length, 'string');
  }
  return out;
}

export function formatValue(v: unknown, spec: string): string {
  if (spec === '') return pyStr(v);
  if (typeof v !== 'string' && !isNumber(v)) throw typeError(`unsupported format string passed to ${typeName(v)}.__format__`);
  const m = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?([,_])?(?:\.(\d+))?([sdfFeEgG%n])?$/su.exec(spec);
  if (!m) throw valueError(`Invalid format specifier '${spec}' for object of type '${typeName(v)}'`);
  const [, fillCh, alignCh, sign = '-', zero, widthStr, group, precStr, type] = m;
  const width = widthStr ? Number(widthStr) : 0;
  checkSize(width, 'string');
  const prec = precStr === undefined ? undefined : Number(precStr);
  let body: string;
  const numeric = isNumber(v);
  if (type === 's' || (!type && !numeric)) {
    if (!(typeof v === 'string' || !type)) throw valueError(`Unknown format code 's' for object of type '${typeName(v)}'`);
    body = pyStr(v);
    if (prec !== undefined) body = [...body].slice(0, prec).join('');
  } else {
    if (!numeric) throw valueError(`Unknown format code '${type}' for object of type '${typeName(v)}'`);
    const n = numValue(v);
    const abs = Math.abs(n);
    switch (type) {
      case 'd':
      case 'n':
        if (isFloat(v)) throw valueError(`Unknown format code 'd' for object of type 'float'`);
        body = String(abs);
        break;
      case 'f': case 'F': body = abs.toFixed(prec ?? 6); break;
      case '%': body = (abs * 100).toFixed(prec ?? 6) + '%'; break;
      case 'e': case 'E': {
        const [mant, exp] = abs.toExponential(prec ?? 6).split('e') as [string, string];
        body = `${mant}e${exp[0]}${exp.slice(1).padStart(2, '0')}`;
        if (type === 'E') body = body.toUpperCase();
        break;
      }
      case 'g': case 'G': body = String(Number(abs.toPrecision(prec || 6))); break;
      default: body = isFloat(v) ? floatRepr(abs) : String(abs);
    }
    if (group) {
      const [int, frac] = body.split('.') as [string, string | undefined];
      body = int.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (frac !== undefined ? '.' + frac : '');
    }
    const signStr = n < 0 || Object.is(n, -0) ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    body = signStr + body;
    if (zero && !alignCh) return signStr + body.slice(signStr.length).padStart(width - signStr.length, '0');
  }
  const fill = fillCh ?? ' ';
  const align = alignCh ?? (numeric && type !== 's' ? '>' : '<');
  const gap = Math.max(0, width - strLen(body));
  if (align === '<') return body + fill.repeat(gap);
  if (align === '>' || align === '=') return fill.repeat(gap) + body;
  const left = Math.floor(gap / 2);
  return fill.repeat(left) + body + fill.repeat(gap - left);
}

/** printf-style `'%s: %.2f' % (name, x)` and `'%(k)s' % d` (Python's str % operator). */
export function percentFormat(template: string, arg: unknown, items: readonly unknown[] | null, lookup: ((k: string) => unknown) | null): string {
  const args = items ?? [arg];
  let next = 0;
  let out = '';
  const re = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdifFeEgGrx%c])/gy;
  let i = 0;
  while (i < template.length) {
    const pct = template.indexOf('%', i);
    if (pct < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, pct);
    re.lastIndex = pct;
    const m = re.exec(template);
    if (!m) throw valueError(`unsupported format character at index ${pct}`);
    i = re.lastIndex;
    const [, key, flags = '', width, prec, type] = m;
    if (type === '%') {
      out += '%';
      continue;
    }
    let v: unknown;
    if (key !== undefined) {
      if (!lookup) throw typeError('format requires a mapping');
      v = lookup(key);
    } else {
      if (next >= args.length) throw typeError('not enough arguments for format string');
      v = args[next++];
    }
    const w = width === '*' ? '' : (width ?? '');
    const align = flags.includes('-') ? '<' : '';
    const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const zero = flags.includes('0') && !align ? '0' : '';
    const p = prec !== undefined ? `.${prec}` : '';
    if (type === 's' || type === 'r') {
      const s = type === 'r' ? pyRepr(v) : pyStr(v);
      out += formatValue(s, `${align}${w}${p}`);
    } else if (type === 'c') {
      out += typeof v === 'string' ? v : String.fromCodePoint(Number(v));
    } else {
      if (!isNumber(v)) throw typeError(`%${type} format: a real number is required, not ${typeName(v)}`);
      const t = type === 'i' || type === 'd' ? 'd' : type === 'x' ? 'd' : type;
      const n = t === 'd' ? Math.trunc(numValue(v)) : v;
      const body = type === 'x' ? Math.trunc(numValue(v)).toString(16) : formatValue(n, `${sign}${zero}${w}${t === 'd' ? '' : p}${t}`);
      out += type === 'x' ? formatValue(body, `${align || '>'}${w}`) : align ? formatValue(body.trim(), `<${w}`) : body;
    }
    checkSize(out.length, 'string');
  }
  // CPython skips this check when the argument supports subscripting (dicts, and lists too).
  const mappingLike = lookup !== null || Array.isArray(arg);
  if (items ? next < items.length : next === 0 && !mappingLike) throw typeError('not all arguments converted during string formatting');
  return out;
}
