/** `stepwise schema`: the JSON Schema of FLOW.yaml, for `# yaml-language-server: $schema=…`. */
import type { Command } from 'commander';
import { flowJsonSchema } from '../../compiler/flow-schema.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the flow format (for editor validation and completion)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
    });
}
