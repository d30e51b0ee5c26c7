import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { isGone, makeCtx, tempDir, waitFor } from './helpers.js';

/** A script that starts a grandchild `sleep 100 &`, records its pid, then waits. */
const TREE = 'sleep 100 & echo $! > grandchild.pid; echo started; wait';

describe('E-14.2 cancel kills the whole process group', () => {
  it('E-14.2 / EX-1: abort → SIGTERM to the group; the grandchild is gone and the result is "Cancelled"', async () => {
    const root = tempDir();
    const controller = new AbortController();
    const ctx = makeCtx(root, { signal: controller.signal });
    const pending = createScriptExecutor({ killGraceMs: 500 }).start({ inputs: {}, config: { command: TREE }, ctx });
    const gcFile = path.join(ctx.workspace, 'grandchild.pid');
    expect(await waitFor(() => readFileSync(gcFile, { flag: 'a+' }).toString().trim() !== '')).toBe(true);
    const grandchild = Number(readFileSync(gcFile, 'utf8').trim());
    expect(isGone(grandchild)).toBe(false);

    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ kind: 'failed', error: 'Cancelled', category: 'user_cancelled' });
    expect(await waitFor(() => isGone(grandchild), 2000)).toBe(true);
    expect(isGone(ctx.spawns[0].pid)).toBe(true);
  });

  it('E-14.2: a child ignoring SIGTERM is SIGKILLed after the grace period', async () => {
    const root = tempDir();
    const controller = new AbortController();
    const ctx = makeCtx(root, { signal: controller.signal });
    const cmd = "trap '' TERM; sleep 100 & echo $! > gc.pid; trap '' TERM; while true; do sleep 0.05; done";
    const pending = createScriptExecutor({ killGraceMs: 200 }).start({ inputs: {}, config: { command: cmd }, ctx });
    const gcFile = path.join(ctx.workspace, 'gc.pid');
    expect(await waitFor(() => readFileSync(gcFile, { flag: 'a+' }).toString().trim() !== '')).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ kind: 'failed', category: 'user_cancelled' });
    const pgid = ctx.spawns[0].pgid;
    expect(await waitFor(() => isGone(pgid), 2000)).toBe(true);
  });

  it('abort reason {category, message} is reported instead of a user cancel', async () => {
    const root = tempDir();
    const controller = new AbortController();
    const ctx = makeCtx(root, { signal: controller.signal });
    const pending = createScriptExecutor({ killGraceMs: 200 }).start({ inputs: {}, config: { command: 'sleep 10' }, ctx });
    await waitFor(() => ctx.spawns.length > 0);
    controller.abort({ category: 'cost_limit', message: 'Cost limit exceeded: $2 > $1' });
    expect(await pending).toMatchObject({ kind: 'failed', category: 'cost_limit', error: 'Cost limit exceeded: $2 > $1' });
  });

  it('an already-aborted signal runs nothing', async () => {
    const root = tempDir();
    const controller = new AbortController();
    controller.abort();
    const ctx = makeCtx(root, { signal: controller.signal });
    const result = await createScriptExecutor().start({ inputs: {}, config: { command: 'echo hi' }, ctx });
    expect(result).toMatchObject({ kind: 'failed', error: 'Cancelled', category: 'user_cancelled' });
    expect(ctx.spawns).toHaveLength(0);
  });
});
