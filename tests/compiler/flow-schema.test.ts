/**
 * DESIGN §6: `stepwise schema` — the JSON Schema accepts every reference flow and
 * rejects wrongly typed fields (checked with a test-only validator of its keyword subset).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { flowJsonSchema } from '../../compiler/index.js';
import { repairPlainColons } from '../../compiler/repair-yaml.js';
import { keywordsOf, validate } from './mini-schema.js';
import { conformanceFlows, referenceFlows } from './flow-lists.js';

const schema = flowJsonSchema() as Record<string, any>;
const load = (path: string) => {
  const text = readFileSync(path, 'utf8');
  try {
    return parse(text);
  } catch {
    return parse(repairPlainColons(text)?.text ?? text);
  }
};

describe('flow JSON Schema', () => {
  it('uses only keywords the test validator implements', () => {
    const known = new Set(['$schema', '$id', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'anyOf', 'minItems', 'minProperties', 'pattern', '$ref', 'definitions']);
    // property names inside `properties` are values, not keywords: keywordsOf skips them
    expect([...keywordsOf(schema)].filter((k) => !known.has(k))).toEqual([]);
  });

  for (const path of referenceFlows) {
    it(`accepts reference flow ${path.split('/').slice(-2).join('/')}`, () => {
      expect(validate(schema, load(path))).toEqual([]);
    });
  }

  it('accepts every conformance flow', () => {
    for (const c of conformanceFlows) expect(validate(schema, load(c.path)), c.name).toEqual([]);
  });

  it('rejects wrongly typed fields', () => {
    expect(validate(schema, { steps: { a: { run: 5 } } })).not.toEqual([]);
    expect(validate(schema, { steps: { a: { run: 'x', outputs: 5 } } })).not.toEqual([]);
    expect(validate(schema, { steps: { a: { run: 'x', exits: [{ action: 'advance' }] } } })).not.toEqual([]);
    expect(validate(schema, { steps: { a: { executor: 'lmm' } } })).not.toEqual([]);
    expect(validate(schema, { visibility: 'secret', steps: { a: { run: 'x' } } })).not.toEqual([]);
    expect(validate(schema, { steps: {} })).not.toEqual([]);
  });

  it('is plain JSON (serialisable for editors)', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(schema.$schema).toContain('json-schema.org');
  });
});
