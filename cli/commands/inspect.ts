/** Reading a job's results: `output <job> [step]` and `logs <job> [step]` (CLI-6). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { withJob } from '../engine.js';

export function register(program: Command): void {
  program
    .command('output <job> [step]')
    .description("print a job's outputs (or one step's latest artifact) as JSON")
    .action(async (jobId: string, step: string | undefined, _o: unknown, cmd: Command) => {
      await withJob(cmd, jobId, (engine, job) => {
        if (step) {
          const runs = engine.store.listRuns(jobId, step);
          const flow = engine.store.getFlow(job.flowHash);
          if (flow && !flow.steps.some((s) => s.name === step))
            throw new CliError(`job ${jobId} has no step '${step}'. Steps: ${flow.steps.map((s) => s.name).join(', ')}.`, 1);
          const done = runs.filter((r) => r.status === 'completed').at(-1);
          process.stdout.write(`${JSON.stringify(done?.artifact ?? null, null, 2)}\n`);
          return;
        }
        const out: Record<string, unknown> = { status: job.status, outputs: engine.store.terminalOutputs(jobId) };
        if (job.status === 'failed' || job.status === 'cancelled') out.completed_outputs = engine.store.completedOutputs(jobId);
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      });
    });

  program
    .command('logs <job> [step]')
    .description("print the stdout/stderr of a job's script steps")
    .action(async (jobId: string, step: string | undefined, _o: unknown, cmd: Command) => {
      await withJob(cmd, jobId, (_engine, job) => {
        const dir = join(job.workspace, '.stepwise', 'step-io');
        const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(stdout|stderr)$/.test(f)).sort() : [];
        const mine = step ? files.filter((f) => f.startsWith(`${step}-`)) : files;
        if (mine.length === 0) {
          process.stdout.write(`No logs${step ? ` for step '${step}'` : ''} in ${dir}.\n`);
          return;
        }
        for (const f of mine) {
          const text = readFileSync(join(dir, f), 'utf8');
          if (text.length === 0) continue;
          process.stdout.write(`── ${f}\n${text}${text.endsWith('\n') ? '' : '\n'}`);
        }
      });
    });
}
