/**
 * The `stepwise` command line. Each verb lives in `commands/<verb>.ts` and exports
 * `register(program)`. Errors never escape as stack traces: `runCli` turns them into
 * a one-line message with what to do next, and the exit codes of SPEC CLI-2.
 */
import { Command, CommanderError } from 'commander';
import { loadCommands } from './commands/index.js';
import { CliError } from './cli-error.js';

export const VERSION = '0.1.0';

export async function runCli(argv: string[]): Promise<number> {
  const program = new Command('stepwise')
    .description('Workflow engine for AI agents and the people who supervise them')
    .version(VERSION, '--version')
    .option('--project-dir <dir>', 'project directory (default: nearest ancestor with .stepwise/, else cwd)')
    .option('-v, --verbose', 'print internal details of unexpected errors')
    .option('-q, --quiet', 'print less')
    .showHelpAfterError('(run `stepwise --help` for usage)')
    .exitOverride();
  program.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  for (const register of await loadCommands(argv)) register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // usage error (CLI-2); commander already printed the message
    }
    if (err instanceof CliError) {
      if (err.message) process.stderr.write(`stepwise: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`stepwise: unexpected error: ${e?.message ?? String(err)}\n`);
    if (program.opts().verbose && e?.stack) process.stderr.write(`${e.stack}\n`);
    else process.stderr.write('(run again with --verbose for details, and please report it)\n');
    return 1;
  }
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
