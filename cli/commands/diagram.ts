/** `stepwise diagram <flow> [--format mermaid|dot]`: the flow's step graph on stdout. */
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { toDot, toMermaid } from '../../compiler/diagram.js';
import { loadFlow } from '../flow-loader.js';

export function register(program: Command): void {
  program
    .command('diagram')
    .description('print the step graph of a flow as Mermaid (default) or Graphviz DOT')
    .argument('<flow>', 'flow file, directory, kit/flow, @author:name or flow name')
    .option('--format <format>', 'mermaid or dot', 'mermaid')
    .action(async (ref: string, opts: { format: string }, cmd: Command) => {
      if (opts.format !== 'mermaid' && opts.format !== 'dot') throw new CliError(`unknown --format '${opts.format}' (use mermaid or dot)`, 2);
      const projectDir = (cmd.optsWithGlobals() as { projectDir?: string }).projectDir;
      const { flow } = await loadFlow(ref, projectDir, { color: !!process.stderr.isTTY });
      process.stdout.write(opts.format === 'dot' ? toDot(flow) : toMermaid(flow));
    });
}
