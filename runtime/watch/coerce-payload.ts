/**
 * Typed fulfilment of a suspended run (SPEC E-15.2, EX-3), as a pure function: required
 * fields first, then per-field coercion. Every problem is reported at once so a human (or an
 * agent) fixes the payload in one round trip; nothing here throws.
 */
import type { OutputSpec } from '../../compiler/ir.js';
import { pythonStr } from '../executors/template.js';

export type CoerceResult =
  | { ok: true; payload: Record<string, unknown> }
  | { ok: false; error: string; problems: string[] };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const blank = (v: unknown): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));
const list = (xs: unknown[]): string => `[${xs.map((x) => (typeof x === 'string' ? `'${x}'` : JSON.stringify(x))).join(', ')}]`;

/**
 * `fields` = the watch's fulfilment outputs; `schema` = the step's typed outputs (null when
 * the step's outputs are an untyped list: then only presence is checked). Extra keys are kept.
 */
export function coercePayload(payload: unknown, fields: string[], schema: OutputSpec[] | null): CoerceResult {
  if (!isPlainObject(payload)) {
    const kind = Array.isArray(payload) ? 'a list' : payload === null ? 'null' : `a ${typeof payload}`;
    const problem = `Payload must be a JSON object, got ${kind}`;
    return { ok: false, error: problem, problems: [problem] };
  }
  const specs = new Map((schema ?? []).map((s) => [s.name, s]));
  const missing: string[] = [];
  for (const f of fields) {
    const spec = specs.get(f);
    const required = spec ? spec.required : true;
    if (required && blank(payload[f])) missing.push(`Payload missing required field '${f}' (expected: ${list(fields)})`);
  }
  const out: Record<string, unknown> = { ...payload };
  const typing: string[] = [];
  for (const spec of schema ?? []) {
    const v = payload[spec.name];
    if (blank(v)) {
      if (!spec.required) {
        if (spec.hasDefault) out[spec.name] = spec.default;
        else delete out[spec.name];
      }
      continue; // a blank required field is already reported as missing
    }
    const r = coerceField(spec, v);
    if (r.ok) out[spec.name] = r.value;
    else typing.push(`Field '${spec.name}': ${r.error}`);
  }
  const problems = [...missing, ...typing];
  if (problems.length === 0) return { ok: true, payload: out };
  const parts = [...missing];
  if (typing.length) parts.push(`Payload validation failed: ${typing.join('; ')}`);
  return { ok: false, error: parts.join('; '), problems };
}

export type FieldResult = { ok: true; value: unknown } | { ok: false; error: string };

/** One non-blank value against its field spec (EX-3). */
export function coerceField(spec: OutputSpec, v: unknown): FieldResult {
  switch (spec.type) {
    case 'number':
      return coerceNumber(spec, v);
    case 'bool':
      return coerceBool(v);
    case 'choice':
      return coerceChoice(spec, v);
    default:
      // str, text (and session): non-strings are stringified the way Python's str() would.
      if (typeof v === 'string') return { ok: true, value: v };
      return { ok: true, value: typeof v === 'object' ? JSON.stringify(v) : pythonStr(v) };
  }
}

function coerceNumber(spec: OutputSpec, v: unknown): FieldResult {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.trim()))) n = Number(v.trim());
  else return { ok: false, error: `expected a number, got ${show(v)}` };
  if (!Number.isFinite(n)) return { ok: false, error: `expected a finite number, got ${show(v)}` };
  if (typeof spec.min === 'number' && n < spec.min) return { ok: false, error: `value ${n} below minimum ${spec.min}` };
  if (typeof spec.max === 'number' && n > spec.max) return { ok: false, error: `value ${n} above maximum ${spec.max}` };
  return { ok: true, value: n };
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

function coerceBool(v: unknown): FieldResult {
  if (typeof v === 'boolean') return { ok: true, value: v };
  const s = typeof v === 'string' ? v.trim().toLowerCase() : typeof v === 'number' ? String(v) : null;
  if (s !== null && TRUE.has(s)) return { ok: true, value: true };
  if (s !== null && FALSE.has(s)) return { ok: true, value: false };
  return { ok: false, error: `expected a boolean (true/false, yes/no, 1/0), got ${show(v)}` };
}

function coerceChoice(spec: OutputSpec, v: unknown): FieldResult {
  const options = spec.options ?? [];
  const valid = (x: unknown): boolean => options.some((o) => o === x || (typeof x === 'string' && String(o) === x));
  const canonical = (x: unknown): unknown => options.find((o) => o === x || (typeof x === 'string' && String(o) === x));
  if (spec.multiple) {
    if (!Array.isArray(v)) return { ok: false, error: `expected a list of options from ${list(options)}, got ${show(v)}` };
    const bad = v.filter((x) => !valid(x));
    if (bad.length) return { ok: false, error: `invalid option(s) ${bad.map(show).join(', ')} (allowed: ${list(options)})` };
    return { ok: true, value: v.map(canonical) };
  }
  if (!valid(v)) return { ok: false, error: `${show(v)} is not one of ${list(options)}` };
  return { ok: true, value: canonical(v) };
}
