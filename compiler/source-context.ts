/**
 * The per-file context every pass reports through: the file's text, its YAML document,
 * a line counter (positions are turned into line/column only when reported) and the
 * shared diagnostic list. Also the small YAML node helpers the build passes use.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { CODES, type Code } from './codes.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import type { SourceLoc } from './ir.js';

/** Shared by all files of one compilation (sub-flows, kits). */
export interface CompileSession {
  diagnostics: Diagnostic[];
  sources: Record<string, string>;
  projectDir?: string;
  registryDir?: string;
  /** Absolute paths of files being compiled, outermost first (circular `flow:` refs). */
  stack: string[];
}

export interface SourceContext {
  session: CompileSession;
  file: string;
  text: string;
  doc: Document;
  lc: LineCounter;
  /** Directory relative paths resolve against; undefined for inline strings without baseDir. */
  baseDir?: string;
  /** Prefix for nested inline flows ("Step 'S' sub-flow: "). */
  prefix: string;
}

export type At = Node | SourceLoc | [number, number] | null | undefined;

export function locOf(ctx: SourceContext, node: Node | null | undefined): SourceLoc | undefined {
  const range = node?.range;
  if (!range) return undefined;
  const pos = ctx.lc.linePos(range[0]);
  return { file: ctx.file, line: pos.line, column: pos.col, offset: range[0], endOffset: range[1] };
}

function rangeOf(at: At): [number, number] | undefined {
  if (!at) return undefined;
  if (Array.isArray(at)) return at;
  if ('offset' in at && typeof (at as SourceLoc).offset === 'number') return [(at as SourceLoc).offset, (at as SourceLoc).endOffset];
  const r = (at as Node).range;
  return r ? [r[0], r[1]] : undefined;
}

export function report(
  ctx: SourceContext,
  code: Code,
  at: At,
  message: string,
  opts: { severity?: Severity; hint?: string; noPrefix?: boolean } = {},
): void {
  const info = CODES[code];
  const range = rangeOf(at);
  let line = 0;
  let column = 0;
  let file = ctx.file;
  if (at && !Array.isArray(at) && 'file' in at && typeof (at as SourceLoc).line === 'number') {
    const loc = at as SourceLoc;
    file = loc.file;
    line = loc.line;
    column = loc.column;
  } else if (range) {
    const pos = ctx.lc.linePos(range[0]);
    line = pos.line;
    column = pos.col;
  }
  const d: Diagnostic = {
    code,
    severity: opts.severity ?? info.severity,
    message: (opts.noPrefix ? '' : ctx.prefix) + message,
    file,
    line,
    column,
    hint: opts.hint ?? info.hint,
  };
  if (range) d.range = range;
  ctx.session.diagnostics.push(d);
}

/** Follow YAML aliases (`*anchor`) to the node they name. */
export function deref(ctx: SourceContext, node: unknown): Node | null {
  let n = node as Node | null | undefined;
  for (let i = 0; i < 50 && n && isAlias(n); i++) n = (n as any).resolve(ctx.doc) as Node | undefined;
  return n ?? null;
}

/** A mapping key as a string; the merge key (a symbol when `merge` is on) is '<<'. */
export function keyName(keyNode: Node | null): string {
  if (!keyNode || !isScalar(keyNode)) return String(keyNode ?? '');
  return typeof keyNode.value === 'symbol' ? '<<' : String(keyNode.value);
}

export interface Entry {
  key: string;
  keyNode: Node | null;
  value: Node | null;
  pair: Pair;
}

/**
 * Key/value pairs of a mapping with string keys. YAML merge keys (`<<: *defaults`, or a
 * list of aliases) are expanded in place; explicit keys win over merged ones, and an
 * earlier merge source wins over a later one.
 */
export function entries(ctx: SourceContext, map: YAMLMap, depth = 0): Entry[] {
  const out: Entry[] = [];
  const explicit = new Set<string>();
  const raw: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = deref(ctx, pair.key);
    const key = keyName(keyNode);
    raw.push({ key, keyNode, value: deref(ctx, pair.value), pair });
    if (key !== '<<') explicit.add(key);
  }
  const seen = new Set<string>();
  for (const e of raw) {
    if (e.key !== '<<' || depth > 20) {
      out.push(e);
      seen.add(e.key);
      continue;
    }
    const sources = e.value && isSeq(e.value) ? (e.value.items as Node[]).map((n) => deref(ctx, n)) : [e.value];
    for (const src of sources) {
      if (!src || !isMap(src)) {
        report(ctx, 'FLOW_BAD_TYPE', src ?? e.keyNode, 'A merge key (<<) needs a mapping or a list of mappings (usually `*anchor`)');
        continue;
      }
      for (const m of entries(ctx, src, depth + 1)) {
        if (explicit.has(m.key) || seen.has(m.key)) continue;
        out.push(m);
        seen.add(m.key);
      }
    }
  }
  return out;
}

/** The plain JS value of a node (aliases resolved); undefined for a missing node. */
export function toJS(ctx: SourceContext, node: Node | null | undefined): unknown {
  if (!node) return null;
  try {
    return (node as any).toJS(ctx.doc, { maxAliasCount: 1000 });
  } catch {
    return null;
  }
}

/** An absent or null value (`key:` or `key: null`, also through an alias): no JS copy of the node is built. */
export function isNullNode(ctx: SourceContext, node: Node | null | undefined): boolean {
  const d = deref(ctx, node);
  return !d || (isScalar(d) && d.value === null);
}

export const isMapNode = (n: Node | null | undefined): n is YAMLMap => !!n && isMap(n);

/** A short name for the YAML type of a node, for "expected X, got Y" messages. */
export function typeName(ctx: SourceContext, node: Node | null): string {
  if (!node) return 'null';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  const v = toJS(ctx, node);
  if (v === null) return 'null';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'number') return 'a number';
  return typeof v;
}

/** Levenshtein distance, small strings only (did-you-mean hints). */
export function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
