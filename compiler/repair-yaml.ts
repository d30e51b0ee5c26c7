/**
 * A leniency the conformance flows need: `run: echo '{"x": 1}'` is not valid YAML (a
 * plain scalar may not contain ": "), yet flows written for the reference use it. When
 * a document fails to parse, such one-line plain values are re-written as double-quoted
 * strings and the document parsed again. Lines never move (no newline is added), so
 * every line number stays right; only columns after the value start on a repaired line
 * shift by the opening quote.
 */
const KEY_LINE = /^(\s*(?:-\s+)?)([^\s#'"\-[\]{}][^:#]*?|"[^"]*"|'[^']*'):([ \t]+)(.*)$/;
const BLOCK_HEADER = /^[|>][-+0-9]*\s*(#.*)?$/;

/** The repaired text and the 1-based numbers of the lines changed, or null when nothing matched. */
export function repairPlainColons(text: string): { text: string; lines: number[] } | null {
  const lines = text.split('\n');
  const changed: number[] = [];
  let blockIndent = -1; // inside a block scalar: lines indented deeper than this are content
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) continue;
      blockIndent = -1;
    }
    const m = KEY_LINE.exec(line.replace(/\r$/, ''));
    if (!m) continue;
    const value = m[4]!;
    if (BLOCK_HEADER.test(value.trim())) {
      blockIndent = indent + (m[1]!.includes('-') ? m[1]!.length - indent : 0);
      continue;
    }
    if (!value || /^['"[{|>&*!%@`#]/.test(value)) continue;
    if (!/:(\s|$)/.test(value.trimEnd())) continue;
    lines[i] = `${m[1]}${m[2]}:${m[3]}${JSON.stringify(value.replace(/\r$/, '').trimEnd())}${line.endsWith('\r') ? '\r' : ''}`;
    changed.push(i + 1);
  }
  return changed.length ? { text: lines.join('\n'), lines: changed } : null;
}
