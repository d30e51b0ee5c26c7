/**
 * Waits for a job in this process (driving it, D-R1) and prints the outcome: the CLI-5
 * JSON for `--wait`, a short human summary otherwise. SIGINT/SIGTERM cancel the job
 * (CLI-2: exit 4 when waiting with --wait, 130 for a headless run).
 */
import type { JobOutcome, Stepwise } from '../runtime/types.js';
import { buildWaitReport } from './wait-json.js';
import { attachProgress } from './progress.js';
import { LineReader, canPrompt, promptSuspended } from './prompt-fields.js';
import { watchFieldSpecs, fulfillCommand } from '../runtime/watch/field-hints.js';

export type AwaitMode = 'wait' | 'headless' | 'headless-json';

/** Subscribe before the job starts so the first events are shown too. */
export function progressFor(engine: Stepwise, jobId: string, mode: AwaitMode): () => void {
  return mode !== 'wait' || process.stderr.isTTY ? attachProgress(engine, jobId, { tty: Boolean(process.stderr.isTTY) }) : () => {};
}

export async function awaitJob(engine: Stepwise, jobId: string, mode: AwaitMode, progress = progressFor(engine, jobId, mode)): Promise<number> {
  let interrupted = false;
  let reader: LineReader | null = null;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    reader?.close(); // a pending terminal question gives up; the wait below reports the cancel
    process.stderr.write('\nstepwise: interrupted — cancelling the job…\n');
    try {
      engine.cancelJob(jobId);
    } catch {
      // the job may already be terminal; the wait below reports what it is
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: JobOutcome;
  try {
    outcome = await engine.waitForJob(jobId);
    // CLI-4: a headless run at a terminal asks for external input, then keeps going.
    while (outcome.status === 'suspended' && mode === 'headless' && !interrupted && canPrompt()) {
      reader ??= new LineReader({ input: process.stdin, output: process.stderr });
      if (!(await promptSuspended(engine, jobId, reader, process.stderr))) break;
      outcome = await engine.waitForJob(jobId);
    }
    // Ctrl-C during a question: the job is being cancelled; report that, not the old suspension.
    if (interrupted && outcome.status === 'suspended') outcome = await engine.waitForJob(jobId);
  } finally {
    reader?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress();
  }
  const report = buildWaitReport(engine.store, outcome);
  if (mode === 'wait' || mode === 'headless-json') {
    process.stdout.write(`${JSON.stringify(report.json, null, mode === 'wait' ? 0 : 2)}\n`);
  } else {
    process.stdout.write(humanSummary(report.json, (runId) => {
      const run = engine.store.getRun(runId);
      return fulfillCommand(runId, watchFieldSpecs(run?.watch ?? null));
    }));
  }
  if (interrupted && outcome.status === 'cancelled') return mode === 'wait' ? 4 : 130;
  return report.exitCode;
}

function humanSummary(j: Record<string, any>, commandFor: (runId: string) => string): string {
  switch (j.status) {
    case 'completed':
      return `Job ${j.job_id} completed in ${j.duration_seconds}s.\nOutputs:\n${JSON.stringify(j.outputs, null, 2)}\n`;
    case 'failed':
      return `Job ${j.job_id} failed${j.failed_step ? ` at step '${j.failed_step}'` : ''}: ${j.error}\nSee \`stepwise status ${j.job_id}\` and \`stepwise logs ${j.job_id}\`.\n`;
    case 'cancelled':
      return `Job ${j.job_id} was cancelled.\n`;
    case 'paused':
      return `Job ${j.job_id} is paused (${j.reason}${j.step ? ` at step '${j.step}'` : ''}).\nContinue it with: ${j.resume_command}\n`;
    case 'suspended':
      return (
        `Job ${j.job_id} is waiting for input:\n` +
        (j.suspended_steps as any[])
          .map((s) => `  ${s.step} (run ${s.run_id}): ${s.prompt}\n    ${commandFor(s.run_id)}`)
          .join('\n') +
        '\n'
      );
    default:
      return `${JSON.stringify(j)}\n`;
  }
}
