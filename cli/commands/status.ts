/**
 * `stepwise status <job> [--output json]`: the job and every step's runs in declaration and
 * attempt order (shape: ../shared/conformance/README.md; fields of CLI-6 added).
 */
import type { Command } from 'commander';
import type { JobRecord, StoreReader } from '../../runtime/types.js';
import { withJob } from '../engine.js';

export function register(program: Command): void {
  program
    .command('status <job>')
    .description("show a job's state and each step's runs")
    .option('--output <format>', 'json')
    .action(async (jobId: string, opts: { output?: string }, cmd: Command) => {
      await withJob(cmd, jobId, (engine, job) => {
        const status = jobStatus(engine.store, job);
        if (opts.output === 'json') process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        else process.stdout.write(humanStatus(status));
      });
    });
}

export function jobStatus(store: StoreReader, job: JobRecord): Record<string, any> {
  const jobId = job.id;
  const flow = store.getFlow(job.flowHash);
  const runs = store.listRuns(jobId);
  const names = flow ? flow.steps.map((s) => s.name) : [...new Set(runs.map((r) => r.stepName))];
  const throttled = job.status === 'running' ? throttledSteps(store, jobId) : new Map<string, Record<string, unknown>>();
  // One pass each (a 5,000-step job must not filter every run per step); runs stay in seq order.
  const runsOf = new Map<string, typeof runs>();
  for (const r of runs) {
    const list = runsOf.get(r.stepName);
    if (list) list.push(r);
    else runsOf.set(r.stepName, [r]);
  }
  const stepOf = new Map((flow?.steps ?? []).map((s) => [s.name, s]));
  const steps = names.map((name) => {
    const mine = runsOf.get(name) ?? [];
    const step = stepOf.get(name);
    const latest = mine.at(-1);
    return {
      name,
      type: step?.kind ?? 'unknown',
      status: throttled.has(name) ? 'throttled' : (latest?.status ?? 'pending'),
      attempt: latest?.attempt ?? 0,
      ...(throttled.has(name) ? { throttle_info: throttled.get(name) } : {}),
      depends_on: flow?.deps.dependsOn[name] ?? [],
      runs: mine.map((r) => ({
        run_id: r.id,
        attempt: r.attempt,
        status: r.status,
        artifact: r.artifact,
        error: r.error,
        error_category: r.errorCategory,
        started_at: r.startedAt,
        completed_at: r.completedAt,
        ...(r.subJobId ? { sub_job_id: r.subJobId } : {}),
      })),
    };
  });
  const failure = job.status === 'failed' ? store.failureInfo(jobId) : null;
  return {
    job: {
      id: job.id,
      name: job.name,
      status: job.status,
      flow: job.flowName,
      objective: job.objective,
      inputs: job.inputs,
      created_at: job.createdAt,
      updated_at: job.updatedAt,
      parent_job_id: job.parentJobId,
      ...(failure ? { error: failure.error, failed_step: failure.failedStep } : {}),
      ...(job.status === 'paused' ? { pause: store.pauseInfo(jobId) } : {}),
    },
    steps,
    sub_jobs: store.listJobs({ parentJobId: jobId }).map((j) => ({ id: j.id, status: j.status, name: j.name })),
    cost_usd: 0,
  };
}

/** E-7.2: steps whose last word is `step.throttled` (no `step.started` since): waiting for a slot of their executor type. */
function throttledSteps(store: StoreReader, jobId: string): Map<string, Record<string, unknown>> {
  const waiting = new Map<string, Record<string, unknown>>();
  for (const e of store.listEvents({ jobId })) {
    const step = (e.data as { step?: unknown }).step;
    if (typeof step !== 'string') continue;
    if (e.event === 'step.throttled') {
      const { step: _step, ...info } = e.data as Record<string, unknown>;
      waiting.set(step, info);
    } else if (e.event === 'step.started') waiting.delete(step);
  }
  return waiting;
}

function humanStatus(s: Record<string, any>): string {
  const lines = [`${s.job.id}  ${s.job.flow}  ${s.job.status}${s.job.error ? `: ${s.job.error}` : ''}`];
  for (const step of s.steps) {
    const last = step.runs.at(-1);
    lines.push(`  ${step.name.padEnd(24)} ${step.status.padEnd(10)} ${step.runs.length ? `runs: ${step.runs.length}` : ''}${last?.error ? `  ${String(last.error).split('\n')[0]}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
