/** Test fixtures for the executors room: a minimal CompiledStep, a real temp workspace, a context. */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CompiledStep, DecoratorSpec } from '../../compiler/ir.js';
import type { ExecutorContext, SpawnInfo } from '../../runtime/executors/types.js';

export function makeStep(overrides: Partial<CompiledStep> = {}): CompiledStep {
  return {
    name: 'a',
    index: 0,
    kind: 'script',
    description: '',
    executor: { type: 'script', config: { command: 'true' } },
    inputs: [],
    after: [],
    afterResolved: [],
    when: null,
    outputs: [],
    outputsTyped: false,
    exits: [],
    derivedOutputs: [],
    decorators: [],
    idempotency: 'idempotent',
    limits: { maxInfraRetries: 3 },
    cache: null,
    onError: 'fail',
    loopInternal: false,
    onCycle: false,
    loopTargets: [],
    ...overrides,
  };
}

/** A step with input bindings named `locals` (sources do not matter to the executors room). */
export function stepWithInputs(command: string, locals: string[], decorators: DecoratorSpec[] = []): CompiledStep {
  return makeStep({
    executor: { type: 'script', config: { command } },
    inputs: locals.map((local) => ({
      local,
      kind: 'job' as const,
      sources: [{ step: '$job', field: local, path: [] }],
      optional: false,
      backEdge: false,
    })),
    decorators,
  });
}

export function tempDir(prefix = 'sw-exec-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface TestCtx extends ExecutorContext {
  spawns: SpawnInfo[];
}

export function makeCtx(root: string, overrides: Partial<ExecutorContext> = {}): TestCtx {
  const spawns: SpawnInfo[] = [];
  return {
    jobId: 'job-0000abcd',
    runId: 'run-0000abcd',
    stepName: 'a',
    attempt: 1,
    workspace: path.join(root, 'ws'),
    projectDir: root,
    idempotency: 'idempotent',
    outputs: [],
    signal: new AbortController().signal,
    onSpawn: (info) => spawns.push(info),
    spawns,
    ...overrides,
  };
}

/** Linux process state from /proc ("Z" = zombie), or null when the pid is gone. */
export function procState(pid: number): string | null {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return null;
  try {
    const text = readFileSync(stat, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** Gone = no such pid, or a zombie waiting to be reaped (it runs no code). */
export function isGone(pid: number): boolean {
  const s = procState(pid);
  return s === null || s === 'Z';
}

export { waitFor } from '../support/wait.js';
