/**
 * V-6: for a typed external step, every combination of output values a human can submit
 * should be routed by some exit rule. Each field gets a small domain (bool → true/false,
 * choice → its options, number → min or 0, str/text → "sample", plus null when optional);
 * combinations no rule matches are reported. Skipped above 256 combinations.
 */
import { evaluate, truthy } from '../grammars/expr/index.js';
import type { OutputSpec } from './ir.js';
import type { FlowModel } from './model.js';
import { report } from './source-context.js';

const MAX_COMBOS = 256;

function domain(o: OutputSpec): unknown[] {
  let values: unknown[];
  if (o.type === 'bool') values = [true, false];
  else if (o.type === 'choice') values = o.multiple ? (o.options ?? []).map((x) => [x]) : [...(o.options ?? [])];
  else if (o.type === 'number') values = [o.min ?? 0];
  else values = ['sample'];
  return o.required ? values : [...values, null];
}

export function checkExitCoverage(model: FlowModel): void {
  for (const m of model.steps) {
    const s = m.step;
    if (s.kind !== 'external' || !s.outputsTyped || s.exits.length === 0 || s.outputs.length === 0) continue;
    if (s.exits.some((r) => !r.when?.ast)) continue;
    const domains = s.outputs.map(domain);
    const total = domains.reduce((n, d) => n * Math.max(1, d.length), 1);
    if (total > MAX_COMBOS) continue;
    const uncovered: Record<string, unknown>[] = [];
    const combo: Record<string, unknown> = {};
    const walk = (i: number) => {
      if (i === s.outputs.length) {
        const scope = { outputs: { ...combo }, attempt: 1, max_attempts: null };
        const hit = s.exits.some((r) => {
          const res = evaluate(r.when!.ast!, scope, { maxSteps: 10_000 });
          return res.ok && truthy(res.value);
        });
        if (!hit) uncovered.push({ ...combo });
        return;
      }
      const out = s.outputs[i]!;
      for (const v of domains[i]!.length ? domains[i]! : [null]) {
        if (v === null) delete combo[out.name];
        else combo[out.name] = v;
        walk(i + 1);
      }
      delete combo[out.name];
    };
    walk(0);
    if (uncovered.length === 0) continue;
    const shown = uncovered.slice(0, 3).map((c) => JSON.stringify(c)).join(', ');
    report(m.ctx, 'FLOW_UNCOVERED_OUTPUTS', s.exits[0]!.loc ?? s.loc ?? null, `Step '${s.name}': no exit rule matches ${uncovered.length} possible submission${uncovered.length === 1 ? '' : 's'}, e.g. ${shown}`);
  }
}
