/** IDs per SPEC C-4: prefix + 8 lowercase hex chars. */
import { randomBytes } from 'node:crypto';

// One syscall per 1,024 ids instead of one per id (an id per event and run adds up).
let pool = Buffer.alloc(0);
let offset = 0;

export function newId(prefix: 'job' | 'run' | 'evt' | 'tick'): string {
  if (offset + 4 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + 4);
  offset += 4;
  return `${prefix}-${hex}`;
}

/** ISO-8601 UTC with offset (C-4). */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}
