/** D-R1 scale: a 10,000-step chain and a 10,000-item for_each complete (no timing asserts). */
import { describe, expect, it } from 'vitest';
import type { CompiledFlow, CompiledStep } from '../../compiler/ir.js';
import type { Executor } from '../../runtime/executors/types.js';
import { openStepwise } from '../../runtime/index.js';
import { tinyFlow, tmpProject } from './helpers.js';

const noop: Executor = { type: 'script', start: async () => ({ kind: 'data', artifact: { x: 1 } }) };

function step(name: string, index: number, dep: string | null): CompiledStep {
  const base = tinyFlow().steps[0]!;
  return {
    ...base,
    name,
    index,
    outputs: [{ name: 'x', type: 'str', required: true, hasDefault: false, description: '' }],
    inputs: dep ? [{ local: 'x', kind: 'step', sources: [{ step: dep, field: 'x', path: [] }], optional: false, backEdge: false }] : [],
  };
}

/** A hand-built chain IR (the compiler is not under test here). */
function chain(n: number): CompiledFlow {
  const steps: CompiledStep[] = [];
  const dependsOn: Record<string, string[]> = {};
  const dependents: Record<string, string[]> = {};
  for (let i = 0; i < n; i++) {
    const name = `s${i}`;
    steps.push(step(name, i, i ? `s${i - 1}` : null));
    dependsOn[name] = i ? [`s${i - 1}`] : [];
    dependents[name] = i < n - 1 ? [`s${i + 1}`] : [];
  }
  return {
    ...tinyFlow(),
    hash: `chain-${n}`,
    name: `chain-${n}`,
    steps,
    entry: ['s0'],
    terminal: [`s${n - 1}`],
    deps: { dependsOn, dependents, loopers: {}, loopBody: {}, parentFrame: {} },
  };
}

describe('D-R1 linear scaling', () => {
  it('a 10,000-step chain completes with one run per step', async () => {
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: noop } });
    const job = sw.createJob(chain(10_000), { inputs: {} });
    sw.startJob(job.id);
    const out = await sw.waitForJob(job.id);
    expect(out.status).toBe('completed');
    expect(sw.store.listRuns(job.id)).toHaveLength(10_000);
    expect(sw.store.terminalOutputs(job.id)).toEqual([{ x: 1 }]);
    await sw.close();
  }, 300_000);

  it('a 10,000-item for_each completes with results in source order', async () => {
    const inner = { ...tinyFlow(), hash: 'inner-fe', name: 'inner' };
    const src = step('src', 0, null);
    const each: CompiledStep = {
      ...step('each', 1, null),
      kind: 'for_each',
      executor: { type: 'for_each', config: {} },
      outputs: [{ name: 'results', type: 'str', required: true, hasDefault: false, description: '' }],
      forEach: { source: { step: 'src', field: 'items', path: [] }, as: 'item', onError: 'fail_fast', stalePendingTimeoutSeconds: 60, flow: inner },
    };
    const flow: CompiledFlow = {
      ...tinyFlow(),
      hash: 'fe-10k',
      name: 'fe-10k',
      steps: [src, each],
      entry: ['src'],
      terminal: ['each'],
      deps: { dependsOn: { src: [], each: ['src'] }, dependents: { src: ['each'], each: [] }, loopers: {}, loopBody: {}, parentFrame: {} },
    };
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const exec: Executor = {
      type: 'script',
      start: async (inv) => ({ kind: 'data', artifact: inv.ctx.stepName === 'src' ? { x: 1, items } : { i: 1 } }),
    };
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: exec } });
    const job = sw.createJob(flow, { inputs: {} });
    sw.startJob(job.id);
    const out = await sw.waitForJob(job.id);
    expect(out.status).toBe('completed');
    const [res] = sw.store.terminalOutputs(job.id) as { results: unknown[] }[];
    expect(res!.results).toHaveLength(10_000);
    expect(res!.results[9_999]).toEqual({ i: 1 });
    await sw.close();
  }, 300_000);

  it('a 10,000-wide fan-out joined by one step completes; the join runs once', async () => {
    const N = 10_000;
    const base = step('src', 0, null);
    const steps: CompiledStep[] = [base];
    const dependsOn: Record<string, string[]> = { src: [] };
    const dependents: Record<string, string[]> = { src: [] };
    for (let i = 0; i < N; i++) {
      const n = `w${i}`;
      steps.push({ ...step(n, i + 1, 'src') });
      dependsOn[n] = ['src'];
      dependents.src!.push(n);
      dependents[n] = ['join'];
    }
    steps.push({ ...step('join', N + 1, null), after: steps.slice(1).map((s) => ({ kind: 'step' as const, step: s.name })) });
    dependsOn.join = steps.slice(1, -1).map((s) => s.name);
    dependents.join = [];
    const flow: CompiledFlow = {
      ...tinyFlow(),
      hash: `fan-${N}`,
      name: `fan-${N}`,
      steps,
      entry: ['src'],
      terminal: ['join'],
      deps: { dependsOn, dependents, loopers: {}, loopBody: {}, parentFrame: {} },
    };
    const sw = openStepwise({ projectDir: tmpProject(), executors: { script: noop } });
    const job = sw.createJob(flow, { inputs: {} });
    sw.startJob(job.id);
    expect((await sw.waitForJob(job.id)).status).toBe('completed');
    expect(sw.store.listRuns(job.id, 'join')).toHaveLength(1);
    expect(sw.store.listRuns(job.id)).toHaveLength(N + 2);
    await sw.close();
  }, 300_000);
});
