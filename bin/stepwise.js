#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/cli.js by `npm run build` (run by `npm ci`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('stepwise: dist/cli.js is missing. Run `npm run build` in the stepwise checkout first.\n');
  process.exit(2);
}
// Compile-only verbs live well under a second on usual flows: V8's default tier-up makes
// TurboFan compile code that finishes before the optimised version is ready (~100 ms of
// CPU on `validate chain500`). A larger budget tiers up later: the same speed on a
// 5000-step flow, ~25% less wall time on 500 steps (measured; --max-opt=1 was as fast on
// 500 steps but 25% slower on 5000). Long-lived verbs (run, the driver) keep the defaults.
// The verb is the first operand after global options (the scan of cli/commands/index.ts verbOf).
let verb;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--') { verb = process.argv[i + 1]; break; }
  if (!a.startsWith('-')) { verb = a; break; }
  if (a === '--project-dir') i++;
}
if (['validate', 'schema', 'diagram'].includes(verb ?? '')) setFlagsFromString('--interrupt-budget=600000');
await import(cli);
