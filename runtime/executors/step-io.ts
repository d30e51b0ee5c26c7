/**
 * Where a script attempt leaves its traces (EX-1.3, T-4): `<ws>/.stepwise/step-io/<step>-<attempt>`
 * plus `.stdout`, `.stderr`, `.exitcode` and `.input.json`. Retries inside one run (EX-7.2) add
 * `-r<i>` so each execution keeps its own files. The files outlive the engine, so a restarted
 * engine can rebuild the result from them (D-R2, E-23.2).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface StepIoPaths {
  dir: string;
  stdout: string;
  stderr: string;
  exitCode: string;
  input: string;
}

export function stepIoDir(workspace: string): string {
  return path.join(workspace, '.stepwise', 'step-io');
}

export function stepIoPaths(workspace: string, step: string, attempt: number, retryIndex = 0): StepIoPaths {
  const dir = stepIoDir(workspace);
  // Step names are YAML keys: keep a separator or NUL in one from escaping the directory.
  const safeStep = step.replace(/[/\\\0]/g, '_');
  const base = path.join(dir, `${safeStep}-${attempt}${retryIndex > 0 ? `-r${retryIndex}` : ''}`);
  return {
    dir,
    stdout: `${base}.stdout`,
    stderr: `${base}.stderr`,
    exitCode: `${base}.exitcode`,
    input: `${base}.input.json`,
  };
}

/** File contents, or "" when the file does not exist (a command that never wrote). */
export function readTextOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The recorded exit code, or null when the wrapper never wrote one (it was killed, or is still running). */
export function readExitCode(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  const code = Number.parseInt(text, 10);
  return /^-?\d+$/.test(text) && Number.isFinite(code) ? code : null;
}
