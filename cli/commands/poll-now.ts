/**
 * `stepwise poll-now <run_id> [--output json]` (SPEC E-15.3 "poll-now"): run a poll step's
 * check at once. When another live process drives the job it is asked to (job_commands);
 * otherwise this process adopts the job, runs the check and reports it.
 */
import type { Command } from 'commander';
import type { RunRecord, Stepwise } from '../../runtime/types.js';
import { withEngine } from '../engine.js';
import { rootJobId } from '../root-job.js';

const CHECK_WAIT_MS = 310_000;

const checkCount = (r: RunRecord | undefined): number => Number((r?.executorState?._watch as Record<string, unknown> | undefined)?.check_count ?? 0);

/** Resolves when the run's check count moves past `before` or the run leaves `suspended`. */
function checkDone(engine: Stepwise, runId: string, before: number): Promise<RunRecord | undefined> {
  const deadline = Date.now() + CHECK_WAIT_MS;
  return new Promise((resolve) => {
    const t = setInterval(() => {
      const r = engine.store.getRun(runId);
      if (!r || r.status !== 'suspended' || checkCount(r) > before || Date.now() > deadline) {
        clearInterval(t);
        resolve(r);
      }
    }, 100);
  });
}

export function register(program: Command): void {
  program
    .command('poll-now <run_id>')
    .description("run a poll step's check now instead of at its next interval")
    .option('--output <format>', 'json')
    .action(async (runId: string, opts: { output?: string }, cmd: Command) => {
      const print = (o: Record<string, unknown>, text: string): void => {
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(o)}\n` : `${text}\n`);
      };
      await withEngine(cmd, async (engine) => {
        const before = checkCount(engine.store.getRun(runId));
        const r = await engine.pollNow(runId);
        if (r.status === 'rejected') {
          print({ status: 'error', error: r.error }, `stepwise: ${r.error}`);
          process.exitCode = r.error.startsWith('Run not found') ? 1 : 2;
          return;
        }
        if (r.status !== 'started') {
          print({ status: r.status, run_id: runId, job_id: r.job_id }, `Check ${r.status === 'busy' ? 'already running' : 'requested'} for run ${runId}.`);
          return;
        }
        // This process adopted the job: report the check, and if it fulfilled the step keep
        // driving the job to its next stop (its previous runner is gone).
        const run = await checkDone(engine, runId, before);
        const w = (run?.executorState?._watch ?? {}) as Record<string, unknown>;
        const ready = run?.status !== 'suspended';
        print(
          { status: 'checked', run_id: runId, job_id: r.job_id, ready, check_count: w.check_count ?? null, last_error: w.last_error ?? null },
          ready ? `Run ${runId} is ready; the job continues.` : `Run ${runId} not ready yet${w.last_error ? ` (last error: ${String(w.last_error)})` : ''}.`,
        );
        if (ready) await engine.waitForJob(rootJobId(engine.store, r.job_id));
      });
    });
}
