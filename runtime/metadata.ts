/**
 * Job metadata rules (SPEC S-4, P-7, E-17.3): exactly `sys` + `app` objects, ≤ 8192 bytes
 * serialized; `sys` keys from a fixed list (strings), `depth` an int ≤ 10.
 */
const SYS_STRING_KEYS = new Set([
  'origin', 'session_id', 'parent_job_id', 'root_job_id', 'created_by', 'notify_url', 'schedule_id', 'schedule_name',
  'tick_id', 'trigger',
]);
export const MAX_METADATA_BYTES = 8192;
export const MAX_DEPTH = 10;

/** An error message naming the offending field, or null when the metadata is valid. */
export function checkMetadata(meta: { sys?: Record<string, unknown>; app?: Record<string, unknown> } | undefined): string | null {
  if (meta === undefined) return null;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return 'metadata must be an object with `sys` and `app`';
  for (const k of Object.keys(meta)) if (k !== 'sys' && k !== 'app') return `unknown metadata key '${k}' (only 'sys' and 'app' are allowed)`;
  for (const part of ['sys', 'app'] as const) {
    const v = meta[part];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) return `metadata.${part} must be an object`;
  }
  for (const [k, v] of Object.entries(meta.sys ?? {})) {
    if (k === 'depth') {
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_DEPTH) return `metadata.sys.depth must be an integer 0..${MAX_DEPTH}`;
    } else if (!SYS_STRING_KEYS.has(k)) {
      return `metadata.sys.${k} is not allowed (allowed: ${[...SYS_STRING_KEYS, 'depth'].join(', ')}); put custom keys under metadata.app`;
    } else if (typeof v !== 'string') return `metadata.sys.${k} must be a string`;
  }
  const size = Buffer.byteLength(JSON.stringify({ sys: meta.sys ?? {}, app: meta.app ?? {} }), 'utf8');
  if (size > MAX_METADATA_BYTES) return `metadata is ${size} bytes serialized; the limit is ${MAX_METADATA_BYTES}`;
  return null;
}
