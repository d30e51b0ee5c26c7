/**
 * Build: the step keys that shape what happens around an executor call (F-12) —
 * exit rules, decorators, limits, cache, on_error, derived outputs.
 */
import { isMap, isSeq, type Node } from 'yaml';
import type { CacheSpec, DecoratorSpec, ExitAction, ExitRule, StepLimits } from './ir.js';
import type { StepModel } from './model.js';
import { parseExpr } from './parse-expr.js';
import { entries, locOf, report, toJS, typeName, isNullNode } from './source-context.js';
import { DECORATOR_TYPES, EXIT_ACTIONS } from './flow-vocabulary.js';


export function buildExits(m: StepModel, node: Node | null): void {
  const { ctx, step } = m;
  const what = `Step '${step.name}'`;
  if (isNullNode(ctx, node)) return;
  if (!isSeq(node)) {
    report(ctx, 'FLOW_BAD_EXIT', node, `${what}: 'exits' must be a list of rules, got ${typeName(ctx, node)}`);
    m.broken = true;
    return;
  }
  (node.items as Node[]).forEach((item, i) => {
    if (!item || !isMap(item)) {
      report(ctx, 'FLOW_BAD_EXIT', item, `${what}: exit rule ${i} must be a mapping`);
      m.broken = true;
      return;
    }
    const e = new Map(entries(ctx, item).map((x) => [x.key, x] as const));
    const nameV = e.has('name') ? toJS(ctx, e.get('name')!.value) : undefined;
    const name = nameV === undefined || nameV === null ? `rule_${i}` : String(nameV);
    const rw = `${what} exit rule '${name}'`;
    const rule: ExitRule = { name, when: null, action: 'advance', loc: locOf(ctx, item) };
    const when = e.get('when');
    if (!when) {
      report(ctx, 'FLOW_BAD_EXIT', item, `${rw}: missing 'when'`, { hint: 'Add `when: "<expression>"`, e.g. `when: "True"` for a catch-all.' });
      m.broken = true;
    } else {
      const v = toJS(ctx, when.value);
      if (typeof v === 'string') rule.when = parseExpr(ctx, v, when.value);
      else
        report(ctx, 'FLOW_BAD_EXIT', when.value, `${rw}: 'when' must be an expression string; ${typeName(ctx, when.value)} never matches at run time`, {
          severity: 'warning',
          hint: 'Quote it: `when: "True"`.',
        });
    }
    const action = e.get('action');
    if (action) {
      const v = toJS(ctx, action.value);
      if (typeof v !== 'string' || !(EXIT_ACTIONS as string[]).includes(v)) {
        report(ctx, 'FLOW_BAD_EXIT', action.value, `${rw}: invalid action '${String(v)}' (expected ${EXIT_ACTIONS.join(', ')})`);
        m.broken = true;
      } else rule.action = v as ExitAction;
    }
    const target = e.get('target');
    if (target) {
      const v = toJS(ctx, target.value);
      if (typeof v !== 'string' || v === '') {
        report(ctx, 'FLOW_BAD_EXIT', target.value, `${rw}: 'target' must be a step name`);
        m.broken = true;
      } else if (rule.action === 'advance') {
        report(ctx, 'FLOW_BAD_EXIT', target.keyNode, `${rw}: action 'advance' cannot have a target`, { hint: "Use `action: loop` to jump back, or drop 'target'." });
        m.broken = true;
      } else {
        rule.target = v;
        m.exitTargetLocs.set(rule, locOf(ctx, target.value));
      }
    } else if (rule.action === 'loop') {
      report(ctx, 'FLOW_BAD_EXIT', item, `${rw}: action 'loop' needs a 'target' step`);
      m.broken = true;
    }
    const max = e.get('max_iterations');
    if (max) {
      const v = toJS(ctx, max.value);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) report(ctx, 'FLOW_BAD_EXIT', max.value, `${rw}: 'max_iterations' must be a positive integer`);
      else rule.maxIterations = v;
    }
    for (const [k, x] of e) {
      if (!['name', 'when', 'action', 'target', 'max_iterations'].includes(k)) report(ctx, 'FLOW_UNKNOWN_KEY', x.keyNode, `${rw}: unknown key '${k}'`);
    }
    step.exits.push(rule);
  });
}

export function buildDecorators(m: StepModel, node: Node | null): void {
  const { ctx, step } = m;
  if (isNullNode(ctx, node)) return;
  if (!isSeq(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `Step '${step.name}': 'decorators' must be a list of {type, config}`);
    m.broken = true;
    return;
  }
  for (const item of node.items as Node[]) {
    if (!item || !isMap(item)) {
      report(ctx, 'FLOW_BAD_TYPE', item, `Step '${step.name}': a decorator must be a mapping {type, config}`);
      m.broken = true;
      continue;
    }
    const e = new Map(entries(ctx, item).map((x) => [x.key, x] as const));
    const type = e.has('type') ? toJS(ctx, e.get('type')!.value) : undefined;
    if (type === undefined) {
      report(ctx, 'FLOW_MISSING_KEY', item, `Step '${step.name}': decorator without 'type'`, { hint: `Add type: one of ${DECORATOR_TYPES.join(', ')}.` });
      m.broken = true;
      continue;
    }
    if (typeof type !== 'string' || !(DECORATOR_TYPES as readonly string[]).includes(type)) {
      report(ctx, 'FLOW_UNKNOWN_DECORATOR', e.get('type')!.value, `Step '${step.name}': unknown decorator type '${String(type)}'`);
      m.broken = true;
      continue;
    }
    const cfgNode = e.get('config')?.value ?? null;
    const cfg = toJS(ctx, cfgNode);
    if (cfg !== null && (typeof cfg !== 'object' || Array.isArray(cfg))) {
      report(ctx, 'FLOW_BAD_TYPE', cfgNode, `Step '${step.name}': decorator 'config' must be a mapping`);
      m.broken = true;
      continue;
    }
    const spec: DecoratorSpec = { type: type as DecoratorSpec['type'], config: (cfg ?? {}) as Record<string, unknown> };
    step.decorators.push(spec);
  }
}

export function buildLimits(m: StepModel, node: Node | null): void {
  const { ctx, step } = m;
  const limits: StepLimits = { maxInfraRetries: 3 };
  step.limits = limits;
  if (isNullNode(ctx, node)) return;
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `Step '${step.name}': 'limits' must be a mapping`);
    m.broken = true;
    return;
  }
  const keys: Record<string, keyof StepLimits> = {
    max_cost_usd: 'maxCostUsd',
    max_duration_minutes: 'maxDurationMinutes',
    max_iterations: 'maxIterations',
    max_infra_retries: 'maxInfraRetries',
  };
  for (const { key, keyNode, value } of entries(ctx, node)) {
    const field = keys[key];
    if (!field) {
      report(ctx, 'FLOW_UNKNOWN_KEY', keyNode, `Step '${step.name}': unknown limit '${key}'`, { hint: `Known limits: ${Object.keys(keys).join(', ')}.` });
      continue;
    }
    const v = toJS(ctx, value);
    const intOnly = field === 'maxIterations' || field === 'maxInfraRetries';
    if (typeof v !== 'number' || v < 0 || (intOnly && !Number.isInteger(v))) {
      report(ctx, 'FLOW_BAD_VALUE', value, `Step '${step.name}': limit '${key}' must be a non-negative ${intOnly ? 'integer' : 'number'}`);
      m.broken = true;
      continue;
    }
    limits[field] = v;
  }
}

const TTL = /^(\d+)([smhd])$/;
const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function buildCache(m: StepModel, node: Node | null): void {
  const { ctx, step } = m;
  if (!node) return;
  const v = toJS(ctx, node);
  if (typeof v === 'boolean') {
    step.cache = { enabled: v, keyExtra: '' };
    return;
  }
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `Step '${step.name}': 'cache' must be true, false or {enabled, ttl, key_extra}`);
    m.broken = true;
    return;
  }
  const spec: CacheSpec = { enabled: true, keyExtra: '' };
  for (const { key, keyNode, value } of entries(ctx, node)) {
    const x = toJS(ctx, value);
    if (key === 'enabled') {
      if (typeof x !== 'boolean') report(ctx, 'FLOW_BAD_TYPE', value, `Step '${step.name}': cache 'enabled' must be true or false`);
      else spec.enabled = x;
    } else if (key === 'ttl') {
      // The reference crashes on a bad ttl string [QUIRK]; we report it instead.
      const match = typeof x === 'string' ? TTL.exec(x.trim()) : null;
      if (typeof x === 'number' && Number.isInteger(x) && x >= 0) spec.ttlSeconds = x;
      else if (match) spec.ttlSeconds = Number(match[1]) * UNIT[match[2]!]!;
      else report(ctx, 'FLOW_BAD_VALUE', value, `Step '${step.name}': cache 'ttl' must be seconds or a duration like '30m', '2h', '1d'`);
    } else if (key === 'key_extra') spec.keyExtra = x === null ? '' : String(x);
    else report(ctx, 'FLOW_UNKNOWN_KEY', keyNode, `Step '${step.name}': unknown cache key '${key}'`);
  }
  step.cache = spec;
}

export function buildDerived(m: StepModel, node: Node | null): void {
  const { ctx, step } = m;
  if (isNullNode(ctx, node)) return;
  if (!isMap(node)) {
    report(ctx, 'FLOW_BAD_TYPE', node, `Step '${step.name}': 'derived_outputs' must be a mapping name → expression`);
    m.broken = true;
    return;
  }
  for (const { key, value } of entries(ctx, node)) {
    const v = toJS(ctx, value);
    if (typeof v !== 'string') {
      report(ctx, 'FLOW_BAD_TYPE', value, `Step '${step.name}': derived output '${key}' must be an expression string`);
      m.broken = true;
      continue;
    }
    step.derivedOutputs.push({ name: key, expr: parseExpr(ctx, v, value) });
  }
}

export function readEnum<T extends string>(m: StepModel, key: string, node: Node | null, allowed: readonly T[], dflt: T): T {
  if (!node) return dflt;
  const v = toJS(m.ctx, node);
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  report(m.ctx, 'FLOW_BAD_VALUE', node, `Step '${m.step.name}': invalid ${key} '${String(v)}' (expected ${allowed.join(' or ')})`);
  m.broken = true;
  return dflt;
}

