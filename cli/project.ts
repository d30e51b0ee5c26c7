/**
 * Project discovery (SPEC F-1.3): the project root is the nearest ancestor holding
 * `.stepwise/`. `run` creates one in the working directory when none exists; other
 * commands that need a project exit 4 with a hint.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findProjectDir as findNearestProject } from '../compiler/resolve-flow-ref.js';
import { CliError } from './cli-error.js';

/** The compiler's F-1.3 walk (flows resolve bare names against the same project). */
export function findProjectDir(start: string): string | null {
  return findNearestProject(start) ?? null;
}

/** The project dir for commands that need an existing project (exit 4 otherwise, CLI-2). */
export function requireProjectDir(override: string | undefined): string {
  if (override) {
    const dir = resolve(override);
    if (!existsSync(join(dir, '.stepwise')))
      throw new CliError(`no Stepwise project at ${dir} (no .stepwise/ folder). Run \`stepwise init\` there first.`, 4);
    return dir;
  }
  const found = findProjectDir(process.cwd());
  if (!found)
    throw new CliError('not inside a Stepwise project (no .stepwise/ here or above). Run `stepwise init`, or `stepwise run <flow>` which creates one.', 4);
  return found;
}

/** For `run`: the existing project, else a new one in the working directory. */
export function ensureProjectDir(override: string | undefined): string {
  const dir = override ? resolve(override) : (findProjectDir(process.cwd()) ?? process.cwd());
  // No hook templates here: a no-op hook still costs a process per event.
  initProject(dir, false, { hookTemplates: false });
  return dir;
}

/** P-5 hooks `init` writes; each does nothing until edited. */
const HOOK_TEMPLATES: Record<string, string> = {
  'on-suspend': 'a step is waiting for input; stdin has `fulfill_command`',
  'on-step-complete': 'a step completed',
  'on-complete': 'the job completed',
  'on-fail': 'a step or the job failed',
};

function hookTemplate(name: string, when: string): string {
  return `#!/bin/sh
# Stepwise project hook ${name}: runs when ${when} (EVENTS_AND_API P-5).
# stdin: {"event", "hook", "job_id", "timestamp", ...event data} as JSON.
# env: STEPWISE_JOB_ID, STEPWISE_EVENT, STEPWISE_SESSION_ID, STEPWISE_EVENT_FILE (the event envelope).
# Runs in the project directory, off the engine's path, killed after 30 s; a non-zero exit
# is recorded as a hook.failed event and in .stepwise/logs/hooks.log. Delete this file if unused.
exit 0
`;
}

/** Creates `.stepwise/{jobs,templates,hooks,logs,tmp}`, config files, a .gitignore and hook templates (CLI-6 `init`). Returns what it created. */
export function initProject(dir: string, force: boolean, o: { hookTemplates?: boolean } = {}): string[] {
  const root = join(dir, '.stepwise');
  const created: string[] = [];
  for (const sub of ['', 'jobs', 'templates', 'hooks', 'logs', 'tmp']) {
    const p = join(root, sub);
    if (!existsSync(p)) {
      mkdirSync(p, { recursive: true });
      created.push(p);
    }
  }
  const files: Record<string, string> = {
    'config.yaml': [
      '# Project settings shared by the team (committed); config.local.yaml overrides them.',
      '# Steps of one executor type running at once (E-7.2; 0 = unlimited):',
      '# max_concurrent_by_executor:',
      '#   script: 4',
      '# max_concurrent_agents: 3',
      '',
    ].join('\n'),
    'config.local.yaml': '# Personal settings and secrets (not committed).\n',
    '.gitignore': 'stepwise.db*\njobs/\nlogs/\ntmp/\ncache/\nconfig.local.yaml\n',
  };
  for (const [name, text] of Object.entries(files)) {
    const p = join(root, name);
    if (force || !existsSync(p)) {
      writeFileSync(p, text);
      created.push(p);
    }
  }
  if (o.hookTemplates === false) return created;
  // Hooks are the user's scripts: never overwritten, even with --force.
  for (const [name, when] of Object.entries(HOOK_TEMPLATES)) {
    const p = join(root, 'hooks', name);
    if (existsSync(p)) continue;
    writeFileSync(p, hookTemplate(name, when));
    chmodSync(p, 0o755);
    created.push(p);
  }
  return created;
}
