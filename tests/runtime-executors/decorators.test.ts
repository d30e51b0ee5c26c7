import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { effectiveDecorators, wrapWithDecorators } from '../../runtime/executors/decorators.js';
import { renderStepConfig } from '../../runtime/executors/render-config.js';
import type { DecoratorSpec } from '../../compiler/ir.js';
import type { Executor, ExecutorResult } from '../../runtime/executors/types.js';
import { isGone, makeCtx, makeStep, tempDir } from './helpers.js';

const script = createScriptExecutor({ killGraceMs: 300 });

async function runDecorated(
  command: string,
  decorators: DecoratorSpec[],
  opts: { idempotency?: string; exec?: Executor; registry?: (t: string) => Executor | undefined; settleMs?: number } = {},
): Promise<{ result: ExecutorResult; ws: string; spawns: number[] }> {
  const root = tempDir();
  const step = makeStep({ executor: { type: 'script', config: { command } }, decorators, idempotency: opts.idempotency ?? 'idempotent' });
  const ctx = makeCtx(root, { idempotency: step.idempotency });
  const wrapped = wrapWithDecorators(opts.exec ?? script, step, { registry: opts.registry, timeoutSettleMs: opts.settleMs ?? 2000 });
  const result = await wrapped.start({ inputs: {}, config: renderStepConfig(step, {}), ctx });
  return { result, ws: ctx.workspace, spawns: ctx.spawns.map((s) => s.pid) };
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('D-3 timeout really stops the executor', () => {
  it('D-3 / c22: `timeout {seconds}` kills the group; the run fails `timeout` before the script prints again', async () => {
    const { result, ws, spawns } = await runDecorated('echo before; sleep 5; echo after', [
      { type: 'timeout', config: { seconds: 0.3 } },
    ]);
    expect(result).toMatchObject({ kind: 'failed', category: 'timeout', error: 'Timed out after 0.3s' });
    expect(result.meta?.timeout).toMatchObject({ limit_seconds: 0.3, triggered: true });
    // Killed during the sleep: whatever it printed before, it never printed "after".
    expect(readFileSync(path.join(ws, '.stepwise/step-io/a-1.stdout'), 'utf8')).not.toContain('after');
    expect(isGone(spawns[0])).toBe(true);
  });

  it('D-3: `minutes` is honoured too, and a fast step is annotated triggered: false', async () => {
    const { result } = await runDecorated('echo ok', [{ type: 'timeout', config: { minutes: 1 } }]);
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'ok' } });
    expect(result.meta?.timeout).toMatchObject({ limit_seconds: 60, triggered: false });
  });

  it('D-3: an inner executor that ignores its signal is abandoned after the settle period', async () => {
    const deaf: Executor = { type: 'script', start: () => new Promise(() => undefined) };
    const { result } = await runDecorated('unused', [{ type: 'timeout', config: { seconds: 0.1 } }], { exec: deaf, settleMs: 100 });
    expect(result).toMatchObject({ kind: 'failed', category: 'timeout', error: 'Timed out after 0.1s' });
  });
});

describe('EX-7.2 retry', () => {
  const FLAKY =
    'n=$(cat calls 2>/dev/null || echo 0); n=$((n + 1)); echo $n > calls; echo $n >> log; if [ $n -lt 3 ]; then echo "try $n" >&2; exit 1; fi; echo "{\\"calls\\": $n}"';

  it('EX-7.2 / c21 / CT-63: a failing script is re-run inside one result (3 executions)', async () => {
    const { result, ws, spawns } = await runDecorated(FLAKY, [{ type: 'retry', config: { max_retries: 2 } }]);
    expect(result).toMatchObject({ kind: 'data', artifact: { calls: 3 } });
    expect(result.meta?.retry).toEqual({ attempts: 3, reasons: ['try 1', 'try 2'] });
    expect(lines(path.join(ws, 'log'))).toEqual(['1', '2', '3']);
    expect(spawns).toHaveLength(3);
    // Each execution keeps its own step-io files (suffix -r<i>).
    const io = path.join(ws, '.stepwise/step-io');
    expect(readFileSync(path.join(io, 'a-1.stderr'), 'utf8')).toBe('try 1\n');
    expect(readFileSync(path.join(io, 'a-1-r1.stderr'), 'utf8')).toBe('try 2\n');
    expect(readFileSync(path.join(io, 'a-1-r2.stdout'), 'utf8')).toBe('{"calls": 3}\n');
  });

  it('EX-7.2: gives up after 1 + max_retries executions and returns the last failure', async () => {
    const { result, ws } = await runDecorated('echo x >> log; exit 4', [{ type: 'retry', config: { max_retries: 2, backoff: 'exponential', backoff_base: 0.001 } }]);
    expect(result).toMatchObject({ kind: 'failed', error: 'Exit code 4' });
    expect(result.meta?.retry).toEqual({ attempts: 3, reasons: ['Exit code 4', 'Exit code 4', 'Exit code 4'] });
    expect(lines(path.join(ws, 'log'))).toHaveLength(3);
  });

  it('EX-7.2 / E-23.4 / CT-63: idempotency non_retriable → exactly one execution', async () => {
    const { result, ws } = await runDecorated('echo x >> log; exit 1', [{ type: 'retry', config: { max_retries: 4 } }], {
      idempotency: 'non_retriable',
    });
    expect(result.kind).toBe('failed');
    expect(lines(path.join(ws, 'log'))).toHaveLength(1);
    expect(result.meta?.retry).toMatchObject({ attempts: 1 });
  });

  it('EX-7.2: transient_only stops at a non-transient failure (scripts have no category)', async () => {
    const { ws } = await runDecorated('echo x >> log; exit 1', [{ type: 'retry', config: { max_retries: 4, transient_only: true } }]);
    expect(lines(path.join(ws, 'log'))).toHaveLength(1);
  });
});

describe('D-3 decorator order: first listed is outermost', () => {
  const SLOW = 'echo x >> log; sleep 5';

  it('D-3: [retry, timeout] bounds each try: every try times out and is retried', async () => {
    const { result, ws, spawns } = await runDecorated(SLOW, [
      { type: 'retry', config: { max_retries: 2 } },
      { type: 'timeout', config: { seconds: 0.2 } },
    ]);
    expect(result).toMatchObject({ kind: 'failed', category: 'timeout' });
    expect(result.meta?.retry).toMatchObject({ attempts: 3 });
    expect(spawns).toHaveLength(3);
    expect(lines(path.join(ws, 'log')).length).toBeLessThanOrEqual(3);
  });

  it('D-3: [timeout, retry] bounds all tries together: the abort is not retried', async () => {
    const { result, ws, spawns } = await runDecorated(SLOW, [
      { type: 'timeout', config: { seconds: 0.3 } },
      { type: 'retry', config: { max_retries: 2 } },
    ]);
    expect(result).toMatchObject({ kind: 'failed', category: 'timeout' });
    expect(result.meta?.retry).toMatchObject({ attempts: 1 });
    expect(result.meta?.timeout).toMatchObject({ triggered: true });
    expect(spawns).toHaveLength(1);
    expect(lines(path.join(ws, 'log')).length).toBeLessThanOrEqual(1);
  });
});

describe('EX-7.3 fallback', () => {
  it('EX-7.3: on primary failure the fallback executor runs its own (unrendered) config', async () => {
    const { result } = await runDecorated('exit 2', [
      { type: 'fallback', config: { fallback_ref: { type: 'script', config: { command: 'echo fallback $v' } } } },
    ]);
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'fallback' } });
    expect(result.meta?.fallback).toMatchObject({ primary_failed: true, reason: 'Exit code 2' });
  });

  it('EX-7.3: a successful primary never calls the fallback; an unknown type keeps the primary failure', async () => {
    let called = 0;
    const registry = (t: string): Executor | undefined =>
      t === 'spy' ? { type: 'spy', start: async () => (called++, { kind: 'data', artifact: {} }) } : undefined;
    const ok = await runDecorated('echo fine', [{ type: 'fallback', config: { fallback_ref: { type: 'spy' } } }], { registry });
    expect(ok.result).toMatchObject({ kind: 'data', artifact: { stdout: 'fine' } });
    expect(called).toBe(0);
    const bad = await runDecorated('exit 1', [{ type: 'fallback', config: { fallback_ref: { type: 'nope' } } }], { registry });
    expect(bad.result).toMatchObject({ kind: 'failed', error: 'Exit code 1' });
    expect(bad.result.meta?.fallback).toMatchObject({ error: 'Unknown executor type: nope' });
  });
});

describe('D-3 notification', () => {
  it('D-3: posts a P-4 envelope to webhook_url and records the status', async () => {
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const { result } = await runDecorated('exit 3', [{ type: 'notification', config: { webhook_url: url } }]);
      expect(result).toMatchObject({ kind: 'failed', error: 'Exit code 3' });
      expect(result.meta?.notification).toMatchObject({ sent: true, status: 204 });
      expect(bodies[0]).toMatchObject({
        event: 'step.failed',
        job_id: 'job-0000abcd',
        step: 'a',
        data: { step: 'a', run_id: 'run-0000abcd', error: 'Exit code 3', error_category: null },
      });
    } finally {
      server.close();
    }
  });

  it('D-3: an unreachable webhook never fails the step', async () => {
    const { result } = await runDecorated('echo ok', [{ type: 'notification', config: { webhook_url: 'http://127.0.0.1:1/x', timeout_seconds: 2 } }]);
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'ok' } });
    expect(result.meta?.notification).toMatchObject({ sent: false });
  });
});

describe('EX-7.4 / D-10 other decorator types', () => {
  it('an unknown decorator type fails as executor_crash data, nothing runs', async () => {
    const { result, spawns } = await runDecorated('echo hi', [{ type: 'bogus', config: {} } as unknown as DecoratorSpec]);
    expect(result).toMatchObject({ kind: 'failed', category: 'executor_crash', error: 'Executor crash: ValueError: Unknown decorator type: bogus' });
    expect(spawns).toHaveLength(0);
  });

  it('EX-5.4: agents get the implicit retry unless they declare one; scripts do not', () => {
    const step = makeStep();
    expect(effectiveDecorators(step, 'agent')).toEqual([
      { type: 'retry', config: { max_retries: 5, backoff: 'exponential', backoff_base: 30, transient_only: true } },
    ]);
    expect(effectiveDecorators(step, 'script')).toEqual([]);
    const own: DecoratorSpec = { type: 'retry', config: { max_retries: 1 } };
    expect(effectiveDecorators(makeStep({ decorators: [own] }), 'agent')).toEqual([own]);
  });
});
