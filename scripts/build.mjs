// Bundles the CLI and the library into dist/ with esbuild: one file each, so a
// `stepwise` process starts by reading one module instead of hundreds (startup time
// is a bench target). Native and heavy optional packages stay external.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'ts-morph', 'playwright-core'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js' });
await build({ ...common, entryPoints: ['index.ts'], outfile: 'dist/index.js' });

// The JSON Schema of the flow format, for editors (`# yaml-language-server: $schema=…`).
const { execFileSync } = await import('node:child_process');
const { writeFileSync } = await import('node:fs');
writeFileSync('dist/flow.schema.json', execFileSync(process.execPath, ['dist/cli.js', 'schema'], { encoding: 'utf8' }));
