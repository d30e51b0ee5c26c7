/**
 * Human rendering of compiler diagnostics: `file:line:col: error CODE: message`, the
 * source line with a caret under the column, and the hint. Shared by `validate` and the
 * run commands (an invalid flow shows the same excerpts everywhere).
 */
import type { Diagnostic } from '../compiler/diagnostic.js';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

function lineAt(text: string, line: number): string | undefined {
  if (line < 1) return undefined;
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

export function formatDiagnostic(d: Diagnostic, sources: Record<string, string>, opts: { color: boolean }): string {
  const c = (k: keyof typeof COLORS, s: string) => (opts.color ? `${COLORS[k]}${s}${COLORS.reset}` : s);
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const sev = d.severity === 'error' ? c('error', 'error') : d.severity === 'warning' ? c('warning', 'warning') : c('info', 'info');
  const out = [`${c('bold', where)}: ${sev} ${d.code}: ${d.message}`];
  const text = sources[d.file];
  const src = text !== undefined ? lineAt(text, d.line) : undefined;
  if (src !== undefined && d.column > 0) {
    const col = Math.min(d.column - 1, src.length);
    // Keep tabs so the caret lines up with the excerpt.
    const pad = src.slice(0, col).replace(/[^\t]/g, ' ');
    let width = 1;
    if (d.range) width = Math.max(1, Math.min(d.range[1] - d.range[0], src.length - col));
    out.push(`  ${c('dim', src)}`);
    out.push(`  ${pad}${c(d.severity === 'error' ? 'error' : 'warning', '^'.repeat(width))}`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}

export function formatDiagnostics(diags: Diagnostic[], sources: Record<string, string>, opts: { color: boolean }): string {
  return diags.map((d) => formatDiagnostic(d, sources, opts)).join('\n');
}

export function summarize(diags: readonly Diagnostic[]): string {
  const n = (sev: Diagnostic['severity']) => diags.filter((d) => d.severity === sev).length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  const errors = n('error');
  const warnings = n('warning');
  return errors ? `${plural(errors, 'error')}, ${plural(warnings, 'warning')}` : warnings ? `valid, ${plural(warnings, 'warning')}` : 'valid';
}
