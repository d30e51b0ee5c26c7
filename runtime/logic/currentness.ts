/**
 * E-6 currentness, computed for ONE step from its deps' stored flags (non-recursive).
 * The engine keeps a flag per step and re-runs this only for the dependents of a step
 * whose flag changed — the supersession cascade, incrementally (D-R1).
 */
import { failedContinue, type JobView } from './job-view.js';

export function computeCurrent(view: JobView, step: string): boolean {
  const info = view.index.steps.get(step);
  const r = view.latest(step);
  if (!info || !r || r.status !== 'completed') return false;
  const recOk = (dep: string): boolean => {
    const rec = r.depRunIds[dep];
    const l = view.latest(dep);
    if (!rec || !l || rec !== l.id) return false;
    return (l.status === 'completed' && view.isCurrent(dep)) || failedContinue(view, dep);
  };
  for (const d of info.regularDeps) if (!recOk(d)) return false;
  for (const d of info.afterResolved) {
    const l = view.latest(d);
    if (recOk(d)) continue;
    if (l && l.status === 'skipped' && r.depRunIds[d] === l.id) continue;
    return false;
  }
  for (const b of info.anyOfBindings) {
    const recorded = b.sources.filter((s) => r.depRunIds[s.step]);
    if (recorded.length === 0 && b.optional) continue;
    if (!recorded.some((s) => recOk(s.step))) return false;
  }
  return true;
}
