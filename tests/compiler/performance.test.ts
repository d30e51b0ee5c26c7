/**
 * Brief "Performance": compilation is linear. A 5,000-step chain compiles to a flow
 * (timings belong to the bench, not to tests).
 */
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../compiler/index.js';
import { chain } from './helpers.js';

describe('large flows', () => {
  it('a 5,000-step chain compiles and yields a flow (D-R1 dependency index included)', () => {
    const r = compileSource(chain(5000));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.flow!.steps).toHaveLength(5000);
    expect(r.flow!.entry).toEqual(['s0']);
    expect(r.flow!.terminal).toEqual(['s4999']);
    expect(r.flow!.deps.dependents.s0).toEqual(['s1']);
  });

  it('a 2,000-step fan-out with self-loops and optional self-bindings compiles (V-3 on many candidates)', () => {
    const lines = ['steps:', '  root:', '    run: echo', '    outputs: [x]'];
    for (let i = 0; i < 2000; i++) {
      lines.push(`  w${i}:`, '    run: echo', '    outputs: [y]', '    inputs:', '      x: root.x', `      prev: {from: w${i}.y, optional: true}`);
      lines.push('    exits:', `      - {name: again, when: "attempt < 2", action: loop, target: w${i}, max_iterations: 2}`, '      - {name: done, when: "True", action: advance}');
    }
    const r = compileSource(lines.join('\n'));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.flow!.steps[1]!.inputs[1]!.backEdge).toBe(true);
    expect(r.flow!.terminal).toHaveLength(2000);
  });
});
