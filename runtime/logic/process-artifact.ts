/**
 * E-8.3: derived outputs (each artifact key is a name), declared-output validation and
 * the 5 MiB size cap. A violation is a message; the engine then halts the job.
 */
import type { CompiledStep } from '../../compiler/ir.js';
import { evalExpr, plainJson } from './expr.js';
import { pyList } from './exit-rules.js';

export const MAX_ARTIFACT_BYTES = 5 * 1024 * 1024;

export type ArtifactCheck = { ok: true; artifact: Record<string, unknown> } | { ok: false; error: string };

export function applyDerivedOutputs(step: CompiledStep, artifact: Record<string, unknown>): ArtifactCheck {
  if (step.derivedOutputs.length === 0) return { ok: true, artifact };
  const out = { ...artifact };
  for (const d of step.derivedOutputs) {
    const r = evalExpr(d.expr, artifact);
    if (!r.ok) return { ok: false, error: `Step '${step.name}': Derived output '${d.name}' expression failed: ${r.message}` };
    out[d.name] = plainJson(r.value);
  }
  return { ok: true, artifact: out };
}

export function validateOutputs(step: CompiledStep, artifact: Record<string, unknown>): string | null {
  const required = step.outputs.filter((o) => !(step.outputsTyped && !o.required)).map((o) => o.name);
  const missing = required.filter((n) => !Object.prototype.hasOwnProperty.call(artifact, n));
  if (missing.length) return `artifact missing declared outputs: ${pyList(missing)} (got: ${pyList(Object.keys(artifact))})`;
  return null;
}

export function checkSize(artifact: Record<string, unknown>): string | null {
  const size = Buffer.byteLength(JSON.stringify(artifact), 'utf8');
  return size > MAX_ARTIFACT_BYTES ? `artifact too large: ${size} bytes > ${MAX_ARTIFACT_BYTES} bytes (5 MiB)` : null;
}

/** Derived outputs, then validation, then size (E-8.3 order). */
export function processArtifact(step: CompiledStep, artifact: Record<string, unknown>): ArtifactCheck {
  const d = applyDerivedOutputs(step, artifact);
  if (!d.ok) return d;
  const v = validateOutputs(step, d.artifact);
  if (v) return { ok: false, error: v };
  const s = checkSize(d.artifact);
  if (s) return { ok: false, error: s };
  return d;
}
