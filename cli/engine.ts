/**
 * Opens the runtime lazily: commands that never touch jobs (validate, schema, diagram)
 * do not pay for loading SQLite and XState.
 */
import type { Stepwise } from '../runtime/types.js';

export async function openEngine(projectDir: string): Promise<Stepwise> {
  const { openStepwise } = await import('../runtime/index.js');
  return openStepwise({ projectDir });
}
