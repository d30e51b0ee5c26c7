/**
 * `stepwise validate` / `schema` / `diagram` through the real binary (conformance
 * c26–c29, V-1…V-6, CLI-2 exit codes, the JSON shape of conformance/README.md).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOut, runCli, SHARED } from '../support/cli.js';

const CASES = ['c26-validate-unknown-step', 'c27-validate-cycle', 'c28-validate-bad-expression', 'c29-validate-loop-target'];
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stepwise-validate-'));
}, 120_000);

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'p-'));
  mkdirSync(join(dir, '.stepwise'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe('validate: conformance cases c26–c29 (case.json expectations)', () => {
  for (const name of CASES) {
    it(`${name}`, async () => {
      const src = join(SHARED, 'conformance', name);
      const expected = JSON.parse(readFileSync(join(src, 'case.json'), 'utf8')).expect;
      const dir = project({});
      copyFileSync(join(src, 'FLOW.yaml'), join(dir, 'FLOW.yaml'));
      const r = await runCli(['validate', 'FLOW.yaml', '--output', 'json'], { cwd: dir });
      expect(r.code).toBe(expected.exit);
      const out = parseJsonOut(r);
      expect(Object.keys(out).sort()).toEqual(['diagnostics', 'ok']);
      expect(out.ok).toBe(false);
      for (const d of out.diagnostics) expect(Object.keys(d).sort()).toEqual(['code', 'column', 'file', 'hint', 'line', 'message', 'severity']);
      for (const want of expected.diagnostics ?? []) {
        const match = out.diagnostics.some((d: any) => (want.line === undefined || d.line === want.line) && (want.contains === undefined || d.message.includes(want.contains)));
        expect(match, `no diagnostic like ${JSON.stringify(want)} in ${r.stdout}`).toBe(true);
      }
      if (expected.error_contains) expect(r.stdout).toContain(expected.error_contains);
    });
  }
});

describe('validate: human output and exit codes (CLI-2)', () => {
  it('prints file:line:col, the source line, a caret and the hint; exit 1 on errors', async () => {
    const dir = project({ 'flow.yaml': 'steps:\n  a:\n    run: echo\n    inputs:\n      x: nope.x\n' });
    const r = await runCli(['validate', 'flow.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/flow\.yaml:5:10: error FLOW_UNKNOWN_STEP: Step 'a': input 'x' references unknown step 'nope'$/);
    expect(lines[1]).toBe('        x: nope.x');
    expect(lines[2]).toBe('           ^^^^^^');
    expect(lines[3]).toMatch(/^ {2}hint: /);
    expect(r.stdout).toContain('1 error');
  });

  it('warnings only → exit 0, ok true', async () => {
    const dir = project({ 'flow.yaml': 'steps:\n  a:\n    run: echo\n    exits:\n      - {when: "True", action: loop, target: a}\n' });
    const r = await runCli(['validate', 'flow.yaml', '--output', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = parseJsonOut(r);
    expect(out.ok).toBe(true);
    expect(out.diagnostics.map((d: any) => d.code)).toContain('FLOW_LOOP_NO_MAX');
  });

  it('every reference flow validates (exit 0)', async () => {
    const flows = ['generate-homepage.flow.yaml', 'report-test-loop.flow.yaml', 'demo'];
    for (const f of flows) {
      const r = await runCli(['validate', join(SHARED, 'reference-flows', f), '--output', 'json'], { cwd: work });
      expect(r.code, r.stdout).toBe(0);
      expect(parseJsonOut(r).ok).toBe(true);
    }
  });

  it('F-2: a failing requires check is a warning (FLOW_REQUIRES_CHECK), a passing one is silent', async () => {
    const dir = project({ 'flow.yaml': 'requires:\n  - {name: ok-tool, check: "true"}\n  - {name: nope-tool, check: "exit 3", install: "apt install nope"}\n  - plain-string\nsteps:\n  a:\n    run: echo\n' });
    const r = await runCli(['validate', 'flow.yaml', '--output', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = parseJsonOut(r);
    expect(out.ok).toBe(true);
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({ code: 'FLOW_REQUIRES_CHECK', severity: 'warning', hint: 'Install it: apt install nope' });
    expect(out.diagnostics[0].message).toContain("'nope-tool'");
  });

  it('an unresolvable reference → exit 2, JSON still printed (F-1.2)', async () => {
    const dir = project({});
    const r = await runCli(['validate', './missing.yaml', '--output', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    const out = parseJsonOut(r);
    expect(out.ok).toBe(false);
    expect(out.diagnostics[0].message).toContain('Flow not found');
  });

  it('a kit directory validates its KIT.yaml and every member (F-1.5)', async () => {
    const dir = project({
      'mykit/KIT.yaml': 'name: mykit\ndescription: tools\n',
      'mykit/one/FLOW.yaml': 'steps:\n  a:\n    run: echo\n',
      'mykit/two/FLOW.yaml': 'steps:\n  a:\n    run: echo\n    after: [ghost]\n',
    });
    const r = await runCli(['validate', 'mykit', '--output', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = parseJsonOut(r);
    expect(out.diagnostics).toHaveLength(1);
    expect(out.diagnostics[0]).toMatchObject({ code: 'FLOW_UNKNOWN_STEP', line: 4 });
    expect(out.diagnostics[0].file).toContain(join('mykit', 'two', 'FLOW.yaml'));
  });
});

describe('schema and diagram commands', () => {
  it('stepwise schema prints a JSON Schema', async () => {
    const r = await runCli(['schema'], { cwd: work });
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toContain('json-schema.org');
    expect(schema.required).toEqual(['steps']);
  });

  it('stepwise diagram prints Mermaid by default and DOT on request', async () => {
    const dir = project({ 'flow.yaml': 'steps:\n  a:\n    run: echo\n    outputs: [x]\n  b:\n    run: echo\n    inputs: {x: a.x}\n' });
    const m = await runCli(['diagram', 'flow.yaml'], { cwd: dir });
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('flowchart TD');
    expect(m.stdout).toContain('s0 -->|"x"| s1');
    const d = await runCli(['diagram', 'flow.yaml', '--format', 'dot'], { cwd: dir });
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('"a" -> "b"');
  });

  it('stepwise diagram on an invalid flow exits 2 with the caret excerpt', async () => {
    const dir = project({ 'flow.yaml': 'steps:\n  a:\n    run: echo\n    after: [ghost]\n' });
    const r = await runCli(['diagram', 'flow.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('FLOW_UNKNOWN_STEP');
  });
});
