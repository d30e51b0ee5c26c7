/**
 * Robustness (brief; DESIGN §8 "passes report and continue"): random and mutated flows
 * never throw and never hit an internal error — every input yields a flow or diagnostics,
 * and `flow` is non-null exactly when there is no error.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileSource, type CompileResult } from '../../compiler/index.js';
import { repairPlainColons } from '../../compiler/repair-yaml.js';
import { conformanceFlows, referenceFlows } from './flow-lists.js';

function check(r: CompileResult) {
  expect(r).toBeTruthy();
  expect(r.diagnostics.filter((d) => d.code === 'FLOW_INTERNAL')).toEqual([]);
  const hasError = r.diagnostics.some((d) => d.severity === 'error');
  expect(r.flow === null).toBe(hasError);
  if (!r.flow) expect(r.diagnostics.length).toBeGreaterThan(0);
  for (const d of r.diagnostics) {
    expect(typeof d.message).toBe('string');
    expect(d.line).toBeGreaterThanOrEqual(0);
  }
}

const texts = [...referenceFlows, ...conformanceFlows.map((c) => c.path)].map((p) => {
  const t = readFileSync(p, 'utf8');
  return repairPlainColons(t)?.text ?? t;
});
const docs = texts.map((t) => parse(t));

type Path = (string | number)[];
function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}
function mutate(doc: unknown, path: Path, op: 'delete' | 'replace', value: unknown): unknown {
  const copy = structuredClone(doc);
  if (path.length === 0) return op === 'replace' ? value : {};
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path[path.length - 1]!;
  if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = value;
  return copy;
}

const jsonish = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true }), fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), fc.string(), { maxKeys: 3 }));

describe('compile never throws (property tests)', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => check(compileSource(s))), { numRuns: 300 });
  });

  it('random YAML values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => check(compileSource(stringify(v)))), { numRuns: 300 });
  });

  it('reference flows truncated at a random point', () => {
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), (i, frac) => {
        const t = texts[i]!;
        check(compileSource(t.slice(0, Math.floor(t.length * frac))));
      }),
      { numRuns: 200 },
    );
  });

  it('reference flows with a key deleted or a value swapped for another type', () => {
    fc.assert(
      fc.property(fc.nat(docs.length - 1), fc.nat(), fc.constantFrom('delete' as const, 'replace' as const), jsonish, (i, pi, op, value) => {
        const all = paths(docs[i]);
        const p = all[pi % all.length]!;
        check(compileSource(stringify(mutate(docs[i], p, op, value))));
      }),
      { numRuns: 400 },
    );
  });

  it('several mutations at once', () => {
    fc.assert(
      fc.property(fc.nat(docs.length - 1), fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete' as const, 'replace' as const), jsonish), { minLength: 2, maxLength: 6 }), (i, muts) => {
        let doc = docs[i];
        for (const [pi, op, value] of muts) {
          const all = paths(doc);
          doc = mutate(doc, all[pi % all.length]!, op, value);
        }
        check(compileSource(stringify(doc)));
      }),
      { numRuns: 200 },
    );
  });
});
