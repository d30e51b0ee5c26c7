/** D-R2 re-attach relies on liveness checks that must never mistake a group signal for a live child. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isOwnedPidAlive, isPidAlive } from '../../runtime/executors/process-group.js';

describe('D-R2 process liveness', () => {
  it('pid 0, -1 and non-integers are never alive (kill(0, 0) would signal our own group)', () => {
    expect(isPidAlive(0)).toBe(false);
    expect(isPidAlive(-1)).toBe(false);
    expect(isPidAlive(Number.NaN)).toBe(false);
    expect(isOwnedPidAlive(0, 0)).toBe(false);
  });
  it('this process is alive; a reaped child is not', () => {
    expect(isPidAlive(process.pid)).toBe(true);
    const child = spawnSync('sh', ['-c', 'echo $$']);
    expect(isPidAlive(Number(String(child.stdout).trim()))).toBe(false);
  });
});
