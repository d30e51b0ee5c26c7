/** Comparison rules of ../shared/conformance/README.md: "<any>" matches anything, numbers as JSON, subsets where stated. */
import type { CaseObservation, CaseSpec } from './case-runner.js';

export function jsonEqual(actual: unknown, expected: unknown): boolean {
  if (expected === '<any>') return true;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => jsonEqual(actual[i], e));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const ek = Object.keys(expected);
    const ak = Object.keys(actual);
    return ek.length === ak.length && ek.every((k) => k in (actual as object) && jsonEqual((actual as any)[k], (expected as any)[k]));
  }
  return actual === expected;
}

/** Objects by key (expected keys only), arrays by position. */
export function jsonSubset(actual: unknown, expected: unknown): boolean {
  if (expected === '<any>') return true;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((e, i) => jsonSubset(actual[i], e));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return false;
    return Object.keys(expected).every((k) => jsonSubset((actual as any)[k], (expected as any)[k]));
  }
  return actual === expected;
}

/** Every way the observation misses the case's expectations (empty = pass). */
export function checkCase(spec: CaseSpec, obs: CaseObservation): string[] {
  const e = spec.expect;
  const out: string[] = [];
  const j = obs.finalJson;
  const show = () => `\n  final stdout: ${obs.final.stdout.slice(0, 2000)}\n  final stderr: ${obs.final.stderr.slice(0, 2000)}`;
  if (e.exit !== undefined && obs.final.code !== e.exit) out.push(`exit ${obs.final.code}, expected ${e.exit}${show()}`);
  if (e.status !== undefined && j?.status !== e.status) out.push(`status ${j?.status}, expected ${e.status}${show()}`);
  if (e.outputs !== undefined && !jsonEqual(j?.outputs, e.outputs))
    out.push(`outputs ${JSON.stringify(j?.outputs)}, expected ${JSON.stringify(e.outputs)}`);
  if (e.error_contains !== undefined) {
    const hay = spec.command === 'validate' ? JSON.stringify(j ?? obs.final.stdout) : String(j?.error ?? '');
    if (!hay.includes(e.error_contains)) out.push(`error does not contain ${JSON.stringify(e.error_contains)}: ${hay.slice(0, 500)}`);
  }
  if (e.diagnostics) {
    const diags: any[] = j?.diagnostics ?? [];
    for (const want of e.diagnostics) {
      const hit = diags.some(
        (d) =>
          (want.line === undefined || d.line === want.line) &&
          (want.contains === undefined || `${d.message} ${d.hint ?? ''}`.includes(want.contains)),
      );
      if (!hit) out.push(`no diagnostic matching ${JSON.stringify(want)} in ${JSON.stringify(diags)}`);
    }
  }
  const stepRuns = (name: string): any[] | undefined => obs.status?.steps?.find((s: any) => s.name === name)?.runs;
  for (const [name, want] of Object.entries<any>(e.runs ?? {})) {
    const runs = stepRuns(name);
    if (!runs) {
      out.push(`status has no step '${name}': ${JSON.stringify(obs.status)?.slice(0, 500)}`);
      continue;
    }
    if (want.count !== undefined && runs.length !== want.count) out.push(`step ${name}: ${runs.length} runs, expected ${want.count}`);
    if (want.statuses !== undefined && !jsonEqual(runs.map((r) => r.status), want.statuses))
      out.push(`step ${name}: statuses ${JSON.stringify(runs.map((r) => r.status))}, expected ${JSON.stringify(want.statuses)}`);
    if (want.error_category !== undefined && !jsonEqual(runs.at(-1)?.error_category, want.error_category))
      out.push(`step ${name}: error_category ${runs.at(-1)?.error_category}, expected ${want.error_category}`);
  }
  for (const [name, want] of Object.entries<any[]>(e.artifacts ?? {})) {
    const arts = (stepRuns(name) ?? []).map((r) => r.artifact);
    if (arts.length !== want.length || !want.every((w, i) => jsonSubset(arts[i], w)))
      out.push(`step ${name}: artifacts ${JSON.stringify(arts)}, expected ${JSON.stringify(want)}`);
  }
  if (e.wait_json !== undefined && !jsonSubset(j, e.wait_json))
    out.push(`--wait JSON ${JSON.stringify(j)} does not contain ${JSON.stringify(e.wait_json)}`);
  if (e.suspended_first && !(obs.firstJson?.status === 'suspended' && obs.firstExit === 5))
    out.push(`first --wait was ${obs.firstJson?.status} (exit ${obs.firstExit}), expected suspended (exit 5)`);
  if (e.paused_first && !(obs.firstJson?.status === 'paused' && obs.firstExit === 5))
    out.push(`first --wait was ${obs.firstJson?.status} (exit ${obs.firstExit}), expected paused (exit 5)`);
  for (const [a, b] of e.overlap ?? []) {
    const ra = stepRuns(a)?.[0];
    const rb = stepRuns(b)?.[0];
    const t = (s: string | null | undefined) => (s ? Date.parse(s) : NaN);
    const ok = ra && rb && t(ra.started_at) < t(rb.completed_at) && t(rb.started_at) < t(ra.completed_at);
    if (!ok) out.push(`first runs of ${a} and ${b} did not overlap: ${JSON.stringify([ra, rb])}`);
  }
  if (e.max_seconds !== undefined && obs.seconds >= e.max_seconds) out.push(`took ${obs.seconds}s, bound ${e.max_seconds}s`);
  for (const f of obs.fulfillExits) {
    if (f.expected !== undefined && f.got !== f.expected) out.push(`fulfil exited ${f.got}, expected ${f.expected}: ${f.out.slice(0, 500)}`);
  }
  return out;
}
