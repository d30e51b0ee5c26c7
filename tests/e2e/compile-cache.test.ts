/**
 * The compile cache through the real binary: a second `run` of an unchanged flow reuses
 * `.stepwise/cache/compile`, an edited flow runs as edited, `validate` answers the same from
 * the cache, and `--no-cache` compiles afresh. Outside a project `validate` writes nothing.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, sw, swJson } from './helpers.js';

const flow = (x: number) => `name: cached
steps:
  a:
    run: echo '{"x": ${x}}'
    outputs: [x]
    exits:
      - name: done
        when: "outputs.x > 0"
        action: advance
`;

const cacheDir = (dir: string) => join(dir, '.stepwise', 'cache', 'compile');
const entries = (dir: string) => (existsSync(cacheDir(dir)) ? readdirSync(cacheDir(dir)) : []);

describe('compile cache (CLI-3 run, V-1 validate)', () => {
  it('a second run reuses the entry; an edited flow runs as edited', async () => {
    const dir = project({ 'f.flow.yaml': flow(1) });
    const first = await swJson(dir, 'run', 'f.flow.yaml', '--wait');
    expect(first.json).toMatchObject({ status: 'completed', outputs: [{ x: 1 }] });
    expect(entries(dir)).toHaveLength(1);
    const file = join(cacheDir(dir), entries(dir)[0]!);
    const written = statSync(file).mtimeMs;
    const second = await swJson(dir, 'run', 'f.flow.yaml', '--wait');
    expect(second.json).toMatchObject({ status: 'completed', outputs: [{ x: 1 }] });
    expect(statSync(file).mtimeMs).toBe(written); // a hit does not rewrite the entry
    writeFileSync(join(dir, 'f.flow.yaml'), flow(7));
    const edited = await swJson(dir, 'run', 'f.flow.yaml', '--wait');
    expect(edited.json).toMatchObject({ status: 'completed', outputs: [{ x: 7 }] });
    const noCache = await swJson(dir, 'run', 'f.flow.yaml', '--wait', '--no-cache');
    expect(noCache.json).toMatchObject({ status: 'completed', outputs: [{ x: 7 }] });
  });

  it('validate prints the same diagnostics from the cache, and from a fresh compile with --no-cache', async () => {
    const bad = 'name: bad\nsteps:\n  a:\n    run: echo hi\n    inputs:\n      x: nowhere.y\n';
    const dir = project({ 'bad.flow.yaml': bad });
    await sw(dir, 'init');
    const a = await sw(dir, 'validate', 'bad.flow.yaml');
    const b = await sw(dir, 'validate', 'bad.flow.yaml');
    const c = await sw(dir, 'validate', 'bad.flow.yaml', '--no-cache');
    expect(a.code).toBe(1);
    expect(a.stdout).toContain('nowhere');
    expect(a.stdout).toContain('^'); // caret excerpt: the source text comes back with a hit
    expect(b).toMatchObject({ code: a.code, stdout: a.stdout });
    expect(c).toMatchObject({ code: a.code, stdout: a.stdout });
    expect(entries(dir)).toHaveLength(1);
  });

  it('validate outside a project writes no cache', async () => {
    const dir = project({ 'ok.flow.yaml': flow(1) });
    const r = await sw(dir, 'validate', 'ok.flow.yaml');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, '.stepwise'))).toBe(false);
  });
});
