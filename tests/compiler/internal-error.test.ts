/**
 * Brief "never throws": an exception inside a pass becomes a FLOW_INTERNAL diagnostic.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../compiler/build-flow.js', () => ({
  buildFlow: () => {
    throw new Error('boom');
  },
}));

describe('internal errors are data', () => {
  it('FLOW_INTERNAL: a thrown bug is reported, not thrown', async () => {
    const { compileSource } = await import('../../compiler/index.js');
    const r = compileSource('steps:\n  a:\n    run: echo\n');
    expect(r.flow).toBeNull();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'FLOW_INTERNAL', severity: 'error' });
    expect(r.diagnostics[0]!.message).toContain('boom');
    expect(r.diagnostics[0]!.hint).toBeTruthy();
  });
});
