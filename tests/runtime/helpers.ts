/** Shared helpers for runtime tests: compile inline YAML, fake executors, temp projects. */
import { buildJobMachineConfig } from '../../compiler/job-machine.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompiledFlow } from '../../compiler/ir.js';
import { compileSource } from '../../compiler/index.js';
import { openStepwise } from '../../runtime/index.js';
import type { Executor, ExecutorInvocation, ExecutorResult } from '../../runtime/executors/types.js';
import type { JobOutcome, RunRecord, Stepwise } from '../../runtime/types.js';

/** A minimal hand-built IR (one script step) for tests that need no compiler. */
export function tinyFlow(): CompiledFlow {
  return {
    machine: buildJobMachineConfig({ name: 'tiny' }),
    irVersion: 1,
    hash: 'tiny-hash',
    name: 'tiny',
    description: '',
    version: '',
    visibility: 'interactive',
    vars: [],
    jobFieldsUsed: [],
    steps: [
      {
        name: 'a', index: 0, kind: 'script', description: '', executor: { type: 'script', config: { command: 'echo {}' } },
        inputs: [], after: [], afterResolved: [], when: null, outputs: [], outputsTyped: false, exits: [], derivedOutputs: [],
        decorators: [], idempotency: 'idempotent', limits: { maxInfraRetries: 3 }, cache: null, onError: 'fail',
        loopInternal: false, onCycle: false, loopTargets: [],
      },
    ],
    entry: ['a'],
    terminal: ['a'],
    deps: { dependsOn: { a: [] }, dependents: { a: [] }, loopers: {}, loopBody: {}, parentFrame: {} },
  };
}

export function compile(yaml: string): CompiledFlow {
  const r = compileSource(yaml);
  if (!r.flow) throw new Error(`compile failed: ${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`);
  return r.flow;
}

export type Handler = (inv: ExecutorInvocation) => ExecutorResult | Record<string, unknown> | Promise<ExecutorResult | Record<string, unknown>>;

/**
 * A fake `script` executor: the step's `run:` text (after Stage A) is parsed as JSON and
 * returned as the artifact; `fail: <msg>` fails; a handler may override per step.
 * `$attempt` in the command is replaced by the attempt number.
 */
export function fakeScript(handlers: Record<string, Handler> = {}, log: string[] = []): Executor {
  return {
    type: 'script',
    async start(inv) {
      log.push(inv.ctx.stepName);
      await new Promise((r) => setImmediate(r));
      const h = handlers[inv.ctx.stepName];
      if (h) {
        const out = await h(inv);
        return 'kind' in out && typeof out.kind === 'string' ? (out as ExecutorResult) : { kind: 'data', artifact: out as Record<string, unknown> };
      }
      const cmd = String(inv.config.command ?? '').replace(/\$attempt/g, String(inv.ctx.attempt));
      if (cmd.startsWith('fail:')) return { kind: 'failed', error: cmd.slice(5).trim(), category: null };
      try {
        const v = JSON.parse(cmd);
        return { kind: 'data', artifact: v && typeof v === 'object' && !Array.isArray(v) ? v : { stdout: cmd } };
      } catch {
        return { kind: 'data', artifact: cmd ? { stdout: cmd } : {} };
      }
    },
  };
}

export function tmpProject(): string {
  return mkdtempSync(join(tmpdir(), 'stepwise-rt-'));
}

export interface Ran {
  sw: Stepwise;
  jobId: string;
  outcome: JobOutcome;
  runs(step?: string): RunRecord[];
  events(): string[];
  dir: string;
}

export async function runFlow(
  yaml: string | CompiledFlow,
  opts: {
    handlers?: Record<string, Handler>;
    inputs?: Record<string, unknown>;
    dir?: string;
    log?: string[];
    executors?: Record<string, Executor>;
    executorCaps?: Record<string, number>;
  } = {},
): Promise<Ran> {
  const flow = typeof yaml === 'string' ? compile(yaml) : yaml;
  const dir = opts.dir ?? tmpProject();
  const sw = openStepwise({
    projectDir: dir,
    executors: { script: fakeScript(opts.handlers, opts.log), ...(opts.executors ?? {}) },
    ...(opts.executorCaps ? { executorCaps: opts.executorCaps } : {}),
  });
  const job = sw.createJob(flow, { inputs: opts.inputs ?? {} });
  sw.startJob(job.id);
  const outcome = await sw.waitForJob(job.id);
  return {
    sw,
    jobId: job.id,
    outcome,
    dir,
    runs: (step?: string) => sw.store.listRuns(job.id, step),
    events: () => sw.store.listEvents({ jobId: job.id }).map((e) => e.event),
  };
}
