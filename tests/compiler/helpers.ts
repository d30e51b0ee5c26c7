/** Test helpers: compile YAML given as lines, find diagnostics by code. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileSource, type CompileResult } from '../../compiler/index.js';
import type { Diagnostic } from '../../compiler/diagnostic.js';

export const yaml = (...lines: string[]) => lines.join('\n') + '\n';

export function compile(text: string, opts: { baseDir?: string; file?: string } = {}): CompileResult {
  return compileSource(text, opts);
}

export function diagsOf(r: CompileResult, code: string): Diagnostic[] {
  return r.diagnostics.filter((d) => d.code === code);
}

export const errorsOf = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === 'error');

/** A fresh temp directory with the given files (path → content). */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'stepwise-compiler-'));
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

/** A chain of n script steps, s0 → s1 → … (perf and property tests). */
export function chain(n: number): string {
  const lines = ['name: chain', 'steps:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  s${i}:`, `    run: echo '{"x": ${i}}'`, '    outputs: [x]');
    if (i > 0) lines.push('    inputs:', `      x: s${i - 1}.x`);
  }
  return lines.join('\n') + '\n';
}
