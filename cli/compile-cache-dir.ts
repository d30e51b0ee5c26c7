/**
 * Where the CLI keeps compile results (compiler/compile-cache.ts): inside the project, in
 * `.stepwise/cache/compile/`, never outside one, so `validate` in a directory that is not a
 * project writes nothing. `STEPWISE_NO_COMPILE_CACHE=1` (or `--no-cache`) compiles every time.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_ID, type CompileCache } from '../compiler/compile-cache.js';

export function compileCacheFor(projectDir: string | null | undefined, enabled = true): CompileCache | null {
  if (!enabled || !projectDir || BUILD_ID === null || process.env.STEPWISE_NO_COMPILE_CACHE === '1') return null;
  const stepwiseDir = join(projectDir, '.stepwise');
  return existsSync(stepwiseDir) ? { dir: join(stepwiseDir, 'cache', 'compile'), buildId: BUILD_ID } : null;
}
