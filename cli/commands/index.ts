/** Every CLI verb, in the order `stepwise --help` lists them. */
import type { Command } from 'commander';
import { register as run } from './run.js';
import { register as validate } from './validate.js';
import { register as status } from './status.js';
import { register as jobs } from './jobs.js';
import { register as inspect } from './inspect.js';
import { register as control } from './control.js';
import { register as init } from './init.js';
import { register as schema } from './schema.js';
import { register as diagram } from './diagram.js';
import { register as fulfill } from './fulfill.js';
import { register as list } from './list.js';
import { register as pollNow } from './poll-now.js';

export const commands: ((program: Command) => void)[] = [run, validate, status, jobs, inspect, control, fulfill, list, pollNow, init, schema, diagram];
