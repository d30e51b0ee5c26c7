/**
 * Manual soak runner for the crash scenario (not part of CI): more seeds, other kill windows.
 *
 *   node --import tsx tests/crash/soak.ts [--seeds 1,2,3] [--kills 50] [--batch 6] [--min 20] [--max 300] [--lanes 1]
 *
 * Prints one line per seed and every broken invariant; exit 1 if any seed broke one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDriver } from './harness.js';
import { runScenario } from './scenario.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    kills: { type: 'string', default: '50' },
    batch: { type: 'string', default: '6' },
    min: { type: 'string', default: '20' },
    max: { type: 'string', default: '300' },
    lanes: { type: 'string', default: '1' },
  },
});

console.log(`driver: ${await prepareDriver()}`);
let failed = 0;
for (const seed of values.seeds.split(',').map(Number)) {
  const dirs: string[] = [];
  const tmp = (tag: string) => {
    const d = mkdtempSync(path.join(os.tmpdir(), `sw-soak-${tag}-`));
    dirs.push(d);
    return d;
  };
  const t0 = Date.now();
  try {
    const r = await runScenario({
      seed,
      minKills: Number(values.kills),
      batchSize: Number(values.batch),
      minDelayMs: Number(values.min),
      maxDelayMs: Number(values.max),
      lanes: Number(values.lanes),
      tmp,
    });
    const secs = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`seed ${seed}: ${r.kills} kills, ${r.jobs} jobs, ${r.interrupted} interrupted, ${r.problems.length} problems, ${secs} s`);
    for (const p of r.problems) console.log(`  - ${p}`);
    if (r.problems.length) {
      failed++;
      console.log(`  kill delays: ${r.delays.join(',')}`);
      console.log(`  kept for inspection: ${dirs.join(' ')}`);
      dirs.length = 0;
    }
  } catch (err) {
    failed++;
    console.log(`seed ${seed}: ERROR ${(err as Error).message.slice(0, 2000)}`);
    console.log(`  kept for inspection: ${dirs.join(' ')}`);
    dirs.length = 0;
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
