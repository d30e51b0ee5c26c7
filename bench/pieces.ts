/**
 * Loads the compiler and the runtime for the in-process figures. Both are being finished in
 * parallel with the bench, so they are imported dynamically: a missing module or a stub that
 * throws becomes an error row in the table instead of crashing the whole bench.
 */
import type { CompiledFlow } from '../compiler/ir.js';
import type { Diagnostic } from '../compiler/diagnostic.js';
import type { OpenOptions, Stepwise } from '../runtime/types.js';

/** The subset of `compiler/index.ts` the bench and the crash test call (compiler brief). */
export interface CompileResult {
  flow: CompiledFlow | null;
  diagnostics: Diagnostic[];
}
export interface CompilerApi {
  compileSource(text: string, opts?: { file?: string; baseDir?: string; projectDir?: string }): CompileResult;
  compileFile(path: string, opts?: { projectDir?: string }): CompileResult;
}
export interface RuntimeApi {
  openStepwise(opts: OpenOptions): Stepwise | Promise<Stepwise>;
}

export type Loaded<T> = { ok: true; api: T } | { ok: false; error: string };

// Computed specifiers keep `tsc` from requiring the files to exist yet.
const COMPILER = new URL('../compiler/index.ts', import.meta.url).href;
const RUNTIME = new URL('../runtime/index.ts', import.meta.url).href;

export async function loadCompiler(): Promise<Loaded<CompilerApi>> {
  try {
    const mod = (await import(COMPILER)) as Partial<CompilerApi>;
    if (typeof mod.compileSource !== 'function') return { ok: false, error: 'compiler/index.ts has no compileSource yet' };
    return { ok: true, api: mod as CompilerApi };
  } catch (err) {
    return { ok: false, error: `compiler not loadable: ${firstLine(err)}` };
  }
}

export async function loadRuntime(): Promise<Loaded<RuntimeApi>> {
  try {
    const mod = (await import(RUNTIME)) as Partial<RuntimeApi>;
    if (typeof mod.openStepwise !== 'function') return { ok: false, error: 'runtime/index.ts has no openStepwise' };
    return { ok: true, api: mod as RuntimeApi };
  } catch (err) {
    return { ok: false, error: `runtime not loadable: ${firstLine(err)}` };
  }
}

/** Compiles or explains why not (the first error diagnostic). */
export function compileOrError(c: CompilerApi, text: string, file = 'bench.flow.yaml'): { flow: CompiledFlow } | { error: string } {
  const r = c.compileSource(text, { file });
  if (r.flow) return { flow: r.flow };
  const d = r.diagnostics.find((x) => x.severity === 'error') ?? r.diagnostics[0];
  return { error: d ? `compile failed: ${d.code} ${d.message} (line ${d.line})` : 'compile failed (no diagnostic)' };
}

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
}
