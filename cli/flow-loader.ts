/**
 * Resolves and compiles the flow a command names (F-1.2). An invalid flow in a run mode
 * is a usage error (exit 2, CLI-2) that shows every diagnostic with its caret excerpt.
 */
import type { CompiledFlow } from '../compiler/ir.js';
import type { Diagnostic } from '../compiler/diagnostic.js';
import { resolveFlowRef } from '../compiler/resolve-flow-ref.js';
import { compileFileCached } from '../compiler/compile-cache.js';
import { compileCacheFor } from './compile-cache-dir.js';
import { formatDiagnostics } from './format-diagnostics.js';
import { CliError } from './cli-error.js';

export interface LoadedFlow {
  flow: CompiledFlow;
  warnings: Diagnostic[];
  path: string;
}

export async function loadFlow(ref: string, projectDir: string | undefined, opts: { color: boolean; cache?: boolean }): Promise<LoadedFlow> {
  const resolved = resolveFlowRef(ref, { cwd: process.cwd(), projectDir });
  if ('error' in resolved) throw new CliError(`${resolved.error.message}${resolved.error.hint ? `\n  hint: ${resolved.error.hint}` : ''}`, 2);
  const result = await compileFileCached(resolved.path, { projectDir }, compileCacheFor(projectDir, opts.cache ?? true));
  if (!result.flow) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const text = formatDiagnostics(errors, result.sources, { color: opts.color });
    throw new CliError(`flow ${ref} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${text}`, 2);
  }
  return { flow: result.flow, warnings: result.diagnostics.filter((d) => d.severity !== 'error'), path: resolved.path };
}
