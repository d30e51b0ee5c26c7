/**
 * `stepwise diagram`: Mermaid and DOT renderings name every step and edge.
 */
import { describe, expect, it } from 'vitest';
import { toDot, toMermaid } from '../../compiler/index.js';
import { compile, yaml } from './helpers.js';

const flow = compile(
  yaml('steps:', '  a:', '    run: echo', '    outputs: [x]', '  b:', '    run: echo', '    inputs: {x: a.x}', '    exits:', '      - {when: "attempt < 2", action: loop, target: a, max_iterations: 2}', '      - {when: "True"}'),
).flow!;

describe('diagrams', () => {
  it('Mermaid: a flowchart with nodes, the data edge and the loop edge', () => {
    const m = toMermaid(flow);
    expect(m.startsWith('flowchart TD\n')).toBe(true);
    expect(m).toContain('s0["a<br/><small>script</small>"]');
    expect(m).toContain('s0 -->|"x"| s1');
    expect(m).toContain('s1 ==>|"loop: rule_0"| s0');
  });
  it('DOT: a digraph with the same edges', () => {
    const d = toDot(flow);
    expect(d).toContain('digraph "inline" {');
    expect(d).toContain('"a" -> "b" [label="x", style=solid];');
    expect(d).toContain('"b" -> "a" [label="loop: rule_0", style=bold, constraint=false];');
    expect(d.trim().endsWith('}')).toBe(true);
  });
});
