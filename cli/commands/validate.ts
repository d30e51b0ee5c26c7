import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('`stepwise validate` is not built yet in this version.', 2);
    });
}
