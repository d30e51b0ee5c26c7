/**
 * `stepwise validate <flow|dir|kit> [--output json]` (V-1…V-6): every diagnostic with
 * a caret excerpt, or the JSON contract of conformance/README.md. Exit 1 on errors, 0
 * otherwise (warnings allowed), 2 when the reference does not resolve (F-1.2, CLI-2).
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { compileFile, compileKit, resolveFlowRef } from '../../compiler/index.js';
import type { Diagnostic } from '../../compiler/diagnostic.js';
import { formatDiagnostics, summarize } from '../format-diagnostics.js';

interface ValidateOptions {
  output?: string;
}

const isKitDir = (p: string) => {
  try {
    return statSync(join(p, 'KIT.yaml')).isFile() && !statSync(join(p, 'FLOW.yaml'), { throwIfNoEntry: false });
  } catch {
    return false;
  }
};

const jsonDiag = (d: Diagnostic) => ({ code: d.code, severity: d.severity, message: d.message, file: d.file, line: d.line, column: d.column, hint: d.hint ?? null });

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a flow (file, directory with FLOW.yaml, or kit) and report every problem with its line')
    .argument('<flow>', 'flow file, directory, kit directory, kit/flow, @author:name or flow name')
    .option('--output <format>', 'output format: text or json', 'text')
    .action((ref: string, opts: ValidateOptions, cmd: Command) => {
      const json = opts.output === 'json';
      const projectDir = (cmd.optsWithGlobals() as { projectDir?: string }).projectDir;
      const color = !json && !!process.stdout.isTTY && !process.env.NO_COLOR;
      const cwd = process.cwd();
      let diagnostics: Diagnostic[];
      let sources: Record<string, string> = {};
      const abs = resolve(cwd, ref);
      if (isKitDir(abs)) {
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
        const result = compileFile(resolved.path, projectDir ? { projectDir } : {});
        diagnostics = result.diagnostics;
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
