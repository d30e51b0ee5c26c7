/**
 * `stepwise list --suspended [--since 24h] [--flow F] [--output json]` (CLI-6, D-5): the
 * inbox of everything waiting for a human — suspended runs (with a watch) of running/paused
 * jobs and every paused job — each with the exact command that continues it.
 */
import type { Command } from 'commander';
import type { RunRecord, StoreReader } from '../../runtime/types.js';
import { watchFieldSpecs, fulfillCommand } from '../../runtime/watch/field-hints.js';
import { CliError } from '../cli-error.js';
import { withEngine } from '../engine.js';
import { rootJobOf } from '../root-job.js';
import { watchOutputSchema } from '../wait-json.js';

interface ListOptions {
  suspended?: boolean;
  since?: string;
  flow?: string;
  output?: string;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "24h", "30m", "7d", "90" (seconds) → seconds, or null when malformed. */
export function parseSince(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([smhdw]?)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

export interface Inbox {
  suspended_steps: Record<string, unknown>[];
  paused_jobs: Record<string, unknown>[];
  count: number;
}

export function buildInbox(store: StoreReader, opts: { sinceSeconds?: number; flow?: string; nowMs?: number }): Inbox {
  const now = opts.nowMs ?? Date.now();
  const recent = (iso: string | null): boolean => opts.sinceSeconds === undefined || !iso || now - Date.parse(iso) <= opts.sinceSeconds * 1000;
  const jobs = [...store.listJobs({ status: 'running' }), ...store.listJobs({ status: 'paused' })];
  const steps: Record<string, unknown>[] = [];
  const paused: Record<string, unknown>[] = [];
  for (const job of jobs) {
    const root = rootJobOf(store, job);
    if (root.status !== 'running' && root.status !== 'paused') continue;
    if (opts.flow && job.flowName !== opts.flow && root.flowName !== opts.flow) continue;
    for (const run of store.listRuns(job.id).filter((r: RunRecord) => r.status === 'suspended' && r.watch)) {
      if (!recent(run.startedAt)) continue;
      const specs = watchFieldSpecs(run.watch);
      const cfg = (run.watch?.config ?? {}) as Record<string, unknown>;
      const entry: Record<string, unknown> = {
        job_id: job.id,
        root_job_id: root.id,
        flow_name: job.flowName,
        run_id: run.id,
        step_name: run.stepName,
        watch_mode: run.watch?.mode ?? 'external',
        prompt: typeof cfg.prompt === 'string' ? cfg.prompt : '',
        expected_outputs: specs.map((s) => s.name),
        suspended_at: run.startedAt,
        age_seconds: run.startedAt ? Math.max(0, Math.round((now - Date.parse(run.startedAt)) / 1000)) : null,
        fulfill_command: fulfillCommand(run.id, specs),
      };
      if (run.watch?.mode === 'poll') entry.poll_now_command = `stepwise poll-now ${run.id}`;
      const schema = watchOutputSchema(run.watch);
      if (schema) entry.output_schema = schema;
      steps.push(entry);
    }
    if (job.status === 'paused' && !job.parentJobId && recent(job.updatedAt)) {
      const p = store.pauseInfo(job.id);
      paused.push({
        job_id: job.id,
        flow_name: job.flowName,
        reason: p?.reason ?? 'paused',
        step: p?.step ?? null,
        ...(p?.rule ? { rule: p.rule } : {}),
        paused_at: job.updatedAt,
        resume_command: `stepwise resume ${job.id} --wait`,
      });
    }
  }
  return { suspended_steps: steps, paused_jobs: paused, count: steps.length + paused.length };
}

function human(inbox: Inbox): string {
  if (inbox.count === 0) return 'Nothing is waiting for input.\n';
  const lines: string[] = [];
  for (const s of inbox.suspended_steps) {
    lines.push(`${s.job_id}  ${s.flow_name} › ${s.step_name}  (${s.watch_mode}, waiting ${s.age_seconds}s)`);
    if (s.prompt) lines.push(`  ${String(s.prompt).split('\n')[0]}`);
    lines.push(`  ${s.fulfill_command}`);
    if (s.poll_now_command) lines.push(`  ${s.poll_now_command}`);
  }
  for (const p of inbox.paused_jobs) {
    lines.push(`${p.job_id}  ${p.flow_name}  paused (${p.reason}${p.step ? ` at '${p.step}'` : ''})`);
    lines.push(`  ${p.resume_command}`);
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('list')
    .description('list what waits for a human: suspended steps and paused jobs (--suspended)')
    .option('--suspended', 'suspended steps and paused jobs, each with the command that continues it')
    .option('--since <age>', 'only those waiting since at most this long ago (e.g. 30m, 24h, 7d)')
    .option('--flow <name>', 'only jobs of this flow')
    .option('--output <format>', 'json')
    .action(async (opts: ListOptions, cmd: Command) => {
      if (!opts.suspended) throw new CliError('`stepwise list` needs --suspended (the only listing it offers). For jobs use `stepwise jobs`.', 2);
      if (opts.output && opts.output !== 'json') throw new CliError(`--output ${opts.output} is not supported; use --output json.`, 2);
      let sinceSeconds: number | undefined;
      if (opts.since !== undefined) {
        const s = parseSince(opts.since);
        if (s === null) throw new CliError(`--since '${opts.since}' is not a duration; use e.g. 30m, 24h or 7d.`, 2);
        sinceSeconds = s;
      }
      await withEngine(cmd, (engine) => {
        const inbox = buildInbox(engine.store, { sinceSeconds, flow: opts.flow });
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(inbox, null, 2)}\n` : human(inbox));
      });
    });
}
