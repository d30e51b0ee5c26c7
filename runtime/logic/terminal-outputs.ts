/**
 * E-13 job outputs: artifacts of the latest completed run of each terminal step, in
 * declaration order (a terminal whose latest run is skipped is omitted); and the merged
 * dict used as a sub-flow / for_each item result (later terminals overwrite keys).
 */
import type { CompiledFlow } from '../../compiler/ir.js';
import type { RunRecord } from '../types.js';

export function terminalOutputs(flow: CompiledFlow, runsOf: (step: string) => RunRecord[]): Record<string, unknown>[] {
  const terminal = new Set(flow.terminal);
  const out: Record<string, unknown>[] = [];
  for (const s of flow.steps) {
    if (!terminal.has(s.name)) continue;
    const runs = runsOf(s.name);
    const latest = runs[runs.length - 1];
    if (!latest || latest.status === 'skipped') continue;
    const done = [...runs].reverse().find((r) => r.status === 'completed');
    if (done) out.push(done.artifact ?? {});
  }
  return out;
}

export function mergedTerminalArtifact(flow: CompiledFlow, runsOf: (step: string) => RunRecord[]): Record<string, unknown> {
  return Object.assign({}, ...terminalOutputs(flow, runsOf));
}

/** First completed artifact per step, in the order steps first completed. */
export function completedOutputs(runs: RunRecord[]): Record<string, unknown>[] {
  const seen = new Set<string>();
  const out: Record<string, unknown>[] = [];
  for (const r of runs) {
    if (r.status !== 'completed' || seen.has(r.stepName)) continue;
    seen.add(r.stepName);
    out.push(r.artifact ?? {});
  }
  return out;
}
