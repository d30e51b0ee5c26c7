/**
 * Every file-system read of a compile goes through here, so a compile can list what its
 * result depends on (the compile cache, compile-cache.ts, re-checks exactly these): the text
 * of each file it read, and the kind of each path it probed (a probe that found nothing is a
 * dependency too: creating `flows/<name>/FLOW.yaml` can change what a bare name resolves to).
 * Compiles are synchronous, so one active recorder at a time is enough.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export type PathKind = 'file' | 'dir' | 'none';

export type Dep =
  /** A file read for its text; `h` null when it could not be read. */
  | { p: string; k: 'text'; h: string | null }
  | { p: string; k: 'stat'; s: PathKind };

let active: Map<string, Dep> | null = null;

export const textHash = (text: string): string => createHash('sha256').update(text).digest('base64url');

export function pathKind(p: string): PathKind {
  try {
    const st = statSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'none';
  } catch {
    return 'none';
  }
}

/** statSync(p) as a kind, recorded. */
export function probe(p: string): PathKind {
  const kind = pathKind(p);
  if (active && !active.has(`s:${p}`)) active.set(`s:${p}`, { p, k: 'stat', s: kind });
  return kind;
}

/** readFileSync(p, 'utf8'), recorded; throws as readFileSync does. */
export function readSource(p: string): string {
  try {
    const text = readFileSync(p, 'utf8');
    if (active) active.set(`t:${p}`, { p, k: 'text', h: textHash(text) });
    return text;
  } catch (e) {
    if (active) active.set(`t:${p}`, { p, k: 'text', h: null });
    throw e;
  }
}

/** Runs `fn` recording every read and probe it makes through this module. */
export function recordDeps<T>(fn: () => T): { value: T; deps: Dep[] } {
  const outer = active;
  const mine = new Map<string, Dep>();
  active = mine;
  try {
    return { value: fn(), deps: [...mine.values()] };
  } finally {
    active = outer;
  }
}

/** The texts of the `text` deps when every dep still holds, else null. */
export function depsStillHold(deps: readonly Dep[]): Record<string, string> | null {
  const texts: Record<string, string> = {};
  for (const d of deps) {
    if (d.k === 'stat') {
      if (pathKind(d.p) !== d.s) return null;
      continue;
    }
    let text: string | null = null;
    try {
      text = readFileSync(d.p, 'utf8');
    } catch {
      /* unreadable: holds only if it was unreadable before */
    }
    if ((text === null ? null : textHash(text)) !== d.h) return null;
    if (text !== null) texts[d.p] = text;
  }
  return texts;
}
