/**
 * POSIX shell quoting with Python's `shlex.quote` rules (T-1): safe words stay bare, the
 * empty string is `''`, anything else is single-quoted with `'` written as `'"'"'`.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (SAFE.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}
