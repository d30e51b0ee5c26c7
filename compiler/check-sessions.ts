/**
 * V-5 (E-20): forked sessions. Every writer of a forked session and of the session it
 * forks from is an agent step with `agent: claude` (forking steps get it inferred), and
 * all roots of one forked session fork from the same parent session.
 */
import type { FlowModel, StepModel } from './model.js';
import { report } from './source-context.js';

export function checkSessions(model: FlowModel): boolean {
  const writers = new Map<string, StepModel[]>();
  for (const m of model.steps) if (m.step.session) (writers.get(m.step.session) ?? writers.set(m.step.session, []).get(m.step.session)!).push(m);
  const involved = new Set<string>();
  const parentOf = new Map<string, { parent: string; via: StepModel }>();
  let ok = true;
  for (const m of model.steps) {
    const fork = m.step.forkFrom;
    if (!fork || fork.startsWith('$job.')) continue;
    const source = model.byName.get(fork);
    if (!source?.step.session) continue; // reported by checkReferences
    involved.add(source.step.session);
    const own = m.step.session;
    if (!own) continue;
    involved.add(own);
    const prev = parentOf.get(own);
    if (prev && prev.parent !== source.step.session) {
      report(m.ctx, 'FLOW_SESSION', m.step.loc ?? null, `Step '${m.step.name}': session '${own}' forks from '${source.step.session}', but step '${prev.via.step.name}' forks it from '${prev.parent}'`, { hint: 'All roots of one forked session must fork from the same parent session.' });
      ok = false;
    } else parentOf.set(own, { parent: source.step.session, via: m });
  }
  for (const name of involved) {
    for (const w of writers.get(name) ?? []) {
      if (w.step.kind === 'agent' && w.step.executor.config.agent === 'claude') continue;
      report(w.ctx, 'FLOW_SESSION', w.keys.get('session') ?? w.step.loc ?? null, `Step '${w.step.name}' writes forked session '${name}' but is not an agent step with 'agent: claude'`, { hint: "Session forking needs the claude agent: add `executor: agent` and `agent: claude`." });
      ok = false;
    }
  }
  return ok;
}
