/**
 * The script commands of conformance cases c18, c20, c21, c22, c24 and c30 (copied verbatim from
 * shared/conformance/<case>/FLOW.yaml), run through the same path the engine uses:
 * Stage A → decorators → script executor. The full cases also need the engine and CLI.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DecoratorSpec } from '../../compiler/ir.js';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { renderStepConfig } from '../../runtime/executors/render-config.js';
import { wrapWithDecorators } from '../../runtime/executors/decorators.js';
import type { ExecutorResult } from '../../runtime/executors/types.js';
import { makeCtx, stepWithInputs, tempDir } from './helpers.js';

async function runStep(
  root: string,
  name: string,
  command: string,
  inputs: Record<string, unknown> = {},
  decorators: DecoratorSpec[] = [],
): Promise<ExecutorResult> {
  const step = { ...stepWithInputs(command, Object.keys(inputs), decorators), name };
  const exec = wrapWithDecorators(createScriptExecutor({ killGraceMs: 500 }), step);
  return exec.start({ inputs, config: renderStepConfig(step, inputs), ctx: makeCtx(root, { stepName: name }) });
}

describe('conformance script commands', () => {
  it('c18 (EX-1.5): `echo hello` → {stdout: "hello"}', async () => {
    expect(await runStep(tempDir(), 'a', 'echo hello')).toMatchObject({ kind: 'data', artifact: { stdout: 'hello' } });
  });

  it('c20 (EX-1.4): stderr "boom" with exit 3 is the error', async () => {
    expect(await runStep(tempDir(), 'a', 'echo boom >&2; exit 3')).toMatchObject({ kind: 'failed', error: 'boom', category: null });
  });

  it('c21 (EX-7.2): retry {max_retries: 2} → {calls: 3} in one result; `$n`, `$((…))` survive Stage A', async () => {
    const cmd =
      'n=$(cat calls 2>/dev/null || echo 0); n=$((n + 1)); echo $n > calls; if [ $n -lt 3 ]; then exit 1; fi; echo "{\\"calls\\": $n}"';
    const r = await runStep(tempDir(), 'flaky', cmd, {}, [{ type: 'retry', config: { max_retries: 2 } }]);
    expect(r).toMatchObject({ kind: 'data', artifact: { calls: 3 }, meta: { retry: { attempts: 3 } } });
  });

  it('c22 (D-3): timeout {seconds: 1} stops `sleep 30` → failed, category timeout', async () => {
    const r = await runStep(tempDir(), 'slow', 'sleep 30; echo "{\\"x\\": 1}"', {}, [{ type: 'timeout', config: { seconds: 1 } }]);
    expect(r).toMatchObject({ kind: 'failed', category: 'timeout', error: 'Timed out after 1s', meta: { timeout: { triggered: true } } });
  });

  it('c24 (T-1, S-2): the payload is echoed literally, `pwned` is never created', async () => {
    const root = tempDir();
    const v = 'x; touch pwned; echo $(touch pwned)';
    expect(await runStep(root, 'a', 'echo $v', { v })).toMatchObject({ kind: 'data', artifact: { stdout: v } });
    const b = await runStep(root, 'b', 'if [ -e pwned ]; then echo "{\\"pwned\\": true}"; else echo "{\\"pwned\\": false}"; fi');
    expect(b).toMatchObject({ kind: 'data', artifact: { pwned: false } });
    expect(existsSync(path.join(root, 'ws', 'pwned'))).toBe(false);
  });

  it('c30 (F-8.1, E-3): steps share the job workspace', async () => {
    const root = tempDir();
    expect(await runStep(root, 'write', 'echo hi > note.txt; echo "{}"')).toMatchObject({ kind: 'data', artifact: {} });
    const r = await runStep(root, 'read', 'printf "{\\"content\\": \\"%s\\"}" "$(cat note.txt)"');
    expect(r).toMatchObject({ kind: 'data', artifact: { content: 'hi' } });
  });
});
