// Bundles the CLI and the library into dist/ with esbuild, so a `stepwise` process starts by
// reading a few modules instead of hundreds (startup time is a bench target). Native and heavy
// optional packages stay external.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

// The compile cache (compiler/compile-cache.ts) keys entries by this: any change to the
// compiler, the grammars or a locked dependency (yaml, chevrotain) makes old entries misses.
function buildId() {
  const h = createHash('sha256');
  const files = ['package-lock.json'];
  for (const root of ['compiler', 'grammars']) {
    for (const f of readdirSync(root, { recursive: true })) if (String(f).endsWith('.ts')) files.push(`${root}/${f}`);
  }
  for (const f of files.sort()) h.update(f).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'ts-morph', 'playwright-core'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  define: { __STEPWISE_BUILD_ID__: JSON.stringify(buildId()) },
};

// The CLI is split into ESM chunks (cli/commands/index.ts imports each verb lazily), so
// `stepwise validate` never parses the runtime, xstate or SQLite code. Chunks stay next to
// cli.js: code that resolves paths from import.meta.url (run.ts → ../bin/stepwise.js)
// must see the same directory in whichever chunk it lands.
const cliBuild = await build({ ...common, entryPoints: { cli: 'cli/main.ts' }, outdir: 'dist', splitting: true, chunkNames: 'chunk-[hash]', metafile: true });
// Chunk names carry a content hash, so a process started from an older build still finds its
// chunks when it imports one lazily after a rebuild (a running job driver, a test run during
// `npm run build`). Only chunks of other builds untouched for a day are removed.
{
  const { readdirSync, rmSync, statSync } = await import('node:fs');
  const current = new Set(Object.keys(cliBuild.metafile.outputs).map((o) => o.replace(/^dist\//, '')));
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const f of readdirSync('dist')) {
    if (!/^chunk-[A-Z0-9]+\.js(\.map)?$/.test(f) || current.has(f)) continue;
    if (statSync(`dist/${f}`).mtimeMs < dayAgo) rmSync(`dist/${f}`, { force: true });
  }
}
await build({ ...common, entryPoints: ['index.ts'], outfile: 'dist/index.js' });

// The JSON Schema of the flow format, for editors (`# yaml-language-server: $schema=…`).
const { execFileSync } = await import('node:child_process');
const { writeFileSync } = await import('node:fs');
writeFileSync('dist/flow.schema.json', execFileSync(process.execPath, ['dist/cli.js', 'schema'], { encoding: 'utf8' }));
