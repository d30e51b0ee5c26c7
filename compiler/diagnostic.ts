/**
 * Diagnostics: every problem the compiler finds is data, never an exception.
 * Codes are stable SCREAMING_SNAKE strings (`FLOW_…`, `EXPR_…`, `YAML_…`); tests and
 * tools match on them, so a code is never renamed once shipped.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Path of the file at fault ("<inline>" for flows given as strings). */
  file: string;
  /** 1-based; 0 when the problem has no position (e.g. a missing file). */
  line: number;
  column: number;
  /** Offsets [start, end) in the file's text, when known. */
  range?: [number, number];
  /** What to write instead. */
  hint?: string;
}

export const hasErrors = (diags: readonly Diagnostic[]): boolean => diags.some((d) => d.severity === 'error');
