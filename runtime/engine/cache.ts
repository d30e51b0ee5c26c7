/**
 * E-18 result cache, in the same database (table `cache`); works in every mode (D-12).
 * Key = sha256 of canonical JSON {inputs, executor_type, executor_config (after Stage A,
 * minus runtime keys), engine_version, key_extra}.
 */
import { createHash } from 'node:crypto';
import type { CompiledStep } from '../../compiler/ir.js';
import type { Store } from '../store/store.js';
import type { RunRecord } from '../types.js';
import type { LiveJob } from './live-job.js';

export const ENGINE_VERSION = '0.1.0';
const RUNTIME_KEYS = new Set([
  '_registry', '_config', '_depth_remaining', '_project_dir', '_prev_session_name', '_session_lock_manager',
  '_injected_contexts', 'working_dir', 'flow_dir',
]);
const NEVER = new Set(['external', 'poll', 'for_each', 'sub_flow']);

export function isCacheable(step: CompiledStep): boolean {
  if (NEVER.has(step.kind) || NEVER.has(step.executor.type)) return false;
  return !(step.executor.type === 'agent' && step.executor.config.emit_flow === true);
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function cacheKey(step: CompiledStep, inputs: Record<string, unknown>, renderedConfig: Record<string, unknown>): string {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(renderedConfig)) if (!RUNTIME_KEYS.has(k)) config[k] = v;
  const body = {
    inputs,
    executor_type: step.executor.type,
    executor_config: config,
    engine_version: ENGINE_VERSION,
    key_extra: step.cache?.keyExtra ?? '',
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function cacheKeyFor(step: CompiledStep, run: RunRecord): string {
  const config = (run.executorState?._interpolated_config ?? step.executor.config) as Record<string, unknown>;
  return cacheKey(step, run.inputs, config);
}

export function cacheLookup(store: Store, key: string, nowMs: number): Record<string, unknown> | null {
  const row = store.st('SELECT result, expires_at FROM cache WHERE key = ?').get(key) as
    | { result: string; expires_at: number }
    | undefined;
  if (!row || row.expires_at <= nowMs) return null;
  store.st('UPDATE cache SET hit_count = hit_count + 1 WHERE key = ?').run(key);
  return JSON.parse(row.result) as Record<string, unknown>;
}

function defaultTtlSeconds(step: CompiledStep): number {
  return step.executor.type === 'llm' || step.executor.type === 'agent' ? 24 * 3600 : 3600;
}

export function cacheWrite(
  engine: { store: Store; clock: { now(): number }; now(): string },
  step: CompiledStep,
  job: LiveJob,
  key: string,
  artifact: Record<string, unknown>,
): void {
  const ttl = step.cache?.ttlSeconds ?? defaultTtlSeconds(step);
  engine.store
    .st(
      `INSERT INTO cache (key, step_name, flow_name, result, created_at, expires_at, hit_count) VALUES (?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT(key) DO UPDATE SET result = excluded.result, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    )
    .run(key, step.name, job.flow.name, JSON.stringify(artifact), engine.now(), engine.clock.now() + ttl * 1000);
}
