/**
 * Every reference flow and every conformance flow (except the validate cases c26–c29)
 * compiles without error (reference-flows/README.md; conformance/README.md).
 */
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/index.js';
import { conformanceFlows, referenceFlows, refDir } from './flow-lists.js';

const errorsOf = (path: string) => compileFile(path).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);

describe('reference flows compile (D-6, F-1)', () => {
  for (const path of referenceFlows) {
    it(`${path.slice(refDir.length + 1)} has no errors`, () => {
      expect(errorsOf(path)).toEqual([]);
      expect(compileFile(path).flow?.steps.length).toBeGreaterThan(0);
    });
  }
});

describe('conformance flows compile (conformance/README.md)', () => {
  for (const c of conformanceFlows) {
    if (/^c2[6-9]-/.test(c.name)) continue; // the validate cases: see tests/cli-validate
    it(`${c.name} has no errors`, () => {
      expect(errorsOf(c.path)).toEqual([]);
    });
  }
});
