import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonOut, runCli } from '../support/cli.js';

/** A fresh project directory holding the given files. */
export function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-e2e-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export async function sw(dir: string, ...args: string[]) {
  return runCli(args, { cwd: dir });
}

export async function swJson(dir: string, ...args: string[]) {
  const r = await runCli(args, { cwd: dir });
  return { ...r, json: parseJsonOut(r) };
}

export const SLOW_FLOW = `name: slow
steps:
  a:
    run: sleep 0.6; echo '{"x": 1}'
    outputs: [x]
  b:
    run: sleep 0.6; echo '{"y": 2}'
    inputs: { x: a.x }
    outputs: [y]
`;
