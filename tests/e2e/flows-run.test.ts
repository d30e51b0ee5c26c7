/**
 * The README's demo and the script-only reference flows run end to end through the real
 * binary (reference-flows/README.md: "the script-only ones must also run").
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, SHARED } from '../support/cli.js';
import { project, swJson } from './helpers.js';

describe('demo and reference flows run', () => {
  it('examples/demo: fan-out, a loop and a branch complete with the release notes', async () => {
    const dir = project();
    cpSync(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
    const r = await swJson(dir, 'run', 'examples/demo/FLOW.yaml', '--wait');
    expect(r.code).toBe(0);
    expect(r.json.status).toBe('completed');
    expect(r.json.outputs).toHaveLength(1);
    expect(r.json.outputs[0].release).toBe('1.4.0 -> 2.0.0');
    expect(r.json.outputs[0].notes).toContain('feat!: drop node 18');
    const st = await swJson(dir, 'status', r.json.job_id, '--output', 'json');
    const runs = (name: string) => st.json.steps.find((s: any) => s.name === name).runs.map((x: any) => x.status);
    expect(runs('draft')).toEqual(['completed', 'completed']);
    expect(runs('minor-bump')).toEqual(['skipped']);
    expect(runs('major-bump')).toEqual(['completed']);
  });

  it.each([
    ['report-test-linear.flow.yaml', 'completed', 0],
    ['report-test-loop.flow.yaml', 'completed', 0],
    ['report-test-parallel.flow.yaml', 'completed', 0],
    ['report-test-failure.flow.yaml', 'failed', 1],
  ])('reference flow %s ends %s', async (file, status, exit) => {
    const dir = project();
    cpSync(join(SHARED, 'reference-flows', file), join(dir, file));
    const r = await swJson(dir, 'run', file, '--wait');
    expect(r.json.status).toBe(status);
    expect(r.code).toBe(exit);
    if (status === 'failed') expect(r.json.error).toContain('Connection refused');
  });
});
