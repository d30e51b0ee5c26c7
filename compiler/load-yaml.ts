/**
 * Load stage: text → YAML document with node ranges. Syntax errors become YAML_SYNTAX
 * (with the parser's position), duplicate keys YAML_DUPLICATE_KEY, a root that is not a
 * mapping YAML_NOT_MAPPING. Returns the root mapping only when the later stages can use it.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import { repairPlainColons } from './repair-yaml.js';
import { isMapNode, keyName, report, type CompileSession, type SourceContext } from './source-context.js';

export interface Loaded {
  ctx: SourceContext;
  root: YAMLMap | null;
}

const MAX_SYNTAX_ERRORS = 5;

function parse(text: string) {
  const lc = new LineCounter();
  // The yaml package's own uniqueKeys check is quadratic per mapping; ours is linear.
  const doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false });
  return { lc, doc, fatal: doc.errors.length > 0 };
}

function checkKeys(ctx: SourceContext, map: YAMLMap): void {
  const seen = new Set<string>();
  for (const pair of map.items) {
    const k = pair.key as any;
    if (!isScalar(k)) continue;
    const name = keyName(k);
    if (name === '<<') continue;
    if (seen.has(name)) report(ctx, 'YAML_DUPLICATE_KEY', k, `Map keys must be unique: '${name}' appears twice`);
    seen.add(name);
  }
}

/** Pre-order walk, the order of yaml's `visit` (a plain recursion is cheaper on the validate path). */
function walkKeys(ctx: SourceContext, node: unknown): void {
  if (isMap(node)) {
    checkKeys(ctx, node as YAMLMap);
    for (const pair of node.items) walkKeys(ctx, pair);
  } else if (isSeq(node)) {
    for (const item of node.items) walkKeys(ctx, item);
  } else if (isPair(node)) {
    walkKeys(ctx, node.key);
    walkKeys(ctx, node.value);
  }
}

function reportDuplicateKeys(ctx: SourceContext): void {
  walkKeys(ctx, ctx.doc.contents);
}

export function loadYaml(text: string, file: string, session: CompileSession, baseDir: string | undefined): Loaded {
  let parsed = parse(text);
  let used = text;
  let repairedLines: number[] = [];
  if (parsed.fatal) {
    const repaired = repairPlainColons(text);
    const second = repaired !== null ? parse(repaired.text) : null;
    if (repaired && second && !second.fatal) {
      parsed = second;
      used = repaired.text;
      repairedLines = repaired.lines;
    }
  }
  const { lc, doc } = parsed;
  // Caret excerpts show the file as written; positions come from the parsed text (same lines).
  session.sources[file] = text;
  const ctx: SourceContext = { session, file, text: used, doc, lc, baseDir, prefix: '' };
  // One syntax error often cascades into dozens; the first few are the useful ones.
  for (const err of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const msg = err.message.split('\n')[0] ?? err.message;
    report(ctx, 'YAML_SYNTAX', err.pos, `YAML parse error: ${msg}`);
  }
  if (doc.errors.length > MAX_SYNTAX_ERRORS) {
    report(ctx, 'YAML_SYNTAX', doc.errors[MAX_SYNTAX_ERRORS]!.pos, `… and ${doc.errors.length - MAX_SYNTAX_ERRORS} more YAML errors (probably caused by the ones above)`);
  }
  if (doc.errors.length) return { ctx, root: null };
  if (repairedLines.length) {
    const first = repairedLines[0]!;
    const lineStart = ctx.lc.lineStarts[first - 1] ?? 0;
    const at = lineStart + (/^\s*/.exec(text.slice(lineStart, lineStart + 200))?.[0].length ?? 0);
    const more = repairedLines.length > 1 ? ` (and ${repairedLines.length - 1} more line${repairedLines.length > 2 ? 's' : ''})` : '';
    report(ctx, 'YAML_LENIENT', [at, at], `Line ${first}${more}: a plain value contains ': ', which strict YAML rejects; it was read as one string`);
  }
  reportDuplicateKeys(ctx);
  const contents = doc.contents as any;
  if (!isMapNode(contents)) {
    report(ctx, 'YAML_NOT_MAPPING', contents ?? [0, 0], contents ? 'YAML root must be a mapping' : 'The flow file is empty');
    return { ctx, root: null };
  }
  return { ctx, root: contents };
}
