/**
 * Per-flow precomputation (D-R1): every dependency list the readiness and currentness
 * checks need, built once per flow hash so that handling one event touches only the
 * changed step's neighbours.
 */
import type { Binding, CompiledFlow, CompiledStep } from '../../compiler/ir.js';

export interface StepInfo {
  step: CompiledStep;
  /** E-5.5: plain non-optional non-back-edge bindings, `after` entries, the for_each source. */
  regularDeps: string[];
  afterResolved: string[];
  afterAnyGroups: string[][];
  /** Non-back-edge `any_of` bindings (E-5.8, E-6). */
  anyOfBindings: Binding[];
  hasLoopRule: boolean;
  /** Targets of `loop` rules. */
  loopTargets: string[];
  isExternal: boolean;
  /** Steps whose currentness or readiness reads this step (reverse deps, E-6 cascade). */
  dependents: string[];
}

export interface FlowIndex {
  flow: CompiledFlow;
  steps: Map<string, StepInfo>;
  /** Declaration order. */
  order: string[];
  /** Steps with a `when` clause (E-12.1 eager skip scans only these). */
  whenSteps: string[];
  /** loop target → steps with a `loop` rule targeting it. */
  loopersOf: Map<string, string[]>;
}

const cache = new Map<string, FlowIndex>();

export function indexFlow(flow: CompiledFlow): FlowIndex {
  const hit = cache.get(flow.hash);
  if (hit && hit.flow === flow) return hit;
  const steps = new Map<string, StepInfo>();
  const loopersOf = new Map<string, string[]>();
  for (const step of flow.steps) {
    const regular = new Set<string>();
    const anyOf: Binding[] = [];
    for (const b of step.inputs) {
      if (b.backEdge) continue;
      if (b.kind === 'step' && !b.optional && b.sources[0] && b.sources[0].step !== '$job') regular.add(b.sources[0].step);
      if (b.kind === 'any_of') anyOf.push(b);
    }
    const groups: string[][] = [];
    for (const a of step.after) {
      if (a.kind === 'step') regular.add(a.step);
      else groups.push(a.steps);
    }
    if (step.forEach && step.forEach.source.step !== '$job') regular.add(step.forEach.source.step);
    regular.delete(step.name);
    const loopTargets = step.exits.filter((e) => e.action === 'loop' && e.target).map((e) => e.target!);
    for (const t of new Set(loopTargets)) {
      const list = loopersOf.get(t) ?? [];
      list.push(step.name);
      loopersOf.set(t, list);
    }
    steps.set(step.name, {
      step,
      regularDeps: [...regular],
      afterResolved: step.afterResolved.filter((s) => s !== step.name),
      afterAnyGroups: groups,
      anyOfBindings: anyOf,
      hasLoopRule: loopTargets.length > 0,
      loopTargets: [...new Set(loopTargets)],
      isExternal: step.executor.type === 'external' || step.kind === 'external',
      dependents: [],
    });
  }
  // Reverse edges: the IR index plus every edge read here, so no consumer is missed.
  const reverse = new Map<string, Set<string>>();
  for (const info of steps.values()) {
    const deps = new Set<string>([
      ...(flow.deps.dependsOn[info.step.name] ?? []),
      ...info.regularDeps,
      ...info.afterResolved,
      ...info.afterAnyGroups.flat(),
      ...info.step.inputs.flatMap((b) => b.sources.map((s) => s.step)),
    ]);
    for (const d of deps) {
      if (!steps.has(d) || d === info.step.name) continue;
      let set = reverse.get(d);
      if (!set) reverse.set(d, (set = new Set()));
      set.add(info.step.name);
    }
  }
  for (const [name, set] of reverse) steps.get(name)!.dependents = [...set];
  const index: FlowIndex = {
    flow,
    steps,
    order: flow.steps.map((s) => s.name),
    whenSteps: flow.steps.filter((s) => s.when).map((s) => s.name),
    loopersOf,
  };
  cache.set(flow.hash, index);
  return index;
}
