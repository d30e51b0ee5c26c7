/**
 * Stage A (SPEC T-1, DESIGN D-1/D-2): before an executor starts, every string of its config
 * that contains `$` is rendered from the step's resolved inputs. Values substituted into a
 * shell command (`command`, `check_command`) are shell-quoted so an input can never run code
 * (S-2, conformance c24); other keys (prompt, model, working_dir) are substituted raw.
 */
import type { CompiledStep } from '../../compiler/ir.js';
import { renderTemplate } from './template.js';

/** Config keys whose values are run by a shell. */
export const SHELL_KEYS: readonly string[] = ['command', 'check_command'];

/**
 * The rendered copy of `step.executor.config` (the IR is never mutated). Bound names are the
 * step's declared input locals plus any key of `inputs`: a bound name that is null or absent
 * (a loop-back binding on its first pass) renders "" (D-1); any other `$name` stays literal.
 */
export function renderStepConfig(step: CompiledStep, inputs: Record<string, unknown>): Record<string, unknown> {
  const bound = new Set<string>([...step.inputs.map((b) => b.local), ...Object.keys(inputs)]);
  return renderConfigValue(step.executor.config, inputs, bound, false) as Record<string, unknown>;
}

/** Renders one config value; `shell` is decided by the nearest enclosing key. */
export function renderConfigValue(
  value: unknown,
  inputs: Record<string, unknown>,
  bound: Set<string>,
  shell: boolean,
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    return renderTemplate(value, inputs, { bound, quote: shell ? 'shell' : 'none' });
  }
  if (Array.isArray(value)) return value.map((v) => renderConfigValue(v, inputs, bound, shell));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      out[key] = renderConfigValue(v, inputs, bound, SHELL_KEYS.includes(key));
    }
    return out;
  }
  return value;
}
