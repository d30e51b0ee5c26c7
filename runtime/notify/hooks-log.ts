/** `.stepwise/logs/hooks.log` (P-1, P-5): one entry per failed hook run or webhook delivery. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function hooksLogPath(projectDir: string): string {
  return join(projectDir, '.stepwise', 'logs', 'hooks.log');
}

/** Never throws: a log that cannot be written must not turn a notification failure into an engine failure (D-12). */
export function appendHooksLog(projectDir: string, at: string, line: string, detail?: string): void {
  const path = hooksLogPath(projectDir);
  const text = `[${at}] ${line}\n${detail ? `  ${detail.trimEnd().replace(/\n/g, '\n  ')}\n` : ''}`;
  try {
    mkdirSync(join(projectDir, '.stepwise', 'logs'), { recursive: true });
    appendFileSync(path, text);
  } catch {
    // disk full or project removed: nothing more to do
  }
}
