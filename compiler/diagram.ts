/**
 * Diagrams of a compiled flow: Mermaid (`flowchart TD`) and Graphviz DOT. Solid edges
 * are data bindings, dashed ones ordering (`after`), dotted ones optional or loop-back
 * bindings; loop/escalate rules are labelled back arrows.
 */
import type { CompiledFlow, CompiledStep } from './ir.js';

interface DiagramEdge {
  from: string;
  to: string;
  label: string;
  style: 'data' | 'order' | 'weak' | 'loop';
}

function edgesOf(flow: CompiledFlow): DiagramEdge[] {
  const out: DiagramEdge[] = [];
  for (const s of flow.steps) {
    for (const b of s.inputs) {
      if (b.kind === 'job') continue;
      for (const src of b.sources) out.push({ from: src.step, to: s.name, label: b.local, style: b.optional || b.backEdge || b.kind === 'any_of' ? 'weak' : 'data' });
    }
    for (const a of s.after) for (const x of a.kind === 'step' ? [a.step] : a.steps) out.push({ from: x, to: s.name, label: a.kind === 'any_of' ? 'after any' : 'after', style: 'order' });
    for (const x of s.afterResolved) out.push({ from: x, to: s.name, label: 'after resolved', style: 'order' });
    if (s.forEach) out.push({ from: s.forEach.source.step, to: s.name, label: `for each ${s.forEach.as}`, style: 'data' });
    for (const r of s.exits) if (r.target && (r.action === 'loop' || r.action === 'escalate')) out.push({ from: s.name, to: r.target, label: `${r.action}: ${r.name}`, style: 'loop' });
  }
  return out;
}

const mid = (name: string, ids: Map<string, string>) => ids.get(name) ?? `s${ids.size}`;
const esc = (s: string) => s.replace(/"/g, '#quot;');

function kindNote(s: CompiledStep): string {
  if (s.kind === 'for_each') return 'for_each';
  if (s.kind === 'sub_flow') return 'sub-flow';
  return s.kind;
}

export function toMermaid(flow: CompiledFlow): string {
  const ids = new Map<string, string>();
  flow.steps.forEach((s, i) => ids.set(s.name, `s${i}`));
  const lines = ['flowchart TD'];
  for (const s of flow.steps) {
    const text = `${esc(s.name)}<br/><small>${kindNote(s)}</small>`;
    const shape = s.kind === 'external' ? `[/"${text}"/]` : s.kind === 'for_each' || s.kind === 'sub_flow' ? `[["${text}"]]` : `["${text}"]`;
    lines.push(`  ${ids.get(s.name)}${shape}`);
  }
  for (const e of edgesOf(flow)) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    const arrow = e.style === 'data' ? '-->' : e.style === 'order' ? '-.->' : e.style === 'weak' ? '-.->' : '==>';
    lines.push(`  ${mid(e.from, ids)} ${arrow}|"${esc(e.label)}"| ${mid(e.to, ids)}`);
  }
  for (const t of flow.entry) lines.push(`  style ${ids.get(t)} stroke-width:3px`);
  for (const t of flow.terminal) lines.push(`  style ${ids.get(t)} stroke-dasharray:0,stroke:#2a2`);
  return lines.join('\n') + '\n';
}

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function toDot(flow: CompiledFlow): string {
  const lines = [`digraph ${q(flow.name)} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  const terminal = new Set(flow.terminal);
  for (const s of flow.steps) {
    const shape = s.kind === 'external' ? 'parallelogram' : s.kind === 'for_each' || s.kind === 'sub_flow' ? 'box3d' : 'box';
    lines.push(`  ${q(s.name)} [label=${q(`${s.name}\n(${kindNote(s)})`)}, shape=${shape}${terminal.has(s.name) ? ', peripheries=2' : ''}];`);
  }
  for (const e of edgesOf(flow)) {
    const style = e.style === 'data' ? 'solid' : e.style === 'loop' ? 'bold' : 'dashed';
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}, style=${style}${e.style === 'loop' ? ', constraint=false' : ''}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
