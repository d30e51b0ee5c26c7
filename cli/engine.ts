/**
 * Opens the runtime lazily: commands that never touch jobs (validate, schema, diagram)
 * do not pay for loading SQLite and XState. `withEngine`/`withJob` are the one way a
 * command opens the project's engine, so every command closes it and words a missing job
 * the same way.
 */
import type { Command } from 'commander';
import type { JobRecord, Stepwise } from '../runtime/types.js';
import { CliError } from './cli-error.js';
import { loadProjectSettings } from './project-config.js';
import { requireProjectDir } from './project.js';

/** The project's engine, with its settings (E-7.2 caps; a bad setting exits 2 naming it). */
export async function openEngine(projectDir: string): Promise<Stepwise> {
  const { executorCaps } = await loadProjectSettings(projectDir);
  const { openStepwise } = await import('../runtime/index.js');
  return openStepwise({ projectDir, executorCaps });
}

/** Runs `fn` on the engine of the command's project (exit 4 without one), closing it afterwards. */
export async function withEngine<T>(cmd: Command, fn: (engine: Stepwise) => Promise<T> | T): Promise<T> {
  const engine = await openEngine(requireProjectDir(cmd.optsWithGlobals().projectDir));
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** The job, or exit 1 with the command that lists jobs (CLI-2). */
export function requireJob(engine: Stepwise, jobId: string): JobRecord {
  const job = engine.store.getJob(jobId);
  if (!job) throw new CliError(`no job '${jobId}' in this project. List jobs with \`stepwise jobs\`.`, 1);
  return job;
}

/** `withEngine` for commands about one job. */
export function withJob<T>(cmd: Command, jobId: string, fn: (engine: Stepwise, job: JobRecord) => Promise<T> | T): Promise<T> {
  return withEngine(cmd, (engine) => fn(engine, requireJob(engine, jobId)));
}
