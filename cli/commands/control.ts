/**
 * Job control verbs: `wait`, `cancel`, `pause`, `resume [--wait]`, `rerun <job> <step>`,
 * and the hidden `__drive <job>` that an `--async` run detaches (E-14, CLI-6).
 */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { withJob } from '../engine.js';
import { awaitJob } from '../await-job.js';

/** Runs a control operation, turning the runtime's refusal (e.g. "cannot pause a completed job") into exit 2. */
function control(op: () => void): void {
  try {
    op();
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

export function register(program: Command): void {
  program
    .command('wait <job>')
    .description('block until a job settles; prints the --wait JSON')
    .action(async (jobId: string, _o: unknown, cmd: Command) => {
      process.exitCode = await withJob(cmd, jobId, (e) => awaitJob(e, jobId, 'wait'));
    });

  program
    .command('cancel <job>')
    .description('cancel a job: running steps are stopped')
    .option('--output <format>', 'json')
    .action(async (jobId: string, opts: { output?: string }, cmd: Command) => {
      await withJob(cmd, jobId, async (e) => {
        control(() => e.cancelJob(jobId));
        const out = { job_id: jobId, status: 'cancelled' };
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(out)}\n` : `Job ${jobId} cancelled.\n`);
      });
    });

  program
    .command('pause <job>')
    .description('pause a running job (running steps are stopped and restart on resume)')
    .action(async (jobId: string, _o: unknown, cmd: Command) => {
      await withJob(cmd, jobId, async (e) => {
        control(() => e.pauseJob(jobId));
        process.stdout.write(`Job ${jobId} paused. Continue it with: stepwise resume ${jobId}\n`);
      });
    });

  program
    .command('resume <job>')
    .description('resume a paused (or failed) job; a running job whose runner died is taken over')
    .option('--wait', 'then block until it settles and print the --wait JSON')
    .action(async (jobId: string, opts: { wait?: boolean }, cmd: Command) => {
      process.exitCode = await withJob(cmd, jobId, async (e, job) => {
        if (job.status === 'running') {
          // E-23: after a crash the job still reads `running`. Waiting on it adopts it when its
          // owner is dead (unfinished steps are re-attached or re-run), or follows the live owner.
          process.stderr.write(`Job ${jobId} is running: following it here (if its runner is gone, this process takes it over).\n`);
        } else control(() => e.resumeJob(jobId));
        if (opts.wait) return awaitJob(e, jobId, 'wait');
        return awaitJob(e, jobId, 'headless');
      });
    });

  program
    .command('rerun <job> <step>')
    .description('run a step again; its dependents re-run after it')
    .option('--wait', 'then block until the job settles and print the --wait JSON')
    .action(async (jobId: string, step: string, opts: { wait?: boolean }, cmd: Command) => {
      process.exitCode = await withJob(cmd, jobId, async (e) => {
        control(() => e.rerunStep(jobId, step));
        return awaitJob(e, jobId, opts.wait ? 'wait' : 'headless');
      });
    });

  program
    .command('__drive <job>', { hidden: true })
    .description('internal: own and drive a job started with run --async')
    .action(async (jobId: string, _o: unknown, cmd: Command) => {
      await withJob(cmd, jobId, async (e) => {
        const job = e.store.getJob(jobId);
        if (job?.status === 'pending') e.startJob(jobId);
        await e.waitForJob(jobId);
      });
    });
}
