/**
 * The entry points that compile one flow: from a file (or directory with FLOW.yaml) and
 * from a string. Both return data and never throw: a bug inside the compiler becomes a
 * FLOW_INTERNAL diagnostic.
 */
import { dirname, resolve } from 'node:path';
import { compilePath, compileText } from './compile-flow.js';
import { CODES } from './codes.js';
import { hasErrors, type Diagnostic } from './diagnostic.js';
import type { CompiledFlow } from './ir.js';
import { findProjectDir, flowFileAt } from './resolve-flow-ref.js';
import type { CompileSession } from './source-context.js';
import { probe } from './source-fs.js';

export interface CompileOptions {
  projectDir?: string;
  /** Registry root, default <projectDir>/.stepwise/registry. */
  registryDir?: string;
}

export interface CompileResult {
  flow: CompiledFlow | null;
  diagnostics: Diagnostic[];
  /** file → text, for caret excerpts. */
  sources: Record<string, string>;
}

function newSession(opts: CompileOptions, near?: string): CompileSession {
  const projectDir = opts.projectDir ?? (near ? findProjectDir(near) : undefined);
  return {
    diagnostics: [],
    sources: {},
    stack: [],
    ...(projectDir ? { projectDir } : {}),
    ...(opts.registryDir ? { registryDir: opts.registryDir } : projectDir ? { registryDir: resolve(projectDir, '.stepwise', 'registry') } : {}),
  };
}

function internal(session: CompileSession, file: string, e: unknown): CompileResult {
  session.diagnostics.push({
    code: 'FLOW_INTERNAL', severity: 'error', message: `Internal compiler error: ${(e as Error)?.message ?? String(e)}`, file, line: 0, column: 0, hint: CODES.FLOW_INTERNAL.hint,
  });
  return { flow: null, diagnostics: session.diagnostics, sources: session.sources };
}

function finish(session: CompileSession, flow: CompiledFlow | null): CompileResult {
  return { flow: hasErrors(session.diagnostics) ? null : flow, diagnostics: session.diagnostics, sources: session.sources };
}

/** Compile a single flow file, or a directory holding FLOW.yaml. */
export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  const abs = resolve(path);
  let near = dirname(abs);
  if (probe(abs) === 'dir') near = abs;
  const session = newSession(opts, near);
  try {
    const found = flowFileAt(abs, path);
    if (!found) {
      session.diagnostics.push({ code: 'FLOW_FILE_NOT_FOUND', severity: 'error', message: `Flow not found: ${path}`, file: abs, line: 0, column: 0, hint: CODES.FLOW_FILE_NOT_FOUND.hint });
      return finish(session, null);
    }
    if ('error' in found) {
      session.diagnostics.push(found.error);
      return finish(session, null);
    }
    return finish(session, compilePath(session, found.path, { nested: false }));
  } catch (e) {
    return internal(session, abs, e);
  }
}

/** Compile flow YAML given as a string. `baseDir` resolves prompt files and sub-flow paths. */
export function compileSource(text: string, opts: CompileOptions & { file?: string; baseDir?: string } = {}): CompileResult {
  const file = opts.file ?? '<inline>';
  const session = newSession(opts, opts.baseDir);
  try {
    const baseDir = opts.baseDir ? resolve(opts.baseDir) : undefined;
    const sourceFile = opts.file && baseDir ? resolve(baseDir, opts.file) : undefined;
    if (sourceFile) session.stack.push(sourceFile);
    const flow = compileText(session, String(text ?? ''), file, baseDir, { nested: false, ...(sourceFile ? { sourceFile } : {}), ...(opts.file ? { nameHint: opts.file } : {}) });
    return finish(session, flow);
  } catch (e) {
    return internal(session, file, e);
  }
}
