/**
 * Progress on stderr for long runs (DESIGN §6): one line per step event when stderr is not
 * a terminal (logs stay readable), a single rewritten status line when it is.
 */
import type { EventEnvelope, Stepwise } from '../runtime/types.js';

const SYMBOL: Record<string, string> = {
  'step.started': '▶',
  'step.completed': '✓',
  'step.failed': '✗',
  'step.skipped': '○',
  'step.suspended': '⏸',
  'step.delegated': '↳',
  'step.throttled': '…',
  'loop.iteration': '↻',
  'job.paused': '⏸',
  'job.completed': '✓',
  'job.failed': '✗',
  'job.cancelled': '■',
};

export function describeEvent(e: EventEnvelope): string | null {
  const sym = SYMBOL[e.event];
  if (!sym) return null;
  const d = e.data as Record<string, any>;
  switch (e.event) {
    case 'step.started':
      return `${sym} ${d.step} (attempt ${d.attempt})`;
    case 'step.completed':
      return `${sym} ${d.step}${d.from_cache ? ' (from cache)' : ''}`;
    case 'step.failed':
      return `${sym} ${d.step}: ${String(d.error ?? '').split('\n')[0]}`;
    case 'step.skipped':
      return `${sym} ${d.step} skipped (${d.reason})`;
    case 'step.suspended':
      return `${sym} ${d.step} waits for input (run ${d.run_id})`;
    case 'step.throttled':
      return `${sym} ${d.step} waits for a ${d.executor_type} slot (${d.running} of ${d.limit} running; max_concurrent_by_executor)`;
    case 'step.delegated':
      return `${sym} ${d.step} → sub-job ${d.sub_job_id}`;
    case 'loop.iteration':
      return `${sym} ${d.step} loops to ${d.target} (#${d.count})`;
    case 'job.paused':
      return `${sym} job paused${d.reason ? `: ${d.reason}` : ''}`;
    case 'job.completed':
      return `${sym} job completed`;
    case 'job.failed':
      return `${sym} job failed${d.error ? `: ${String(d.error).split('\n')[0]}` : d.reason ? `: ${d.reason}` : ''}`;
    case 'job.cancelled':
      return `${sym} job cancelled`;
  }
  return null;
}

/** Subscribes a progress printer for one job (and its sub-jobs' step events are ignored). Returns the unsubscribe. */
export function attachProgress(engine: Stepwise, jobId: string, opts: { tty: boolean }): () => void {
  const started = Date.now();
  let done = 0;
  let last = '';
  const off = engine.onEvent((e) => {
    if (e.job_id !== jobId) return;
    if (e.event === 'step.completed' || e.event === 'step.skipped') done++;
    const line = describeEvent(e);
    if (!line) return;
    if (opts.tty) {
      last = `[${((Date.now() - started) / 1000).toFixed(1)}s] ${done} done · ${line}`;
      process.stderr.write(`\r\x1b[2K${last}`);
    } else {
      process.stderr.write(`${line}\n`);
    }
  });
  return () => {
    off();
    if (opts.tty && last) process.stderr.write('\n');
  };
}
