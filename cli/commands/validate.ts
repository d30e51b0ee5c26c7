/**
 * `stepwise validate <flow|dir|kit> [--output json]` (V-1…V-6): every diagnostic with
 * a caret excerpt, or the JSON contract of conformance/README.md. Exit 1 on errors, 0
 * otherwise (warnings allowed), 2 when the reference does not resolve (F-1.2, CLI-2).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { CODES } from '../../compiler/codes.js';
import { compileFileCached } from '../../compiler/compile-cache.js';
import type { CompiledFlow } from '../../compiler/ir.js';
import { resolveFlowRef } from '../../compiler/resolve-flow-ref.js';
import { compileCacheFor } from '../compile-cache-dir.js';
import { findProjectDir } from '../project.js';
import type { Diagnostic } from '../../compiler/diagnostic.js';
import { formatDiagnostics, summarize } from '../format-diagnostics.js';

interface ValidateOptions {
  output?: string;
  /** `--no-cache`: compile even when the project's compile cache holds the result. */
  cache: boolean;
}

const isKitDir = (p: string) => {
  try {
    return statSync(join(p, 'KIT.yaml')).isFile() && !statSync(join(p, 'FLOW.yaml'), { throwIfNoEntry: false });
  } catch {
    return false;
  }
};

const jsonDiag = (d: Diagnostic) => ({ code: d.code, severity: d.severity, message: d.message, file: d.file, line: d.line, column: d.column, hint: d.hint ?? null });

/** F-2: run each `requires[].check` (5 s timeout); a failure is a warning, never an error. */
function checkRequires(flow: CompiledFlow): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const req of flow.requires ?? []) {
    if (typeof req === 'string' || !req.check) continue;
    const r = spawnSync('sh', ['-c', req.check], { cwd: flow.flowDir ?? process.cwd(), timeout: 5000, stdio: 'ignore' });
    if (r.status === 0) continue;
    const why = r.error || r.signal ? 'did not finish within 5 s' : `exited with code ${r.status}`;
    out.push({
      code: 'FLOW_REQUIRES_CHECK', severity: 'warning', message: `Requirement '${req.name}' not met: check \`${req.check}\` ${why}`,
      file: flow.sourceFile ?? '<flow>', line: 0, column: 0,
      hint: req.install ? `Install it: ${req.install}` : req.url ? `See ${req.url}` : CODES.FLOW_REQUIRES_CHECK.hint,
    });
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a flow (file, directory with FLOW.yaml, or kit) and report every problem with its line')
    .argument('<flow>', 'flow file, directory, kit directory, kit/flow, @author:name or flow name')
    .option('--output <format>', 'output format: text or json', 'text')
    .option('--no-cache', 'compile afresh instead of reusing .stepwise/cache/compile')
    .action(async (ref: string, opts: ValidateOptions, cmd: Command) => {
      const json = opts.output === 'json';
      const projectDir = (cmd.optsWithGlobals() as { projectDir?: string }).projectDir;
      const color = !json && !!process.stdout.isTTY && !process.env.NO_COLOR;
      const cwd = process.cwd();
      let diagnostics: Diagnostic[];
      let sources: Record<string, string> = {};
      const abs = resolve(cwd, ref);
      if (isKitDir(abs)) {
        const { compileKit } = await import('../../compiler/compile-kit.js');
        const kit = compileKit(abs, projectDir ? { projectDir } : {});
        diagnostics = [...kit.diagnostics, ...kit.flows.flatMap((f) => f.diagnostics)];
        sources = Object.assign({}, kit.sources, ...kit.flows.map((f) => f.sources));
      } else {
        const resolved = resolveFlowRef(ref, { cwd, ...(projectDir ? { projectDir } : {}) });
        if ('error' in resolved) {
          if (json) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: [jsonDiag(resolved.error)] })}\n`);
          else process.stderr.write(`${formatDiagnostics([resolved.error], {}, { color: false })}\n`);
          process.exitCode = 2;
          return;
        }
        const cache = compileCacheFor(projectDir ? resolve(projectDir) : findProjectDir(cwd), opts.cache);
        const result = await compileFileCached(resolved.path, projectDir ? { projectDir } : {}, cache);
        diagnostics = [...result.diagnostics, ...(result.flow ? checkRequires(result.flow) : [])];
        sources = result.sources;
      }
      const ok = !diagnostics.some((d) => d.severity === 'error');
      if (json) {
        process.stdout.write(`${JSON.stringify({ ok, diagnostics: diagnostics.map(jsonDiag) })}\n`);
      } else {
        if (diagnostics.length) process.stdout.write(`${formatDiagnostics(diagnostics, sources, { color })}\n`);
        process.stdout.write(`${ref}: ${summarize(diagnostics)}\n`);
      }
      process.exitCode = ok ? 0 : 1;
    });
}
