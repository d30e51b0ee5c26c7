/** More SPEC §12 observed behaviours through the engine (CT-24, CT-27, CT-45, CT-46). */
import { afterEach, describe, expect, it } from 'vitest';
import { runFlow as run, type Ran } from './helpers.js';

const open: Ran[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.sw.close();
});
const runFlow: typeof run = async (...args) => {
  const r = await run(...args);
  open.push(r);
  return r;
};

describe('SPEC §12 observed behaviours', () => {
  it('CT-27 a→b; b loops to a until attempt >= 3 → 3 runs each; a sees attempts 1,2,3', async () => {
    const r = await runFlow(`
name: ct27
steps:
  a: { run: '{"k": $attempt}', outputs: [k] }
  b:
    run: '{"v": 1}'
    inputs: { k: a.k }
    outputs: [v]
    exits:
      - { name: done, when: "attempt >= 3", action: advance }
      - { name: again, when: "True", action: loop, target: a }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('a').map((x) => x.artifact)).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }]);
    expect(r.runs('b').map((x) => x.inputs)).toEqual([{ k: 1 }, { k: 2 }, { k: 3 }]);
  });

  it('CT-45 after any_of with both members failing → job failed, c never runs', async () => {
    const r = await runFlow(`
name: ct45
steps:
  a: { run: 'fail: a', outputs: [x] }
  b: { run: 'fail: b', outputs: [x] }
  c:
    run: '{"c": 1}'
    after: [{ any_of: [a, b] }]
    outputs: [c]
`);
    expect(r.outcome.status).toBe('failed');
    expect(r.runs('c').map((x) => x.status)).not.toContain('completed');
  });

  it('CT-45 after any_of with both succeeding: c runs once, neither member is cancelled', async () => {
    const r = await runFlow(`
name: ct45b
steps:
  a: { run: '{"x": 1}', outputs: [x] }
  b: { run: '{"x": 2}', outputs: [x] }
  c:
    run: '{"c": 1}'
    after: [{ any_of: [a, b] }]
    outputs: [c]
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('c')).toHaveLength(1);
    expect([...r.runs('a'), ...r.runs('b')].map((x) => x.status)).toEqual(['completed', 'completed']);
  });

  it('CT-24 predicate when: eq is strict (5 runs, "5" is skipped); in with a string is skipped', async () => {
    const r = await runFlow(
      `
name: ct24
steps:
  src: { run: x, outputs: [n, s] }
  yes: { run: '{"ok": 1}', inputs: { n: src.n }, when: { input: n, eq: 5 }, outputs: [ok] }
  no: { run: '{"ok": 1}', inputs: { n: src.s }, when: { input: n, eq: 5 }, outputs: [ok] }
  notin: { run: '{"ok": 1}', inputs: { n: src.s }, when: { input: n, in: [200] }, outputs: [ok] }
`,
      { handlers: { src: () => ({ n: 5, s: '200' }) } },
    );
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('yes')[0]!.status).toBe('completed');
    expect(r.runs('no')[0]!.status).toBe('skipped');
    expect(r.runs('notin')[0]!.status).toBe('skipped');
  });

  it('CT-46 an external step whose when is false is skipped, never suspended', async () => {
    const r = await runFlow(`
name: ct46
steps:
  a: { run: '{"x": 0}', outputs: [x] }
  ask: { executor: external, prompt: "ok?", inputs: { x: a.x }, when: "x == 1", outputs: [ok] }
`);
    expect(r.outcome.status).toBe('completed');
    expect(r.runs('ask').map((x) => x.status)).toEqual(['skipped']);
    expect(r.events()).not.toContain('step.suspended');
  });
});
