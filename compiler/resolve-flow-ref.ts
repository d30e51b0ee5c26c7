/**
 * F-1.2 / F-1.3: where a flow reference points. CLI references (file, directory with
 * FLOW.yaml, `kit/flow`, `@author:slug`, bare name searched in the project) and the
 * string forms of `flow:` in sub-flow steps (F-11.1) both end here.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CODES, type Code } from './codes.js';
import type { Diagnostic } from './diagnostic.js';
import { probe } from './source-fs.js';

export type Resolved = { path: string } | { error: Diagnostic };

const NAME = /^[a-zA-Z0-9_.+-]+$/;

export function diag(code: Code, message: string, file = '<cli>', hint?: string): Diagnostic {
  return { code, severity: 'error', message, file, line: 0, column: 0, hint: hint ?? CODES[code].hint };
}

const isFile = (p: string) => probe(p) === 'file';
const isDir = (p: string) => probe(p) === 'dir';

/** F-1.3: nearest ancestor (inclusive) holding `.stepwise/`; undefined when none. */
export function findProjectDir(from: string): string | undefined {
  let dir = resolve(from);
  for (let i = 0; i < 200; i++) {
    if (isDir(join(dir, '.stepwise'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

export function registryPath(registryRoot: string, ref: string): string | null {
  const m = /^@([^:/\s]+):([^/\s]+)$/.exec(ref);
  return m ? join(registryRoot, `@${m[1]}`, m[2]!, 'FLOW.yaml') : null;
}

/** A path (file or directory) as a flow file, or the reason it is not one. */
export function flowFileAt(p: string, ref: string): Resolved | null {
  if (isFile(p)) return { path: p };
  if (isDir(p)) {
    if (isFile(join(p, 'FLOW.yaml'))) return { path: join(p, 'FLOW.yaml') };
    if (isFile(join(p, 'FLOW.yml'))) return { path: join(p, 'FLOW.yml') };
    if (isFile(join(p, 'KIT.yaml'))) return { error: diag('FLOW_IS_KIT', `'${ref}' is a kit, not a flow`, p) };
    return { error: diag('FLOW_FILE_NOT_FOUND', `Directory '${ref}' has no FLOW.yaml`, p) };
  }
  return null;
}

export function searchDirs(projectDir: string): string[] {
  return [projectDir, join(projectDir, 'flows'), join(projectDir, '.stepwise', 'flows'), join(homedir(), '.stepwise', 'flows')];
}

/** F-1.2(f): a bare name searched in the project's flow directories. */
export function findByName(name: string, projectDir: string): Resolved {
  for (const dir of searchDirs(projectDir)) {
    if (isFile(join(dir, name, 'FLOW.yaml'))) return { path: join(dir, name, 'FLOW.yaml') };
    if (isFile(join(dir, `${name}.flow.yaml`))) return { path: join(dir, `${name}.flow.yaml`) };
    if (isFile(join(dir, name, 'KIT.yaml'))) return { error: diag('FLOW_IS_KIT', `'${name}' is a kit, not a flow (${join(dir, name)})`, join(dir, name)) };
  }
  return { error: diag('FLOW_FILE_NOT_FOUND', `Flow not found: '${name}' (searched ${searchDirs(projectDir).join(', ')})`, '<cli>', 'Give a path to the flow file, or put it in <project>/flows/<name>/FLOW.yaml.') };
}

export function resolveFlowRef(ref: string, opts: { cwd: string; projectDir?: string }): Resolved {
  try {
    const trimmed = ref.trim();
    if (trimmed === '') return { error: diag('FLOW_BAD_REF', 'Empty flow reference') };
    const expanded = trimmed.startsWith('~') ? join(homedir(), trimmed.slice(1)) : trimmed;
    const direct = flowFileAt(resolve(opts.cwd, expanded), trimmed);
    if (direct) return direct;
    if (/^[/.~]/.test(trimmed) || /\.ya?ml$/.test(trimmed)) return { error: diag('FLOW_FILE_NOT_FOUND', `Flow not found: ${trimmed}`) };
    const projectDir = opts.projectDir ?? findProjectDir(opts.cwd) ?? resolve(opts.cwd);
    if (trimmed.startsWith('@')) {
      const p = registryPath(join(projectDir, '.stepwise', 'registry'), trimmed);
      if (!p) return { error: diag('FLOW_BAD_REF', `Malformed registry reference '${trimmed}'`, '<cli>', 'Write @author:flow-name.') };
      return isFile(p) ? { path: p } : { error: diag('FLOW_FILE_NOT_FOUND', `Registry flow '${trimmed}' is not installed (${p})`) };
    }
    const slashes = trimmed.split('/').length - 1;
    if (slashes > 1) return { error: diag('FLOW_BAD_REF', `Invalid flow reference '${trimmed}': at most one '/' (kit/flow)`) };
    if (slashes === 1) {
      const [kit, flow] = trimmed.split('/') as [string, string];
      for (const dir of searchDirs(projectDir)) {
        const p = join(dir, kit, flow, 'FLOW.yaml');
        if (isFile(p)) return { path: p };
      }
      return { error: diag('FLOW_FILE_NOT_FOUND', `Flow '${flow}' not found in kit '${kit}'`) };
    }
    if (!NAME.test(trimmed)) return { error: diag('FLOW_BAD_REF', `Invalid flow name '${trimmed}'`, '<cli>', 'Flow names match ^[a-zA-Z0-9_.+-]+$.') };
    return findByName(trimmed, projectDir);
  } catch (e) {
    return { error: diag('FLOW_INTERNAL', `Could not resolve '${ref}': ${(e as Error)?.message ?? e}`) };
  }
}
