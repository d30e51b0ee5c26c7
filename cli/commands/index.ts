/**
 * Every CLI verb, in the order `stepwise --help` lists them. Modules are loaded lazily:
 * `stepwise validate` must not parse the runtime (xstate, SQLite, executors) just to
 * register verbs it will not run (start-up time is a bench target). When the verb is
 * not recognised (help, a typo, no verb) every module is loaded, so help, "did you
 * mean" suggestions and usage errors are exactly those of the full program.
 */
import type { Command } from 'commander';

export type Register = (program: Command) => void;

interface Entry {
  /** Every verb (and hidden verb) the module registers. */
  verbs: readonly string[];
  load: () => Promise<{ register: Register }>;
}

const ENTRIES: readonly Entry[] = [
  { verbs: ['run'], load: () => import('./run.js') },
  { verbs: ['validate'], load: () => import('./validate.js') },
  { verbs: ['status'], load: () => import('./status.js') },
  { verbs: ['jobs'], load: () => import('./jobs.js') },
  { verbs: ['output', 'logs'], load: () => import('./inspect.js') },
  { verbs: ['wait', 'cancel', 'pause', 'resume', 'rerun', '__drive'], load: () => import('./control.js') },
  { verbs: ['fulfill'], load: () => import('./fulfill.js') },
  { verbs: ['list'], load: () => import('./list.js') },
  { verbs: ['poll-now'], load: () => import('./poll-now.js') },
  { verbs: ['init'], load: () => import('./init.js') },
  { verbs: ['schema'], load: () => import('./schema.js') },
  { verbs: ['diagram'], load: () => import('./diagram.js') },
];

/** Global options of cli/main.ts that take a value (the verb is never their argument). */
const VALUE_OPTIONS = new Set(['--project-dir']);

/** The verb of `argv` (first operand after the global options), or undefined. */
export function verbOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1];
    if (!a.startsWith('-')) return a;
    if (VALUE_OPTIONS.has(a)) i++;
  }
  return undefined;
}

/** The register functions needed to run `argv`: the verb's module alone when it is known, else all. */
export async function loadCommands(argv: readonly string[]): Promise<Register[]> {
  const verb = verbOf(argv);
  // commander answers --version before any verb runs: no module is needed for it.
  if (verb === undefined && argv.includes('--version')) return [];
  const entry = verb === undefined ? undefined : ENTRIES.find((e) => e.verbs.includes(verb));
  const wanted = entry ? [entry] : ENTRIES;
  const mods = await Promise.all(wanted.map((e) => e.load()));
  return mods.map((m) => m.register);
}
