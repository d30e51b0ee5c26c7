/** DESIGN §6 embedded API: the built package compiles a flow and runs it on the durable runtime. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

describe('embedded API (dist/index.js)', () => {
  it('compileFile + openStepwise run a flow to completion and report diagnostics as data', async () => {
    const api = await import(pathToFileURL(join(REPO, 'dist', 'index.js')).href);
    const dir = mkdtempSync(join(tmpdir(), 'stepwise-embed-'));
    writeFileSync(
      join(dir, 'f.flow.yaml'),
      "name: embed\nsteps:\n  a:\n    run: 'echo \"{\\\"n\\\": 2}\"'\n    outputs: [n]\n  b:\n    run: 'echo \"{\\\"m\\\": $((STEPWISE_INPUT_n * 3))}\"'\n    inputs: { n: a.n }\n    outputs: [m]\n",
    );
    const { flow, diagnostics } = api.compileFile(join(dir, 'f.flow.yaml'));
    expect(diagnostics.filter((d: any) => d.severity === 'error')).toEqual([]);
    const sw = api.openStepwise({ projectDir: dir });
    try {
      const job = sw.createJob(flow, { inputs: {} });
      sw.startJob(job.id);
      const outcome = await sw.waitForJob(job.id);
      expect(outcome.status).toBe('completed');
      expect(sw.store.terminalOutputs(job.id)).toEqual([{ m: 6 }]);
    } finally {
      await sw.close();
    }
    const bad = api.compileSource('steps:\n  a:\n    run: x\n    inputs: { v: nope.v }\n', { file: 'inline.yaml' });
    expect(bad.flow).toBeNull();
    expect(bad.diagnostics.some((d: any) => d.message.includes('nope') && d.line === 4)).toBe(true);
  });
});
