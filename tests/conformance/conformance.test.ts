/**
 * Every case of ../shared/conformance through the real `stepwise` binary (README there).
 * A case that cannot pass yet is listed in EXPECTED_FAILURES with its reason; it runs as
 * `it.fails`, so the day it starts passing the suite tells us to move it back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED } from '../support/cli.js';
import { driveCase, type CaseSpec } from './case-runner.js';
import { checkCase } from './match.js';

const ROOT = join(SHARED, 'conformance');

/** case id → why it cannot pass yet. */
export const EXPECTED_FAILURES: Record<string, string> = {
};

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^c\d+/.test(d.name))
  .map((d) => d.name)
  .sort();

describe.concurrent('conformance (../shared/conformance, real binary)', () => {
  for (const id of cases) {
    const spec: CaseSpec = JSON.parse(readFileSync(join(ROOT, id, 'case.json'), 'utf8'));
    const title = `${id} [${spec.spec.join(', ')}]: ${spec.about}`;
    const body = async () => {
      const obs = await driveCase(join(ROOT, id), spec);
      expect(checkCase(spec, obs)).toEqual([]);
    };
    const reason = EXPECTED_FAILURES[id];
    if (reason) it.fails(`${title} — expected failure: ${reason}`, body, 120_000);
    else it(title, body, 120_000);
  }
});
