/** IDs per SPEC C-4: prefix + 8 lowercase hex chars. */
import { randomBytes } from 'node:crypto';

export function newId(prefix: 'job' | 'run' | 'evt' | 'tick'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** ISO-8601 UTC with offset (C-4). */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}
