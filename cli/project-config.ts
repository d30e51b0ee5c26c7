/**
 * Project settings (EVENTS_AND_API §1): defaults < `~/.config/stepwise/config.yaml|json` <
 * `.stepwise/config.yaml` < `.stepwise/config.local.yaml`. Only the settings the engine uses
 * are read and checked: `max_concurrent_agents` and `max_concurrent_by_executor` (E-7.2);
 * `max_concurrent_by_agent` is checked and kept for the agent executor. A bad value exits 2
 * naming the file, line, column and field. A file with nothing but comments costs no YAML parse.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-error.js';
import { loadYaml } from './load-yaml.js';

export interface ProjectSettings {
  /** Caps per executor type for `openStepwise` (0 = unlimited). */
  executorCaps: Record<string, number>;
  maxConcurrentByAgent: Record<string, number>;
}

type Scalar = { value: unknown; line: number; col: number };
type Source = { file: string; values: Map<string, Scalar | Map<string, Scalar>> };

const FIELDS = ['max_concurrent_agents', 'max_concurrent_by_executor', 'max_concurrent_by_agent'] as const;

function candidates(projectDir: string): string[] {
  const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return [
    join(xdg, 'stepwise', 'config.yaml'),
    join(xdg, 'stepwise', 'config.json'),
    join(projectDir, '.stepwise', 'config.yaml'),
    join(projectDir, '.stepwise', 'config.local.yaml'),
  ];
}

/** Where a parsed YAML node starts (its value, else its key). */
const startOf = (...nodes: unknown[]): number | undefined => {
  for (const n of nodes) {
    const r = (n as { range?: number[] } | null)?.range;
    if (r) return r[0];
  }
  return undefined;
};

const onlyComments = (text: string): boolean => text.split('\n').every((l) => /^\s*(#.*)?$/.test(l));

const bad = (file: string, at: { line: number; col: number }, field: string, what: string): CliError =>
  new CliError(`${file}:${at.line}:${at.col}: ${field} ${what}`, 2);

async function readSource(file: string): Promise<Source | null> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  if (onlyComments(text)) return null;
  const { isMap, isScalar, LineCounter, parseDocument } = await loadYaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const pos = (offset: number | undefined) => {
    const p = lc.linePos(offset ?? 0);
    return { line: p.line, col: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new CliError(`${file}:${e.linePos?.[0]?.line ?? 1}:${e.linePos?.[0]?.col ?? 1}: not valid YAML (${e.message.split('\n')[0]}). Fix the file or empty it.`, 2);
  }
  const values: Source['values'] = new Map();
  if (doc.contents === null) return { file, values };
  if (!isMap(doc.contents)) throw new CliError(`${file}:1:1: the settings must be a mapping (key: value lines).`, 2);
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!(FIELDS as readonly string[]).includes(key)) continue; // other settings belong to other parts of Stepwise
    const at = pos(startOf(pair.value, pair.key));
    if (key === 'max_concurrent_agents') {
      values.set(key, { value: isScalar(pair.value) ? pair.value.value : pair.value === null ? null : 'a collection', ...at });
      continue;
    }
    if (!isMap(pair.value)) throw bad(file, at, key, `must be a mapping of name to a whole number, e.g.\n  ${key}:\n    script: 4`);
    const m = new Map<string, Scalar>();
    for (const p of pair.value.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      m.set(k, { value: isScalar(p.value) ? p.value.value : 'a collection', ...pos(startOf(p.value, p.key)) });
    }
    values.set(key, m);
  }
  return { file, values };
}

function count(file: string, field: string, s: Scalar): number {
  if (typeof s.value === 'number' && Number.isInteger(s.value) && s.value >= 0) return s.value;
  throw bad(file, s, field, `must be a whole number ≥ 0 (0 = unlimited), not ${JSON.stringify(s.value) ?? String(s.value)}.`);
}

export async function loadProjectSettings(projectDir: string): Promise<ProjectSettings> {
  let agents: number | undefined;
  const byExecutor: Record<string, number> = {};
  const byAgent: Record<string, number> = {};
  for (const file of candidates(projectDir)) {
    const src = await readSource(file);
    if (!src) continue;
    const a = src.values.get('max_concurrent_agents');
    if (a && !(a instanceof Map)) agents = count(file, 'max_concurrent_agents', a);
    for (const [field, into] of [['max_concurrent_by_executor', byExecutor], ['max_concurrent_by_agent', byAgent]] as const) {
      const m = src.values.get(field);
      if (m instanceof Map) for (const [k, v] of m) into[k] = count(file, `${field}.${k}`, v);
    }
  }
  // E-7.2: max_concurrent_agents seeds the agent cap; max_concurrent_by_executor overrides it.
  const executorCaps = { ...(agents !== undefined ? { agent: agents } : {}), ...byExecutor };
  return { executorCaps, maxConcurrentByAgent: byAgent };
}
