/** `stepwise jobs`: top-level jobs, newest first (CLI-6). */
import type { Command } from 'commander';
import type { JobStatus } from '../../runtime/types.js';
import { CliError } from '../cli-error.js';
import { withEngine } from '../engine.js';

const STATUSES: JobStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'];

export function register(program: Command): void {
  program
    .command('jobs')
    .description('list jobs')
    .option('--status <status>', `only jobs in this state (${STATUSES.join('|')})`)
    .option('--limit <n>', 'at most this many', '20')
    .option('--all', 'no limit')
    .option('--name <name>', 'only jobs with this name')
    .option('--output <format>', 'json')
    .action(async (opts: { status?: string; limit: string; all?: boolean; name?: string; output?: string }, cmd: Command) => {
      if (opts.status && !STATUSES.includes(opts.status as JobStatus))
        throw new CliError(`--status ${opts.status} is not a job state; use one of ${STATUSES.join(', ')}.`, 2);
      const limit = opts.all ? undefined : Number(opts.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new CliError(`--limit must be a positive integer, got '${opts.limit}'.`, 2);
      await withEngine(cmd, (engine) => {
        const jobs = engine.store.listJobs({ status: opts.status as JobStatus | undefined, limit, topLevelOnly: true, name: opts.name });
        const rows = jobs.map((j) => ({ id: j.id, name: j.name, status: j.status, objective: j.objective, flow: j.flowName, created_at: j.createdAt }));
        if (opts.output === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else if (rows.length === 0) process.stdout.write('No jobs yet. Start one with `stepwise run <flow>`.\n');
        else for (const r of rows) process.stdout.write(`${r.id}  ${r.status.padEnd(10)} ${r.flow.padEnd(24)} ${r.created_at}\n`);
      });
    });
}
