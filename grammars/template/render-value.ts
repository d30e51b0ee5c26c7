/**
 * How one value renders into a template (T-1 with D-1): strings raw, null/absent empty,
 * booleans and numbers via Python `str` (`True`, `1.5`), objects and arrays as JSON
 * indented by 2.
 */
import { pyStr } from '../expr/evaluate-only.js';

export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return pyStr(v);
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v, null, 2) ?? '';
    } catch {
      return pyStr(v);
    }
  }
  return String(v);
}
