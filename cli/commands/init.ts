/** `stepwise init [--force]`: creates `.stepwise/` in the working directory (P-1, CLI-6). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { initProject } from '../project.js';

export function register(program: Command): void {
  program
    .command('init')
    .description('create a Stepwise project (.stepwise/) here')
    .option('--force', 'rewrite the config files')
    .action((opts: { force?: boolean }, cmd: Command) => {
      const dir = resolve(cmd.optsWithGlobals().projectDir ?? process.cwd());
      const created = initProject(dir, Boolean(opts.force));
      process.stdout.write(created.length ? `Initialised Stepwise project in ${dir}/.stepwise\n` : `Stepwise project already set up in ${dir}/.stepwise\n`);
    });
}
