/**
 * Terminal prompting for a suspended external step (CLI-4 headless mode): one question per
 * fulfilment field — a numbered menu for `choice`, y/n for `bool`, re-asked until the value
 * passes the same coercion the engine applies (EX-3). Streams are injected so the module is
 * testable without a terminal; EOF (Ctrl-D) means "leave the step suspended".
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { OutputSpec } from '../compiler/ir.js';
import type { Stepwise } from '../runtime/types.js';
import { coerceField } from '../runtime/watch/coerce-payload.js';
import { watchFieldSpecs } from '../runtime/watch/field-hints.js';

const MAX_TRIES = 5;

export interface PromptIo {
  input: Readable;
  output: Writable;
}

/** A line reader that resolves null on EOF (and keeps lines that arrive before a question). */
export class LineReader {
  private rl: Interface;
  private lines: string[] = [];
  private waiters: ((l: string | null) => void)[] = [];
  private ended = false;

  constructor(private io: PromptIo) {
    this.rl = createInterface({ input: io.input, terminal: false });
    this.rl.on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(null);
    });
  }

  ask(question: string): Promise<string | null> {
    this.io.output.write(question);
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.rl.close();
  }
}

function menuAnswer(spec: OutputSpec, line: string): unknown {
  const options = spec.options ?? [];
  const pick = (tok: string): unknown => {
    const n = Number(tok);
    if (Number.isInteger(n) && n >= 1 && n <= options.length && !options.some((o) => String(o) === tok)) return options[n - 1];
    return tok;
  };
  if (spec.multiple) return line.split(',').map((t) => t.trim()).filter((t) => t !== '').map(pick);
  return pick(line.trim());
}

function question(spec: OutputSpec): string {
  const label = spec.description ? `${spec.name} — ${spec.description}` : spec.name;
  const opt = spec.required ? '' : spec.hasDefault ? ` [default: ${JSON.stringify(spec.default)}]` : ' [optional]';
  switch (spec.type) {
    case 'choice': {
      const menu = (spec.options ?? []).map((o, i) => `    ${i + 1}) ${String(o)}`).join('\n');
      return `  ${label}${opt}\n${menu}\n  ${spec.multiple ? 'numbers, comma-separated' : 'number'}> `;
    }
    case 'bool':
      return `  ${label}${opt} (y/n)> `;
    case 'number': {
      const range = spec.min !== undefined || spec.max !== undefined ? ` (${spec.min ?? ''}..${spec.max ?? ''})` : '';
      return `  ${label}${opt}${range}> `;
    }
    default:
      return `  ${label}${opt}> `;
  }
}

/**
 * Asks for every field; returns the payload (raw answers, coerced again by the engine), or
 * null when the user ended input (EOF) or gave up after repeated invalid answers.
 */
export async function promptFields(specs: OutputSpec[], reader: LineReader, out: Writable): Promise<Record<string, unknown> | null> {
  const payload: Record<string, unknown> = {};
  for (const spec of specs) {
    let done = false;
    for (let i = 0; i < MAX_TRIES && !done; i++) {
      const line = await reader.ask(question(spec));
      if (line === null) return null;
      if (line.trim() === '') {
        if (!spec.required) {
          done = true; // blank optional: the engine applies the default or drops the key (EX-3)
          break;
        }
        out.write(`  '${spec.name}' is required.\n`);
        continue;
      }
      const yn = /^[yn]$/i.test(line.trim()) ? (/^y$/i.test(line.trim()) ? 'yes' : 'no') : line;
      const value = spec.type === 'choice' ? menuAnswer(spec, line) : spec.type === 'bool' ? yn : line;
      const r = coerceField(spec, value);
      if (r.ok) {
        payload[spec.name] = r.value;
        done = true;
      } else out.write(`  ${r.error}\n`);
    }
    if (!done) return null;
  }
  return payload;
}

/** CLI-4: prompt only when a human is at the terminal (stdin and stderr both TTYs). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/**
 * Asks for every external step the job waits on and fulfils it. Returns true when at least
 * one run was fulfilled (the caller waits again), false when the user left them suspended.
 */
export async function promptSuspended(engine: Stepwise, jobId: string, reader: LineReader, out: Writable): Promise<boolean> {
  const runs = engine.store.listRuns(jobId).filter((r) => r.status === 'suspended' && r.watch?.mode === 'external');
  let fulfilled = false;
  for (const run of runs) {
    const cfg = (run.watch?.config ?? {}) as Record<string, unknown>;
    out.write(`\n⏸ ${run.stepName} waits for input (run ${run.id})\n`);
    if (typeof cfg.prompt === 'string' && cfg.prompt) out.write(`  ${cfg.prompt.split('\n').join('\n  ')}\n`);
    const specs = watchFieldSpecs(run.watch);
    for (let attempt = 0; attempt < 3; attempt++) {
      const payload = await promptFields(specs, reader, out);
      if (payload === null) return fulfilled;
      const r = await engine.fulfillRun(run.id, payload);
      if (r.status !== 'rejected') {
        fulfilled = true;
        break;
      }
      out.write(`  rejected: ${r.error}\n`);
    }
  }
  return fulfilled;
}
