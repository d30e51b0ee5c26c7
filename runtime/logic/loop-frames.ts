/**
 * E-10.4 loop frames: created on the first fire of a loop targeting T and incremented on
 * every fire; descendant frames (by parent) are dropped so that inner loop-back bindings
 * are absent again on the first inner pass of each outer iteration (CT-31). Frames are
 * persisted with the job (`jobs.loop_frames`), so recovery reloads them instead of
 * rebuilding them from run counts as the reference does.
 */
import type { LoopFrame } from './job-view.js';

export type LoopFrames = Record<string, LoopFrame>;

export function fireLoop(frames: LoopFrames, target: string, parentFrame: Record<string, string | null>): LoopFrames {
  const next: LoopFrames = { ...frames };
  const prev = next[target];
  next[target] = { iteration: (prev?.iteration ?? 0) + 1, parent: prev?.parent ?? parentFrame[target] ?? null };
  // Drop every frame whose parent chain reaches `target`.
  const isDescendant = (name: string): boolean => {
    const seen = new Set<string>();
    let p = next[name]?.parent ?? null;
    while (p && !seen.has(p)) {
      if (p === target) return true;
      seen.add(p);
      p = next[p]?.parent ?? parentFrame[p] ?? null;
    }
    return false;
  };
  for (const name of Object.keys(next)) if (name !== target && isDescendant(name)) delete next[name];
  return next;
}
