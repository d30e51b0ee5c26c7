/** Every CLI verb, in the order `stepwise --help` lists them. */
import type { Command } from 'commander';
import { register as validate } from './validate.js';
import { register as schema } from './schema.js';
import { register as diagram } from './diagram.js';

export const commands: ((program: Command) => void)[] = [validate, schema, diagram];
