/**
 * EX-1.1/EX-1.2: how a script step's command is turned into a process. Scripts run in the job
 * workspace, so a path written relative to the flow file (`python3 tools/x.py`, `./run.sh`)
 * is made absolute first. A one-line command without shell syntax runs directly from its argv;
 * anything else goes through `sh -c`.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from './template.js';

export type ShellMode = 'direct' | 'shell';

export interface PreparedCommand {
  shellMode: ShellMode;
  /** The argv the wrapper runs: the split command (direct) or `['sh', '-c', command]` (shell). */
  argv: string[];
  /** The command after path resolution (what `meta.command` shows). */
  command: string;
}

/** Interpreters whose first argument is resolved like a program path (EX-1.1). */
export const INTERPRETERS: readonly string[] = ['python3', 'python', 'bash', 'sh', 'node', 'ruby', 'perl'];

/** Characters that force `sh -c` (EX-1.2). */
const SHELL_CHARS = /[|><&;$(){}*?[\]`\\!#~\n\r]/;
const PLAIN_WORD = /^[A-Za-z0-9@%+=:,./_-]+$/;

function isFile(p: string): boolean {
  try {
    // No throw for the common "no such file" (`echo` is not a file in the flow dir): exceptions cost per step.
    return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Replaces the program token (or the interpreter's script token) with its absolute path when it names a file in `flowDir`. */
export function resolveCommandPath(command: string, flowDir?: string): string {
  if (!flowDir) return command;
  const first = /^(\s*)(\S+)/.exec(command);
  if (!first) return command;
  let start = first[1].length;
  let token = first[2];
  if (INTERPRETERS.includes(token)) {
    const second = /^(\s+)(\S+)/.exec(command.slice(start + token.length));
    if (!second) return command;
    start += token.length + second[1].length;
    token = second[2];
  }
  if (!PLAIN_WORD.test(token) || path.isAbsolute(token)) return command;
  const abs = path.resolve(flowDir, token);
  if (!isFile(abs)) return command;
  return command.slice(0, start) + shellQuote(abs) + command.slice(start + token.length);
}

/** POSIX-like word split honouring '…' and "…" (no escapes: a backslash already forces shell mode). Null when quotes are unbalanced. */
export function splitArgs(command: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

/** Decides direct vs shell execution (EX-1.2) for an already-rendered command. */
export function prepareCommand(rawCommand: string, flowDir?: string): PreparedCommand {
  const command = resolveCommandPath(rawCommand, flowDir);
  if (!SHELL_CHARS.test(command.trim())) {
    const argv = splitArgs(command);
    if (argv && argv.length > 0) return { shellMode: 'direct', argv, command };
  }
  return { shellMode: 'shell', argv: ['sh', '-c', command], command };
}
