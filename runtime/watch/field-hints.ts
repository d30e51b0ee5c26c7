/**
 * What a human needs to fulfil a suspended run: a one-line description of the expected
 * fields and their types (the hint of a rejection), and an example payload for the exact
 * `stepwise fulfill <run> '<json>'` command printed by `list --suspended` and `run`.
 */
import type { OutputSpec } from '../../compiler/ir.js';
import { shellQuote } from '../../grammars/template/shell-quote.js';
import { watchFields, watchSchema } from './normalize-watch.js';

/** The spec of each fulfilment field (an untyped field is a required `str`). */
export function fieldSpecs(fields: string[], schema: OutputSpec[] | null): OutputSpec[] {
  const by = new Map((schema ?? []).map((s) => [s.name, s]));
  return fields.map(
    (f) => by.get(f) ?? { name: f, type: 'str', required: true, hasDefault: false, description: '' },
  );
}

/** The fulfilment fields of a run's stored watch, typed from its schema (inbox, prompts, hooks, --wait). */
export function watchFieldSpecs(watch: Record<string, unknown> | null): OutputSpec[] {
  return fieldSpecs(watchFields(watch), watchSchema(watch));
}

export function describeField(s: OutputSpec): string {
  const bits: string[] = [s.type === 'text' ? 'text' : s.type];
  if (s.type === 'choice') bits[0] = `choice${s.multiple ? ' (list)' : ''}: ${(s.options ?? []).map(String).join('|')}`;
  if (s.type === 'number' && (s.min !== undefined || s.max !== undefined)) bits.push(`${s.min ?? '-inf'}..${s.max ?? 'inf'}`);
  if (s.type === 'bool') bits[0] = 'bool: true/false';
  if (!s.required) bits.push('optional');
  if (s.hasDefault) bits.push(`default ${JSON.stringify(s.default)}`);
  return `${s.name} (${bits.join(', ')})`;
}

export function describeFields(specs: OutputSpec[]): string {
  return specs.length ? `Expected fields: ${specs.map(describeField).join('; ')}` : 'Expected: a JSON object (no declared fields)';
}

export function exampleValue(s: OutputSpec): unknown {
  switch (s.type) {
    case 'number':
      return typeof s.min === 'number' ? s.min : typeof s.max === 'number' ? Math.min(0, s.max) : 0;
    case 'bool':
      return true;
    case 'choice': {
      const first = (s.options ?? [])[0] ?? '...';
      return s.multiple ? [first] : first;
    }
    default:
      return '...';
  }
}

/** Required fields and fields without a default (optional ones with a default are left out). */
export function examplePayload(specs: OutputSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of specs) if (s.required || !s.hasDefault) out[s.name] = exampleValue(s);
  return out;
}

export function fulfillCommand(runId: string, specs: OutputSpec[]): string {
  return `stepwise fulfill ${runId} ${shellQuote(JSON.stringify(examplePayload(specs)))}`;
}
