/** S-4 / P-7 job metadata rules at creation. */
import { describe, expect, it } from 'vitest';
import { checkMetadata } from '../../runtime/metadata.js';
import { openStepwise } from '../../runtime/index.js';
import { tinyFlow, tmpProject } from './helpers.js';

describe('S-4 job metadata', () => {
  it('accepts sys strings from the list, depth ≤ 10, any app keys', () => {
    expect(checkMetadata({ sys: { origin: 'cli', depth: 2 }, app: { project: 'x' } })).toBeNull();
  });
  it('rejects unknown sys keys, wrong types, extra top-level keys and oversize metadata', () => {
    expect(checkMetadata({ sys: { colour: 'red' } })).toContain('metadata.sys.colour is not allowed');
    expect(checkMetadata({ sys: { origin: 1 } as never })).toBe('metadata.sys.origin must be a string');
    expect(checkMetadata({ sys: { depth: 11 } })).toContain('depth');
    expect(checkMetadata({ sys: {}, app: {}, other: {} } as never)).toContain("unknown metadata key 'other'");
    expect(checkMetadata({ app: { big: 'x'.repeat(9000) } })).toContain('limit is 8192');
  });
  it('createJob refuses invalid metadata; valid metadata lands in every event envelope (P-4)', async () => {
    const sw = openStepwise({ projectDir: tmpProject() });
    expect(() => sw.createJob(tinyFlow(), { inputs: {}, metadata: { sys: { nope: 'x' } } })).toThrow(/Invalid job metadata/);
    const job = sw.createJob(tinyFlow(), { inputs: {}, metadata: { sys: { origin: 'cli' }, app: { k: 1 } } });
    expect(job.metadata).toEqual({ sys: { origin: 'cli', depth: 0 }, app: { k: 1 } });
    expect(job.status).toBe('pending');
    expect(job.id).toMatch(/^job-[0-9a-f]{8}$/);
    await sw.close();
  });
});
