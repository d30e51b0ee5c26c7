/**
 * The compile cache (compiler/compile-cache.ts): a hit returns exactly what a compile returns,
 * and every change a compile could see — the flow file, a sub-flow file, a prompt_file, a file
 * that appears where a bare name is searched, another compiler build — makes it a miss.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileFileCached, MAX_ENTRIES, type CompileCache } from '../../compiler/compile-cache.js';
import { compileFile } from '../../compiler/index.js';

let dir: string;
let cache: CompileCache;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sw-ccache-'));
  mkdirSync(path.join(dir, '.stepwise'));
  cache = { dir: path.join(dir, '.stepwise', 'cache', 'compile'), buildId: 'test-build-1' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (rel: string, text: string): string => {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};

const MAIN = `name: main
steps:
  a:
    run: echo '{"x": 1}'
    outputs: [x]
  b:
    flow: sub.yaml
    inputs:
      x: a.x
    outputs: [y]
`;
const SUB = (cmd: string) => `name: sub
steps:
  s:
    run: ${cmd}
    outputs: [y]
`;

describe('compile cache', () => {
  it('a hit returns the same flow and diagnostics as a fresh compile', async () => {
    const main = write('main.yaml', MAIN);
    write('sub.yaml', SUB(`echo '{"y": 2}'`));
    const first = await compileFileCached(main, { projectDir: dir }, cache);
    const second = await compileFileCached(main, { projectDir: dir }, cache);
    expect(first.flow).not.toBeNull();
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    const fresh = compileFile(main, { projectDir: dir });
    expect(second.flow).toEqual(JSON.parse(JSON.stringify(fresh.flow)));
    expect(second.flow?.hash).toBe(fresh.flow?.hash);
    expect(second.diagnostics).toEqual(fresh.diagnostics);
  });

  it('an edit to the flow file or to a sub-flow file is a miss', async () => {
    const main = write('main.yaml', MAIN);
    write('sub.yaml', SUB(`echo '{"y": 2}'`));
    const before = await compileFileCached(main, { projectDir: dir }, cache);
    write('sub.yaml', SUB(`echo '{"y": 3}'`));
    const afterSub = await compileFileCached(main, { projectDir: dir }, cache);
    expect(afterSub.cached).toBe(false);
    expect(afterSub.flow?.hash).not.toBe(before.flow?.hash);
    write('main.yaml', MAIN.replace('"x": 1', '"x": 5'));
    const afterMain = await compileFileCached(main, { projectDir: dir }, cache);
    expect(afterMain.cached).toBe(false);
    expect(afterMain.flow?.hash).not.toBe(afterSub.flow?.hash);
  });

  it('an edit to a prompt_file is a miss', async () => {
    const main = write('p.yaml', `name: p\nsteps:\n  ask:\n    executor: llm\n    prompt_file: prompt.md\n    outputs: [answer]\n`);
    write('prompt.md', 'first prompt');
    const a = await compileFileCached(main, { projectDir: dir }, cache);
    write('prompt.md', 'second prompt');
    const b = await compileFileCached(main, { projectDir: dir }, cache);
    expect(b.cached).toBe(false);
    expect(JSON.stringify(b.flow)).toContain('second prompt');
    expect(JSON.stringify(a.flow)).toContain('first prompt');
  });

  it('a file appearing earlier on the bare-name search path is a miss (F-1.2)', async () => {
    write('flows/helper.flow.yaml', SUB(`echo '{"y": "from flows"}'`));
    const main = write('m.yaml', `name: m\nsteps:\n  h:\n    flow: helper\n    outputs: [y]\n`);
    const a = await compileFileCached(main, { projectDir: dir }, cache);
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // The project root is searched before flows/ (searchDirs in resolve-flow-ref.ts).
    write('helper/FLOW.yaml', SUB(`echo '{"y": "from root"}'`));
    const b = await compileFileCached(main, { projectDir: dir }, cache);
    expect(b.cached).toBe(false);
    expect(JSON.stringify(b.flow)).toContain('from root');
  });

  it('diagnostics are cached with their sources, and fixing the file is a miss', async () => {
    const bad = write('bad.yaml', `name: bad\nsteps:\n  a:\n    run: echo hi\n    inputs:\n      x: nowhere.y\n`);
    const a = await compileFileCached(bad, { projectDir: dir }, cache);
    const b = await compileFileCached(bad, { projectDir: dir }, cache);
    expect(a.flow).toBeNull();
    expect(b.cached).toBe(true);
    expect(b.diagnostics).toEqual(a.diagnostics);
    expect(b.sources[bad]).toContain('nowhere.y');
    write('bad.yaml', `name: bad\nsteps:\n  a:\n    run: echo hi\n`);
    const c = await compileFileCached(bad, { projectDir: dir }, cache);
    expect(c.cached).toBe(false);
    expect(c.flow).not.toBeNull();
  });

  it('another compiler build, a torn entry, or no cache all compile afresh', async () => {
    const main = write('main.yaml', MAIN);
    write('sub.yaml', SUB(`echo '{"y": 2}'`));
    await compileFileCached(main, { projectDir: dir }, cache);
    expect((await compileFileCached(main, { projectDir: dir }, { ...cache, buildId: 'test-build-2' })).cached).toBe(false);
    const { readdirSync } = await import('node:fs');
    for (const f of readdirSync(cache.dir)) writeFileSync(path.join(cache.dir, f), '{"v": 1, "key": tor');
    const torn = await compileFileCached(main, { projectDir: dir }, cache);
    expect(torn.cached).toBe(false);
    expect(torn.flow).not.toBeNull();
    expect((await compileFileCached(main, { projectDir: dir }, null)).cached).toBe(false);
  });

  it('the cache keeps at most MAX_ENTRIES entries, dropping the least recently written', async () => {
    const { readdirSync, utimesSync } = await import('node:fs');
    mkdirSync(cache.dir, { recursive: true });
    for (let i = 0; i < MAX_ENTRIES; i++) {
      const f = path.join(cache.dir, `old${i}.json`);
      writeFileSync(f, '{}');
      utimesSync(f, new Date(1_000_000 + i * 1000), new Date(1_000_000 + i * 1000));
    }
    const main = write('main.yaml', MAIN);
    write('sub.yaml', SUB(`echo '{"y": 2}'`));
    await compileFileCached(main, { projectDir: dir }, cache);
    const left = readdirSync(cache.dir);
    expect(left.length).toBe(Math.floor((MAX_ENTRIES * 3) / 4));
    expect(left).not.toContain('old0.json');
    expect((await compileFileCached(main, { projectDir: dir }, cache)).cached).toBe(true);
  });
});
