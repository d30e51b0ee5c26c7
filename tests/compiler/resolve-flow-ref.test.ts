/**
 * F-1.2: resolving a CLI flow reference, in the documented order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveFlowRef } from '../../compiler/index.js';
import { tempTree } from './helpers.js';

const flow = 'steps:\n  a:\n    run: echo\n';
const dir = tempTree({
  '.stepwise/registry/@ann/tool/FLOW.yaml': flow,
  'single.flow.yaml': flow,
  'dirflow/FLOW.yaml': flow,
  'kit1/KIT.yaml': 'name: kit1\ndescription: d\n',
  'kit1/member/FLOW.yaml': flow,
  'flows/named/FLOW.yaml': flow,
  '.stepwise/flows/hidden.flow.yaml': flow,
  'flows/kit2/KIT.yaml': 'name: kit2\ndescription: d\n',
});
const at = (ref: string) => resolveFlowRef(ref, { cwd: dir });
const pathOf = (ref: string) => {
  const r = at(ref);
  return 'path' in r ? r.path : `error:${r.error.code}`;
};

describe('resolveFlowRef (F-1.2)', () => {
  it('(a) an existing file, a directory with FLOW.yaml, a kit directory is an error', () => {
    expect(pathOf('single.flow.yaml')).toBe(join(dir, 'single.flow.yaml'));
    expect(pathOf('dirflow')).toBe(join(dir, 'dirflow', 'FLOW.yaml'));
    const kit = at('kit1');
    expect('error' in kit && kit.error.message).toContain('is a kit, not a flow');
  });
  it('(b) a path-like reference that does not exist is "Flow not found"', () => {
    const r = at('./nope.yaml');
    expect('error' in r && r.error.message).toContain('Flow not found');
    expect(pathOf('/abs/missing')).toBe('error:FLOW_FILE_NOT_FOUND');
  });
  it('(c) kit/flow, and more than one slash is an error', () => {
    expect(pathOf('kit1/member')).toBe(join(dir, 'kit1', 'member', 'FLOW.yaml'));
    expect(pathOf('a/b/c')).toBe('error:FLOW_BAD_REF');
  });
  it('(d) @author:slug from the project registry', () => {
    expect(pathOf('@ann:tool')).toBe(join(dir, '.stepwise', 'registry', '@ann', 'tool', 'FLOW.yaml'));
    expect(pathOf('@ann:other')).toBe('error:FLOW_FILE_NOT_FOUND');
  });
  it('(e) names must match the name pattern', () => {
    expect(pathOf('bad name!')).toBe('error:FLOW_BAD_REF');
  });
  it('(f) bare names are searched in project, flows/, .stepwise/flows/; a kit there is an error', () => {
    expect(pathOf('named')).toBe(join(dir, 'flows', 'named', 'FLOW.yaml'));
    expect(pathOf('hidden')).toBe(join(dir, '.stepwise', 'flows', 'hidden.flow.yaml'));
    expect(pathOf('kit2')).toBe('error:FLOW_IS_KIT');
    expect(pathOf('nothing-here')).toBe('error:FLOW_FILE_NOT_FOUND');
  });
  it('F-1.3: the project is found from a subdirectory', () => {
    expect(resolveFlowRef('named', { cwd: join(dir, 'dirflow') })).toEqual({ path: join(dir, 'flows', 'named', 'FLOW.yaml') });
  });
});
