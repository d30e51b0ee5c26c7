/**
 * Job inputs from the command line (SPEC F-3.2, CLI-3): declared defaults, then
 * `STEPWISE_VAR_<NAME>`, then `<flow>.config.local.yaml` / `config.local.yaml` beside a
 * directory flow, then `--vars-file`, then `--input k=v` (highest). CLI values stay strings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { CompiledFlow } from '../compiler/ir.js';
import { CliError } from './cli-error.js';
import { loadYaml } from './load-yaml.js';

export async function collectInputs(flow: CompiledFlow, opts: { input?: string[]; varsFile?: string }, cwd: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of flow.vars) if (v.hasDefault) out[v.name] = v.default;
  for (const v of flow.vars) {
    const env = process.env[`STEPWISE_VAR_${v.name.toUpperCase()}`];
    if (env !== undefined) out[v.name] = env;
  }
  if (flow.sourceFile) {
    const file = flow.sourceFile;
    const local = basename(file) === 'FLOW.yaml' ? join(dirname(file), 'config.local.yaml') : join(dirname(file), `${basename(file).replace(/\.ya?ml$/, '').replace(/\.flow$/, '')}.config.local.yaml`);
    if (existsSync(local)) Object.assign(out, await readVarsFile(local));
  }
  if (opts.varsFile) Object.assign(out, await readVarsFile(join(cwd, opts.varsFile), opts.varsFile));
  for (const raw of opts.input ?? []) {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new CliError(`--input '${raw}' is not key=value. Write it as --input name=value.`, 2);
    const key = raw.slice(0, eq);
    let value: string = raw.slice(eq + 1);
    if (value.startsWith('@')) {
      const p = join(cwd, value.slice(1));
      if (!existsSync(p)) throw new CliError(`--input ${key}=@${value.slice(1)}: file not found (${p}).`, 2);
      value = readFileSync(p, 'utf8');
    }
    out[key] = value;
  }
  return out;
}

async function readVarsFile(path: string, shown = path): Promise<Record<string, unknown>> {
  if (!existsSync(path)) throw new CliError(`--vars-file ${shown}: file not found.`, 2);
  const text = readFileSync(path, 'utf8');
  const json = extname(path) === '.json';
  const yaml = json ? null : await loadYaml();
  let data: unknown;
  try {
    data = yaml ? yaml.parse(text) : JSON.parse(text);
  } catch (err) {
    throw new CliError(`${shown}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`, 2);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new CliError(`${shown}: must hold a mapping of input names to values.`, 2);
  return data as Record<string, unknown>;
}

/** CLI-5: every `$job.f` bound non-optionally by a top-level step (minus config vars with `required: false`) must have a value. */
export function missingInputs(flow: CompiledFlow, inputs: Record<string, unknown>, flowRef: string): string | null {
  const decl = new Map(flow.vars.map((v) => [v.name, v]));
  const needed = new Set(flow.jobFieldsUsed);
  for (const v of flow.vars) if (v.required && !v.hasDefault) needed.add(v.name);
  const missing = [...needed].filter((f) => {
    const d = decl.get(f);
    if (d && !d.required && (d.origin === 'config' || d.hasDefault)) return false;
    return inputs[f] === undefined || inputs[f] === null;
  });
  if (missing.length === 0) return null;
  const names = missing.map((f) => {
    const d = decl.get(f);
    return d?.description ? `${f} (${d.description})` : f;
  });
  const flags = missing
    .map((f) => (decl.get(f)?.sensitive ? `STEPWISE_VAR_${f.toUpperCase()}=...` : `--input ${f}="..."`))
    .join(' ');
  return `Missing required input(s): ${names.join(', ')}. Usage: stepwise run ${flowRef} --wait --output json ${flags}`;
}
