/** CLI-4 terminal prompting, driven through a fake stream pair (the pty path is in cli-gates). */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { OutputSpec } from '../../compiler/ir.js';
import { LineReader, promptFields } from '../../cli/prompt-fields.js';

const f = (name: string, type: OutputSpec['type'], extra: Partial<OutputSpec> = {}): OutputSpec => ({
  name, type, required: true, hasDefault: false, description: '', ...extra,
});

function io(lines: string[], end = true) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d) => (text += d));
  input.write(lines.map((l) => `${l}\n`).join(''));
  if (end) input.end();
  return { reader: new LineReader({ input, output }), output, text: () => text };
}

describe('CLI-4 prompt fields', () => {
  it('numbered menu for choice, y/n for bool, re-asks invalid values, blank optional skipped', async () => {
    const specs = [
      f('decision', 'choice', { options: ['approve', 'revise'] }),
      f('score', 'number', { min: 0, max: 10 }),
      f('flag', 'bool'),
      f('tags', 'choice', { options: ['a', 'b', 'c'], multiple: true }),
      f('note', 'str', { required: false, hasDefault: true, default: 'n/a' }),
    ];
    const t = io(['3', 'revise', 'abc', '11', '4.5', 'maybe', 'N', '1, 3', '']);
    const payload = await promptFields(specs, t.reader, t.output);
    expect(payload).toEqual({ decision: 'revise', score: 4.5, flag: false, tags: ['a', 'c'] });
    expect(t.text()).toContain('    1) approve\n    2) revise');
    expect(t.text()).toContain("'3' is not one of ['approve', 'revise']");
    expect(t.text()).toContain("expected a number, got 'abc'");
    expect(t.text()).toContain('value 11 above maximum 10');
    expect(t.text()).toContain('flag (y/n)> ');
    expect(t.text()).toContain('note [default: "n/a"]> ');
  });

  it('a blank required answer is re-asked; EOF leaves the step suspended (null)', async () => {
    const t = io(['', 'ok']);
    expect(await promptFields([f('a', 'str')], t.reader, t.output)).toEqual({ a: 'ok' });
    expect(t.text()).toContain("'a' is required.");
    const eof = io([]);
    expect(await promptFields([f('a', 'str')], eof.reader, eof.output)).toBeNull();
  });

  it('gives up (null) after repeated invalid answers', async () => {
    const t = io(['x', 'x', 'x', 'x', 'x', 'x']);
    expect(await promptFields([f('n', 'number')], t.reader, t.output)).toBeNull();
  });
});
