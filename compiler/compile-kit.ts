/**
 * F-1.5: a kit is `<kit>/KIT.yaml` plus member subdirectories holding FLOW.yaml
 * (subdirectories without one are ignored). KIT.yaml problems are kit diagnostics;
 * each member flow gets its own CompileResult.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isMap } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { compileFile, type CompileOptions, type CompileResult } from './compile-entry.js';
import { loadYaml } from './load-yaml.js';
import { entries, report, toJS, type CompileSession } from './source-context.js';

const NAME = /^[a-zA-Z0-9_.+-]+$/;
const KIT_KEYS = ['name', 'description', 'author', 'category', 'usage', 'include', 'tags', 'defaults'];

export function compileKit(dir: string, opts: CompileOptions = {}): { flows: CompileResult[]; diagnostics: Diagnostic[]; sources: Record<string, string> } {
  const abs = resolve(dir);
  const session: CompileSession = { diagnostics: [], sources: {}, stack: [] };
  const kitFile = join(abs, 'KIT.yaml');
  let text: string;
  try {
    text = readFileSync(kitFile, 'utf8');
  } catch {
    session.diagnostics.push({ code: 'FLOW_KIT', severity: 'error', message: `No KIT.yaml in ${abs}`, file: kitFile, line: 0, column: 0, hint: 'A kit directory holds KIT.yaml and one subdirectory per flow.' });
    return { flows: [], diagnostics: session.diagnostics, sources: session.sources };
  }
  try {
    const { ctx, root } = loadYaml(text, kitFile, session, abs);
    if (root && isMap(root)) {
      const e = new Map(entries(ctx, root).map((x) => [x.key, x] as const));
      const name = toJS(ctx, e.get('name')?.value ?? null);
      if (typeof name !== 'string' || !NAME.test(name)) report(ctx, 'FLOW_KIT', e.get('name')?.value ?? root, "KIT.yaml needs 'name' matching ^[a-zA-Z0-9_.+-]+$");
      else if (name !== basename(abs)) report(ctx, 'FLOW_KIT', e.get('name')!.value, `Kit name '${name}' must equal its directory name '${basename(abs)}'`);
      if (typeof toJS(ctx, e.get('description')?.value ?? null) !== 'string') report(ctx, 'FLOW_KIT', e.get('description')?.value ?? root, "KIT.yaml needs a 'description' string");
      for (const key of ['include', 'tags']) {
        const x = e.get(key);
        if (x && !Array.isArray(toJS(ctx, x.value))) report(ctx, 'FLOW_KIT', x.value, `KIT.yaml '${key}' must be a list`);
      }
      for (const [k, x] of e) if (!KIT_KEYS.includes(k)) report(ctx, 'FLOW_UNKNOWN_KEY', x.keyNode, `Unknown KIT.yaml key '${k}'`);
    }
    const flows: CompileResult[] = [];
    for (const entry of readdirSync(abs).sort()) {
      const sub = join(abs, entry);
      try {
        if (!statSync(sub).isDirectory() || !statSync(join(sub, 'FLOW.yaml')).isFile()) continue;
      } catch {
        continue;
      }
      flows.push(compileFile(join(sub, 'FLOW.yaml'), opts));
    }
    if (flows.length === 0) session.diagnostics.push({ code: 'FLOW_KIT', severity: 'warning', message: `Kit ${basename(abs)} has no member flows`, file: kitFile, line: 0, column: 0, hint: 'Add <kit>/<flow>/FLOW.yaml.' });
    return { flows, diagnostics: session.diagnostics, sources: session.sources };
  } catch (e) {
    session.diagnostics.push({ code: 'FLOW_INTERNAL', severity: 'error', message: `Internal compiler error: ${(e as Error)?.message ?? e}`, file: kitFile, line: 0, column: 0 });
    return { flows: [], diagnostics: session.diagnostics, sources: session.sources };
  }
}
