/**
 * SPEC T-4: the environment of a script child. It inherits the engine's environment, then
 * gets the job/step variables and one `STEPWISE_INPUT_<local>` per input (case preserved).
 * A null input leaves its variable unset (D-1), so `${STEPWISE_INPUT_x:-default}` works.
 */
import path from 'node:path';
import type { ExecutorContext } from './types.js';
import { pythonStr } from './template.js';

export const INPUT_ENV_PREFIX = 'STEPWISE_INPUT_';

/** An input value as an environment string, or undefined for "unset" (null/absent). */
export function inputEnvValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return pythonStr(v);
}

/** STEPWISE_PROJECT_DIR per T-4: inherited value, else the engine's project dir, else flow dir, else workspace. */
export function resolveProjectDir(ctx: ExecutorContext, base: NodeJS.ProcessEnv): string {
  return base.STEPWISE_PROJECT_DIR || ctx.projectDir || ctx.flowDir || ctx.workspace;
}

/**
 * `base` without the inputs of an enclosing stepwise script (they must not leak into this step
 * as if they were its own). Enumerating `process.env` crosses into C++ for every variable
 * (~50 µs a step), so a given base object is read once: for `process.env` that is the
 * environment as it was at the first step of this process.
 */
const inherited = new WeakMap<NodeJS.ProcessEnv, NodeJS.ProcessEnv>();
function inheritedEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let env = inherited.get(base);
  if (!env) {
    env = {};
    for (const [k, v] of Object.entries(base)) if (!k.startsWith(INPUT_ENV_PREFIX)) env[k] = v;
    inherited.set(base, env);
  }
  return env;
}

export function buildScriptEnv(
  inputs: Record<string, unknown>,
  ctx: ExecutorContext,
  io: { dir: string; input: string },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...inheritedEnv(base) };
  const projectDir = resolveProjectDir(ctx, base);
  env.JOB_ENGINE_INPUTS = io.input;
  env.JOB_ENGINE_WORKSPACE = ctx.workspace;
  env.STEPWISE_STEP_IO = io.dir;
  env.STEPWISE_PROJECT_DIR = projectDir;
  env.STEPWISE_ATTEMPT = String(ctx.attempt);
  env.PYTHONPATH = base.PYTHONPATH ? `${projectDir}${path.delimiter}${base.PYTHONPATH}` : projectDir;
  if (ctx.flowDir) env.STEPWISE_FLOW_DIR = ctx.flowDir;
  else delete env.STEPWISE_FLOW_DIR;
  for (const [name, value] of Object.entries(inputs)) {
    const text = inputEnvValue(value);
    if (text !== undefined) env[`${INPUT_ENV_PREFIX}${name}`] = text;
  }
  return env;
}
