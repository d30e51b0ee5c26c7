/** The shared flows the compiler must accept (reference-flows/README.md, conformance/README.md). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED = '/work/shared';
export const refDir = join(SHARED, 'reference-flows');
export const confDir = join(SHARED, 'conformance');

export const referenceFlows = [
  ...readdirSync(refDir).filter((f) => f.endsWith('.yaml')).map((f) => join(refDir, f)),
  join(refDir, 'demo', 'FLOW.yaml'),
];
export const conformanceFlows = readdirSync(confDir)
  .filter((d) => /^c\d+/.test(d) && existsSync(join(confDir, d, 'FLOW.yaml')))
  .map((d) => ({ name: d, path: join(confDir, d, 'FLOW.yaml') }));
