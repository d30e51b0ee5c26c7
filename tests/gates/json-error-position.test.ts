/** CLI-2: a bad fulfil payload names where it goes wrong (V8 does not always say). */
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from '../../cli/json-error-position.js';
import { parsePayload } from '../../cli/commands/fulfill.js';

describe('jsonErrorPosition', () => {
  it('valid JSON → -1', () => {
    for (const t of ['{}', ' {"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]} ', '[]', '"s"', '0']) expect(jsonErrorPosition(t)).toBe(-1);
  });
  it('points at the first bad character', () => {
    expect(jsonErrorPosition('{"decision": approve}')).toBe(13);
    expect(jsonErrorPosition('{"a": 1,}')).toBe(8);
    expect(jsonErrorPosition('{"a" 1}')).toBe(5);
    expect(jsonErrorPosition('{"a": 1')).toBe(7);
    expect(jsonErrorPosition('{"a": tru}')).toBe(9);
    expect(jsonErrorPosition('{} x')).toBe(3);
    expect(jsonErrorPosition("{'a': 1}")).toBe(1);
  });
  it('parsePayload names line and column, and an empty payload gets an example', () => {
    const r = parsePayload('{\n  "a": nope\n}', 'stdin');
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^Invalid JSON payload from stdin: [\s\S]* at position 10 \(line 2, column 9, near /) });
    expect(parsePayload('  ', 'stdin')).toEqual({ ok: false, error: `Empty payload from stdin: pass a JSON object, e.g. '{"approved": true}'` });
    expect(parsePayload('{"a": 1}', 'x')).toEqual({ ok: true, value: { a: 1 } });
  });
});
