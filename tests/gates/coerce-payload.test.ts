/** EX-3 / E-15.2 typed fulfilment, as a pure function: one case per field kind and per message. */
import { describe, expect, it } from 'vitest';
import type { OutputSpec } from '../../compiler/ir.js';
import { coerceField, coercePayload } from '../../runtime/watch/coerce-payload.js';

const f = (name: string, type: OutputSpec['type'], extra: Partial<OutputSpec> = {}): OutputSpec => ({
  name,
  type,
  required: true,
  hasDefault: false,
  description: '',
  ...extra,
});

const c16 = [
  f('score', 'number', { min: 0, max: 10 }),
  f('decision', 'choice', { options: ['approve', 'revise'] }),
  f('flag', 'bool'),
  f('note', 'str', { required: false, hasDefault: true, default: 'n/a' }),
];
const fields = c16.map((s) => s.name);

describe('EX-3 field kinds', () => {
  it('number: numeric strings become floats; numbers pass', () => {
    expect(coerceField(f('n', 'number'), '7')).toEqual({ ok: true, value: 7 });
    expect(coerceField(f('n', 'number'), ' 2.5 ')).toEqual({ ok: true, value: 2.5 });
    expect(coerceField(f('n', 'number'), 3)).toEqual({ ok: true, value: 3 });
  });
  it('number: "expected a number"', () => {
    expect(coerceField(f('n', 'number'), 'abc')).toEqual({ ok: false, error: "expected a number, got 'abc'" });
    expect(coerceField(f('n', 'number'), true)).toEqual({ ok: false, error: 'expected a number, got true' });
  });
  it('number: "below minimum" and "above maximum"', () => {
    expect(coerceField(f('n', 'number', { min: 0, max: 10 }), -1)).toEqual({ ok: false, error: 'value -1 below minimum 0' });
    expect(coerceField(f('n', 'number', { min: 0, max: 10 }), 11)).toEqual({ ok: false, error: 'value 11 above maximum 10' });
    expect(coerceField(f('n', 'number', { min: 0, max: 10 }), 10)).toEqual({ ok: true, value: 10 });
  });
  it('bool: booleans and case-insensitive true/yes/1, false/no/0', () => {
    for (const v of [true, 'true', 'YES', 'Yes', '1', 1]) expect(coerceField(f('b', 'bool'), v)).toEqual({ ok: true, value: true });
    for (const v of [false, 'False', 'no', 'NO', '0', 0]) expect(coerceField(f('b', 'bool'), v)).toEqual({ ok: true, value: false });
  });
  it('bool: anything else is an error naming the accepted spellings', () => {
    expect(coerceField(f('b', 'bool'), 'maybe')).toEqual({ ok: false, error: "expected a boolean (true/false, yes/no, 1/0), got 'maybe'" });
  });
  it('choice: must be one of options', () => {
    const s = f('d', 'choice', { options: ['approve', 'revise'] });
    expect(coerceField(s, 'approve')).toEqual({ ok: true, value: 'approve' });
    expect(coerceField(s, 'maybe')).toEqual({ ok: false, error: "'maybe' is not one of ['approve', 'revise']" });
  });
  it('choice multiple: a list whose members are all valid', () => {
    const s = f('tags', 'choice', { options: ['a', 'b', 'c'], multiple: true });
    expect(coerceField(s, ['a', 'c'])).toEqual({ ok: true, value: ['a', 'c'] });
    expect(coerceField(s, 'a')).toEqual({ ok: false, error: "expected a list of options from ['a', 'b', 'c'], got 'a'" });
    expect(coerceField(s, ['a', 'x', 'y'])).toEqual({ ok: false, error: "invalid option(s) 'x', 'y' (allowed: ['a', 'b', 'c'])" });
  });
  it('str/text: non-strings are stringified (Python str for scalars, JSON for objects)', () => {
    expect(coerceField(f('s', 'str'), 5)).toEqual({ ok: true, value: '5' });
    expect(coerceField(f('s', 'text'), true)).toEqual({ ok: true, value: 'True' });
    expect(coerceField(f('s', 'str'), { a: 1 })).toEqual({ ok: true, value: '{"a":1}' });
    expect(coerceField(f('s', 'str'), 'x')).toEqual({ ok: true, value: 'x' });
  });
});

describe('E-15.2 payload validation', () => {
  it('c16: coerces good values; a blank optional takes its default; extra keys are kept', () => {
    const r = coercePayload({ score: '7', decision: 'approve', flag: 'YES', note: '', extra: 1 }, fields, c16);
    expect(r).toEqual({ ok: true, payload: { score: 7, decision: 'approve', flag: true, note: 'n/a', extra: 1 } });
  });
  it('a blank optional without default is dropped', () => {
    const r = coercePayload({ a: 'x', b: null }, ['a', 'b'], [f('a', 'str'), f('b', 'str', { required: false })]);
    expect(r).toEqual({ ok: true, payload: { a: 'x' } });
  });
  it('"Payload missing required field" for absent and blank required fields, with the expected list', () => {
    const r = coercePayload({ score: 3, decision: '  ' }, fields, c16);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      "Payload missing required field 'decision' (expected: ['score', 'decision', 'flag', 'note'])",
      "Payload missing required field 'flag' (expected: ['score', 'decision', 'flag', 'note'])",
    ]);
  });
  it('every typing problem at once, joined "Payload validation failed: e1; e2"', () => {
    const r = coercePayload({ score: 11, decision: 'maybe', flag: 'x' }, fields, c16);
    expect(r).toEqual({
      ok: false,
      error:
        "Payload validation failed: Field 'score': value 11 above maximum 10; Field 'decision': 'maybe' is not one of ['approve', 'revise']; Field 'flag': expected a boolean (true/false, yes/no, 1/0), got 'x'",
      problems: [
        "Field 'score': value 11 above maximum 10",
        "Field 'decision': 'maybe' is not one of ['approve', 'revise']",
        "Field 'flag': expected a boolean (true/false, yes/no, 1/0), got 'x'",
      ],
    });
  });
  it('missing fields and typing problems are reported together', () => {
    const r = coercePayload({ score: 'x' }, fields, c16);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(3);
    expect(r.error).toMatch(/^Payload missing required field 'decision'.*; Payload validation failed: Field 'score': expected a number, got 'x'$/);
  });
  it('a non-object payload is rejected', () => {
    for (const [p, kind] of [[[1], 'a list'], ['x', 'a string'], [null, 'null'], [3, 'a number']] as const) {
      expect(coercePayload(p, fields, c16)).toEqual({ ok: false, error: `Payload must be a JSON object, got ${kind}`, problems: [`Payload must be a JSON object, got ${kind}`] });
    }
  });
  it('untyped outputs: presence only, values untouched', () => {
    expect(coercePayload({ ok: 5 }, ['ok'], null)).toEqual({ ok: true, payload: { ok: 5 } });
    expect(coercePayload({}, ['ok'], null)).toMatchObject({ ok: false, error: "Payload missing required field 'ok' (expected: ['ok'])" });
  });
});
