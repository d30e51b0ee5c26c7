/**
 * Check: every name a step refers to exists (V-4) — binding sources and their fields
 * (F-7.3, F-7.4), `after`/`after_resolved`, loop/escalate targets, for_each sources —
 * plus the session and fork rules of V-5. Reports every problem; returns whether the
 * graph is sane enough for the structural checks.
 */
import type { BindingSource, SourceLoc } from './ir.js';
import type { FlowModel, StepModel } from './model.js';
import { didYouMean, locOf, report } from './source-context.js';

function stepHint(model: FlowModel, name: string): { hint?: string } {
  const guess = didYouMean(name, model.byName.keys());
  return guess ? { hint: `Did you mean '${guess}'?` } : {};
}

/** Declared outputs and derived outputs of a step. */
export function fieldsOf(s: StepModel): Set<string> {
  return new Set([...s.step.outputs.map((o) => o.name), ...s.step.derivedOutputs.map((d) => d.name)]);
}

function checkSource(model: FlowModel, m: StepModel, src: BindingSource, loc: SourceLoc | undefined, what: string, underscoreExempt: boolean): boolean {
  const { ctx } = m;
  if (src.step === '$job') return true;
  const source = model.byName.get(src.step);
  if (!source) {
    report(ctx, 'FLOW_UNKNOWN_STEP', loc ?? m.step.loc, `Step '${m.step.name}': ${what} references unknown step '${src.step}'`, stepHint(model, src.step));
    return false;
  }
  if (src.field === '_session') {
    if (!source.step.session) {
      report(ctx, 'FLOW_SESSION', loc ?? m.step.loc, `Step '${m.step.name}': ${what} reads '${src.step}._session' but step '${src.step}' has no 'session'`, { hint: `Add 'session: <name>' to step '${src.step}'.` });
      return false;
    }
    return true;
  }
  if (underscoreExempt && src.field.startsWith('_')) return true;
  const fields = fieldsOf(source);
  if (!fields.has(src.field)) {
    const guess = didYouMean(src.field, fields);
    const declared = fields.size ? `declares [${[...fields].join(', ')}]` : 'declares no outputs';
    report(ctx, 'FLOW_UNKNOWN_FIELD', loc ?? m.step.loc, `Step '${m.step.name}': ${what} reads unknown field '${src.field}' of step '${src.step}' (it ${declared})`, {
      hint: guess ? `Did you mean '${src.step}.${guess}'?` : `Add '${src.field}' to the outputs of step '${src.step}'.`,
    });
    return false;
  }
  return true;
}

export function checkReferences(model: FlowModel): boolean {
  let ok = true;
  for (const m of model.steps) {
    const { ctx, step } = m;
    for (const info of m.bindings) {
      const b = info.binding;
      b.sources.forEach((src, i) => {
        if (!checkSource(model, m, src, info.sourceLocs[i] ?? b.loc, `input '${b.local}'`, b.kind !== 'any_of')) ok = false;
      });
      if (b.local === '_session_id' && step.session) {
        report(ctx, 'FLOW_SESSION', b.loc, `Step '${step.name}': an '_session_id' input cannot be combined with 'session'`);
        ok = false;
      }
    }
    for (const key of ['after', 'after_resolved'] as const) {
      const names = key === 'after' ? step.after.flatMap((a) => (a.kind === 'step' ? [a.step] : a.steps)) : step.afterResolved;
      for (const n of names) {
        if (!model.byName.has(n)) {
          report(ctx, 'FLOW_UNKNOWN_STEP', m.afterLocs.get(`${key}:${n}`) ?? step.loc, `Step '${step.name}': '${key}' references unknown step '${n}'`, stepHint(model, n));
          ok = false;
        }
      }
    }
    for (const rule of step.exits) {
      if (rule.target === undefined || model.byName.has(rule.target)) continue;
      report(ctx, 'FLOW_UNKNOWN_STEP', m.exitTargetLocs.get(rule) ?? rule.loc, `Step '${step.name}': exit rule '${rule.name}' targets unknown step '${rule.target}'`, stepHint(model, rule.target));
      ok = false;
    }
    if (step.forEach && !checkSource(model, m, step.forEach.source, locOf(m.ctx, m.keys.get('for_each')), 'for_each', false)) ok = false;
    if (step.forkFrom !== undefined && !checkFork(model, m)) ok = false;
  }
  return ok;
}

/** V-5 basics for `fork_from`. */
function checkFork(model: FlowModel, m: StepModel): boolean {
  const { ctx, step } = m;
  const fork = step.forkFrom!;
  const at = locOf(m.ctx, m.keys.get('fork_from')) ?? step.loc;
  if (fork.startsWith('$job.')) {
    const name = fork.slice(5);
    const v = model.vars.find((x) => x.name === name);
    if (!v || v.type !== 'session') {
      report(ctx, 'FLOW_SESSION', at, `Step '${step.name}': 'fork_from: ${fork}' needs a declared input '${name}' of type session`, { hint: `Declare it: inputs: {${name}: {type: session}}.` });
      return false;
    }
    return true;
  }
  const target = model.byName.get(fork);
  if (!target) {
    report(ctx, 'FLOW_UNKNOWN_STEP', at, `Step '${step.name}': 'fork_from' references unknown step '${fork}'`, stepHint(model, fork));
    return false;
  }
  let ok = true;
  if (!target.step.session) {
    report(ctx, 'FLOW_SESSION', at, `Step '${step.name}': fork source '${fork}' has no 'session'`, { hint: `Add 'session: <name>' to step '${fork}'.` });
    ok = false;
  }
  const ordered =
    step.after.some((a) => (a.kind === 'step' ? a.step === fork : a.steps.includes(fork))) ||
    step.afterResolved.includes(fork) ||
    step.inputs.some((b) => b.sources.some((s) => s.step === fork));
  if (!ordered) {
    report(ctx, 'FLOW_SESSION', at, `Step '${step.name}': fork source '${fork}' must appear in 'after'/'after_resolved' or as an input source`, { hint: `Add 'after: [${fork}]'.` });
    ok = false;
  }
  return ok;
}
