/**
 * E-5 readiness for ONE step. The engine calls it only for candidates (the changed
 * step, its dependents, loop neighbours), never for every step per event (D-R1).
 */
import { computeCurrent } from './currentness.js';
import { resolveInputs, type ResolvedInputs } from './input-resolution.js';
import { failedContinue, isActiveRun, type JobView } from './job-view.js';
import { evaluateWhen } from './when.js';

export type Readiness =
  | { ready: true; resolved: ResolvedInputs }
  /** Deps settled but `when` is false: a candidate for the eager skip (E-12.1). */
  | { ready: false; whenFalse: true; resolved: ResolvedInputs }
  | { ready: false; whenFalse?: false; why: string };

/** A loop target is busy while a step with a loop rule targeting it has an active run (E-5.5). */
export function loopTargetBusy(view: JobView, target: string): boolean {
  for (const l of view.index.loopersOf.get(target) ?? []) if (isActiveRun(view.latest(l))) return true;
  return false;
}

/**
 * E-5.5 settled. A loop target whose relaunch is decided but waits for an executor slot (or for
 * a resume) is not: E-10.1 launches it at once, so its dependents must not start on the old run.
 */
export function isSettled(view: JobView, dep: string): boolean {
  const l = view.latest(dep);
  if (!l) return false;
  if (l.status === 'completed') return view.isCurrent(dep) && !loopTargetBusy(view, dep) && !view.frame(dep)?.pendingLaunch;
  return failedContinue(view, dep);
}

/** Deps settled per E-5.5–8 (shared with the eager skip). */
export function depsSettled(view: JobView, step: string): string | null {
  const info = view.index.steps.get(step)!;
  // Scanned last-first: deps launched in declaration order finish roughly in that order, so a
  // wide fan-in finds an unsettled dep at once instead of re-checking the settled prefix.
  const deps = info.regularDeps;
  for (let i = deps.length - 1; i >= 0; i--) if (!isSettled(view, deps[i]!)) return `dep ${deps[i]} not settled`;
  for (const d of info.afterResolved) {
    if (!isSettled(view, d) && view.latest(d)?.status !== 'skipped') return `after_resolved ${d} not settled`;
  }
  for (const g of info.afterAnyGroups) if (!g.some((d) => isSettled(view, d))) return 'no after.any_of member settled';
  for (const b of info.anyOfBindings) {
    if (b.optional) continue;
    if (!b.sources.some((s) => isSettled(view, s.step))) return `any_of ${b.local} has no settled source`;
  }
  return null;
}

export function checkReady(view: JobView, step: string): Readiness {
  const info = view.index.steps.get(step);
  if (!info) return { ready: false, why: 'unknown step' };
  const latest = view.latest(step);
  if (isActiveRun(latest)) return { ready: false, why: 'active' };
  if (latest && latest.status === 'failed') {
    if (info.step.onError === 'continue') return { ready: false, why: 'failed with on_error continue' };
    if (info.loopTargets.some((t) => isActiveRun(view.latest(t)))) return { ready: false, why: 'loop target active' };
  }
  if (latest && latest.status === 'completed') {
    if (view.isCurrent(step) || computeCurrent(view, step)) return { ready: false, why: 'current' };
    if (!info.hasLoopRule) {
      // Settled-terminal guard (E-5.4a): relaunch only when a recorded dep has a newer completed run.
      const changed = Object.entries(latest.depRunIds).some(([d, id]) => {
        if (d === '$job') return false;
        const lc = view.latestCompleted(d);
        if (!lc || lc.id === id) return false;
        // A recorded failed-with-continue run is superseded only by a NEWER completed run.
        const rec = view.runById?.(id);
        return !rec || rec.status === 'completed' || lc.attempt > rec.attempt;
      });
      if (!changed) return { ready: false, why: 'settled-terminal guard' };
    }
    if (info.step.onCycle && !info.isExternal) return { ready: false, why: 'on a cycle: relaunched only by a loop' };
  }
  const why = depsSettled(view, step);
  if (why) return { ready: false, why };
  const resolved = resolveInputs(view, info.step);
  if (resolved.unresolved.length) return { ready: false, why: `unresolved inputs ${resolved.unresolved.join(', ')}` };
  if (latest && latest.status === 'skipped') {
    // E-12.1: a SKIPPED run is re-evaluated only when a dep's latest run changed since.
    const same = sameDeps(latest.depRunIds, resolved.depRunIds);
    if (same) return { ready: false, why: 'skipped; deps unchanged' };
  }
  if (!evaluateWhen(info.step.when, resolved.inputs, resolved.presence)) return { ready: false, whenFalse: true, resolved };
  return { ready: true, resolved };
}

export function sameDeps(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
