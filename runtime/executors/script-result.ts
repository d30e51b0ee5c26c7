/**
 * EX-1.4/EX-1.5/E-15.4: the result of a finished script, built only from its exit code and its
 * output files, so a normal completion and a re-attach after an engine restart agree exactly.
 */
import type { AbortReason, ExecutorResult, WatchMode } from './types.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON object parsed from stdout, or null for empty/non-JSON/non-object output. */
export function parseStdoutObject(trimmed: string): Record<string, unknown> | null {
  if (trimmed === '') return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isPlainObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** E-15.4: a script printing `{"_watch": {mode, config, fulfillment_outputs}}` suspends its run. */
function watchResult(
  spec: unknown,
  defaultOutputs: string[],
  meta: Record<string, unknown>,
  state?: Record<string, unknown>,
): ExecutorResult {
  const w = isPlainObject(spec) ? spec : {};
  const mode: WatchMode = w.mode === 'poll' ? 'poll' : 'external';
  const config = isPlainObject(w.config) ? w.config : {};
  const fulfillmentOutputs = Array.isArray(w.fulfillment_outputs)
    ? w.fulfillment_outputs.filter((x): x is string => typeof x === 'string')
    : defaultOutputs;
  return { kind: 'watch', watch: { mode, config, fulfillmentOutputs }, meta, ...(state ? { state } : {}) };
}

export interface FinishedScript {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Declared output names, used as `_watch` fulfilment outputs when the script names none. */
  outputs?: string[];
  meta?: Record<string, unknown>;
  state?: Record<string, unknown>;
}

export function buildScriptResult(f: FinishedScript): ExecutorResult {
  const meta = { ...(f.meta ?? {}), exit_code: f.exitCode };
  const extra = f.state ? { state: f.state } : {};
  const stdout = f.stdout.trim();
  if (f.exitCode !== 0) {
    const error = f.stderr.trim() || `Exit code ${f.exitCode}`;
    return { kind: 'failed', error, category: null, artifact: { stdout }, meta, ...extra };
  }
  if (stdout === '') return { kind: 'data', artifact: {}, meta, ...extra };
  const obj = parseStdoutObject(stdout);
  if (obj === null) return { kind: 'data', artifact: { stdout }, meta, ...extra };
  if (Object.prototype.hasOwnProperty.call(obj, '_watch')) return watchResult(obj._watch, f.outputs ?? [], meta, f.state);
  return { kind: 'data', artifact: obj, meta, ...extra };
}

/** The abort reason as a failure: the timeout decorator's `{category, message}`, else a user cancel. */
export function abortedResult(reason: unknown, meta?: Record<string, unknown>): ExecutorResult {
  const r = reason as Partial<AbortReason> | undefined;
  if (r && typeof r === 'object' && typeof r.category === 'string' && typeof r.message === 'string') {
    return { kind: 'failed', error: r.message, category: r.category, ...(meta ? { meta } : {}) };
  }
  return { kind: 'failed', error: 'Cancelled', category: 'user_cancelled', ...(meta ? { meta } : {}) };
}

/** EX-1.6/E-8.5: failures raised before the command could run. */
export function crashResult(message: string, meta?: Record<string, unknown>): ExecutorResult {
  return { kind: 'failed', error: `Executor crash: ${message}`, category: 'executor_crash', ...(meta ? { meta } : {}) };
}
