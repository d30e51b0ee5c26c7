/**
 * Compile results kept on disk, keyed by the compiler build and the flow's path, and valid
 * while every file the compile read and every path it probed are as they were (source-fs.ts).
 * A hit costs a few file reads and one JSON parse instead of YAML parsing, checking and
 * lowering, so a flow run again and again starts as fast as a small one. The IR is JSON-safe
 * by design (jobs already reload it from SQLite), so a cached flow is the compiled flow.
 * This module loads the compiler itself only on a miss: a hit never parses YAML code.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CompileOptions, CompileResult } from './compile-entry.js';
import type { Diagnostic } from './diagnostic.js';
import type { CompiledFlow } from './ir.js';
import { depsStillHold, recordDeps, type Dep } from './source-fs.js';

declare const __STEPWISE_BUILD_ID__: string | undefined;

/**
 * Identifies the compiler that wrote an entry: scripts/build.mjs sets it from the compiler's
 * and grammars' sources and the lockfile. Null when running from TypeScript sources (tests,
 * tsx), where an edit to the compiler must never be hidden by an old entry: no cache there.
 */
export const BUILD_ID: string | null = typeof __STEPWISE_BUILD_ID__ === 'string' ? __STEPWISE_BUILD_ID__ : null;

export interface CompileCache {
  dir: string;
  buildId: string;
}

interface Entry {
  v: 1;
  key: string;
  deps: Dep[];
  flow: CompiledFlow | null;
  diagnostics: Diagnostic[];
}

export type CachedCompileResult = CompileResult & { cached: boolean };

/** Everything besides file contents that a compile reads: bare names are also searched in ~/.stepwise/flows. */
const keyOf = (path: string, opts: CompileOptions, buildId: string): string =>
  JSON.stringify({ build: buildId, path: resolve(path), projectDir: opts.projectDir ?? null, registryDir: opts.registryDir ?? null, home: homedir() });

const entryFile = (cache: CompileCache, key: string): string =>
  join(cache.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);

function readEntry(file: string, key: string): Entry | null {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    return e && e.v === 1 && e.key === key && Array.isArray(e.deps) && Array.isArray(e.diagnostics) ? e : null;
  } catch {
    return null; // absent, or torn by a crash mid-write: compile afresh
  }
}

/** Entries kept: moved flows and older compiler builds leave entries nobody reads again. */
export const MAX_ENTRIES = 256;

/** Best effort: a cache that cannot be written only costs the next run a compile. */
function writeEntry(file: string, cache: CompileCache, entry: Entry): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(cache.dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
    prune(cache.dir);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Past MAX_ENTRIES, the least recently written quarter goes (writes happen only on misses). */
function prune(dir: string): void {
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  if (names.length <= MAX_ENTRIES) return;
  const aged = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { n } of aged.slice(0, names.length - Math.floor((MAX_ENTRIES * 3) / 4))) rmSync(join(dir, n), { force: true });
}

/** compileFile through the cache; `cache` null compiles every time. */
export async function compileFileCached(path: string, opts: CompileOptions, cache: CompileCache | null): Promise<CachedCompileResult> {
  // Loaded only when compiling: a hit never parses the YAML and compiler code.
  const compiler = () => import('./compile-entry.js');
  if (!cache) return { ...(await compiler()).compileFile(path, opts), cached: false };
  const key = keyOf(path, opts, cache.buildId);
  const file = entryFile(cache, key);
  const hit = readEntry(file, key);
  const texts = hit ? depsStillHold(hit.deps) : null;
  if (hit && texts) return { flow: hit.flow, diagnostics: hit.diagnostics, sources: texts, cached: true };
  const { compileFile } = await compiler();
  const { value, deps } = recordDeps(() => compileFile(path, opts));
  if (!value.diagnostics.some((d) => d.code === 'FLOW_INTERNAL')) writeEntry(file, cache, { v: 1, key, deps, flow: value.flow, diagnostics: value.diagnostics });
  return { ...value, cached: false };
}
