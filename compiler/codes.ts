/**
 * Diagnostic codes of the compiler. Stable: tests and tools match on them, so a code is
 * never renamed once shipped (DESIGN §8). Each has a default severity and a hint that
 * says what to write instead; a call site may pass a more specific hint.
 *
 * | code | meaning |
 * |---|---|
 * | YAML_SYNTAX | the file is not valid YAML |
 * | YAML_NOT_MAPPING | the document root is not a mapping |
 * | YAML_DUPLICATE_KEY | a mapping has the same key twice |
 * | YAML_LENIENT | info: a plain value holds ": " (invalid YAML) and was read as a string, as the reference does |
 * | FLOW_INTERNAL | a compiler bug (an exception caught at the boundary) |
 * | FLOW_FILE_NOT_FOUND | a flow file, directory or `flow:` reference does not exist |
 * | FLOW_IS_KIT | a kit directory was given where a flow is expected (F-1.2) |
 * | FLOW_BAD_REF | a flow reference is malformed (F-1.2, F-11.1) |
 * | FLOW_CIRCULAR_REF | sub-flow files reference each other in a circle (F-11.1) |
 * | FLOW_NO_STEPS | `steps` is missing, empty or not a mapping (F-2) |
 * | FLOW_BAD_TYPE | a key has a value of the wrong YAML type |
 * | FLOW_BAD_VALUE | a key has a value outside its allowed set or range |
 * | FLOW_MISSING_KEY | a required key is absent |
 * | FLOW_UNKNOWN_KEY | a key the format does not know (warning; likely a typo) |
 * | FLOW_CONFLICTING_KEYS | two keys that exclude each other are both present |
 * | FLOW_BAD_NAME | a step, variable, input or session name is not a valid identifier |
 * | FLOW_NO_EXECUTOR | a step has neither `run`, `executor`, `flow` nor `for_each` (F-4) |
 * | FLOW_UNKNOWN_EXECUTOR | `executor:` names a type that does not exist (D-10) |
 * | FLOW_UNKNOWN_DECORATOR | a decorator `type` that does not exist (D-10) |
 * | FLOW_PROMPT_FILE | `prompt_file` cannot be read or is combined with `prompt` (F-5.1) |
 * | FLOW_BAD_BINDING | an input binding of a shape the format does not accept (F-7.2) |
 * | FLOW_UNKNOWN_STEP | a binding, `after`, loop target, `fork_from` or for_each names no step |
 * | FLOW_UNKNOWN_FIELD | a binding reads an output the source step does not declare (F-7.3) |
 * | FLOW_DUPLICATE | a duplicate output name |
 * | FLOW_BAD_OUTPUTS | `outputs:` malformed or a typed field breaks F-6.1 |
 * | FLOW_BAD_WHEN | `when:` malformed (F-9.1) or a predicate on an unknown input |
 * | FLOW_IS_PRESENT_NOT_LOOP_BACK | `is_present` on a binding that is no loop-back (V-3) |
 * | FLOW_LOOP_BACK_AMBIGUOUS | an any_of whose sources close different loops (V-3 loop_back_binding_ambiguous_closure) |
 * | FLOW_IS_PRESENT_MIXED_ANY_OF | `is_present` on an any_of mixing loop-back and forward sources (V-3) |
 * | FLOW_BAD_EXIT | an exit rule is malformed (F-12, E-9) |
 * | FLOW_LOOP_NOT_CONNECTED | a loop target is neither the step nor an ancestor/descendant (E-10.2) |
 * | FLOW_CYCLE | a dependency cycle not broken by an optional binding (V-4) |
 * | FLOW_NO_ENTRY | no step can start (V-4) |
 * | FLOW_NO_TERMINAL | no step ends the flow (V-4) |
 * | FLOW_UNREACHABLE | a step no entry step leads to (V-4) |
 * | FLOW_SUB_FLOW | a sub-flow breaks the F-11.2 contract (no terminals, missing outputs) |
 * | FLOW_UNSUPPORTED_ON_DELEGATING_STEP | exits/limits/decorators/cache/derived_outputs on for_each or sub-flow steps (D-10) |
 * | FLOW_SESSION | a session/fork rule of V-5 is broken |
 * | FLOW_KIT | a KIT.yaml problem (F-1.5) |
 * | FLOW_LOOP_NO_MAX | warning: a loop rule without `max_iterations` (V-6) |
 * | FLOW_NO_CATCH_ALL | warning: exit rules without a literal `"True"` catch-all (V-6) |
 * | FLOW_EXIT_CAST | warning: `float(`/`int(`/`bool(` in an exit rule raises on null, the rule is then skipped (V-6) |
 * | FLOW_AFTER_ON_LOOP | warning: `after`/`after_resolved` on a looping step without `when` (V-6) |
 * | FLOW_LOOP_RACE | warning: a step reads a loop body member but not the loop owner, without `when` (V-6) |
 * | FLOW_VAR_NO_EXAMPLE | info: a declared variable with neither default nor example (V-6) |
 * | FLOW_UNCOVERED_OUTPUTS | warning: a typed external step has submissions no exit rule routes (V-6) |
 * | FLOW_REQUIRES_CHECK | warning from `stepwise validate`: a `requires` entry's `check` command failed (F-2) |
 * | FLOW_UNUSED_VAR | warning: a declared variable no step reads (V-6) |
 * | FLOW_UNDECLARED_VAR | `$job.x` used but not declared: warning when an inputs:/config: block exists, info when none does (V-6) |
 * | FLOW_CACHE_IGNORED | warning: `cache` on external/poll/emit_flow steps (V-6) |
 * | FLOW_IGNORED_KEY | warning: a key that is accepted but has no effect here |
 * | FLOW_TEMPLATE_UNKNOWN_NAME | warning: a prompt `$name` that is no input of the step (D-1) |
 * | EXPR_SYNTAX | an expression does not parse (D-7) |
 * | EXPR_UNKNOWN_NAME | an expression reads a name that is not in its scope (D-7, X-1) |
 */
import type { Severity } from './diagnostic.js';

interface CodeInfo {
  severity: Severity;
  hint: string;
}

export const CODES = {
  YAML_SYNTAX: { severity: 'error', hint: 'Fix the YAML syntax at this position (indentation, quotes, colons).' },
  YAML_NOT_MAPPING: { severity: 'error', hint: 'A flow file is one YAML mapping with a `steps:` key.' },
  YAML_DUPLICATE_KEY: { severity: 'error', hint: 'Remove or rename one of the two keys.' },
  YAML_LENIENT: { severity: 'info', hint: 'Put the value in a block scalar (`run: |` with the command on the next line) or quote it, so other YAML tools accept the file.' },
  FLOW_INTERNAL: { severity: 'error', hint: 'This is a bug in the Stepwise compiler; please report it with the flow file.' },
  FLOW_FILE_NOT_FOUND: { severity: 'error', hint: 'Check the path; relative paths are resolved against the flow file\'s directory.' },
  FLOW_IS_KIT: { severity: 'error', hint: 'Name one of the kit\'s flows: `<kit>/<flow>`.' },
  FLOW_BAD_REF: { severity: 'error', hint: 'Use a path, a directory with FLOW.yaml, `kit/flow`, `@author:name` or a flow name.' },
  FLOW_CIRCULAR_REF: { severity: 'error', hint: 'A sub-flow must not (indirectly) include the flow that includes it.' },
  FLOW_NO_STEPS: { severity: 'error', hint: 'Add a `steps:` mapping with at least one step.' },
  FLOW_BAD_TYPE: { severity: 'error', hint: 'Use the YAML type this key expects (see `stepwise schema`).' },
  FLOW_BAD_VALUE: { severity: 'error', hint: 'Use one of the allowed values (see `stepwise schema`).' },
  FLOW_MISSING_KEY: { severity: 'error', hint: 'Add the required key.' },
  FLOW_UNKNOWN_KEY: { severity: 'warning', hint: 'Remove the key, or fix its spelling.' },
  FLOW_CONFLICTING_KEYS: { severity: 'error', hint: 'Keep only one of the two keys.' },
  FLOW_BAD_NAME: { severity: 'error', hint: 'Names are identifiers: letters, digits and `_`, not starting with a digit.' },
  FLOW_NO_EXECUTOR: { severity: 'error', hint: 'Add `run: <command>` or `executor: <type>` (or `flow:` / `for_each:`).' },
  FLOW_UNKNOWN_EXECUTOR: { severity: 'error', hint: 'Known executors: script, external, poll, llm, agent, mock_llm.' },
  FLOW_UNKNOWN_DECORATOR: { severity: 'error', hint: 'Known decorators: retry, timeout, fallback, notification.' },
  FLOW_PROMPT_FILE: { severity: 'error', hint: 'Give either `prompt:` or `prompt_file:` (a path relative to the flow file).' },
  FLOW_BAD_BINDING: { severity: 'error', hint: "Write 'step_name.field_name', '$job.field_name', {from: ..., optional: true} or {any_of: [a.x, b.x]}." },
  FLOW_UNKNOWN_STEP: { severity: 'error', hint: 'Use the name of a step declared under `steps:`.' },
  FLOW_UNKNOWN_FIELD: { severity: 'error', hint: 'Bind a field the source step lists in `outputs:` (or `derived_outputs:`).' },
  FLOW_DUPLICATE: { severity: 'error', hint: 'Each name may appear once.' },
  FLOW_BAD_OUTPUTS: { severity: 'error', hint: 'Write `outputs: [a, b]` or a mapping `name: {type: str|text|number|bool|choice}`.' },
  FLOW_BAD_WHEN: { severity: 'error', hint: "Write an expression string (`when: \"x == 1\"`) or `{input: x, eq|in|is_null|is_present: value}`." },
  FLOW_IS_PRESENT_NOT_LOOP_BACK: { severity: 'error', hint: '`is_present` only makes sense on a loop-back binding; use `is_null` or an expression.' },
  FLOW_LOOP_BACK_AMBIGUOUS: { severity: 'error', hint: 'Let every any_of source come from the same loop, or split the binding in two.' },
  FLOW_IS_PRESENT_MIXED_ANY_OF: { severity: 'error', hint: 'Make every any_of source a loop-back binding of the same loop, or use `is_null`.' },
  FLOW_BAD_EXIT: { severity: 'error', hint: 'An exit rule is `{name, when: "<expr>", action: advance|loop|escalate|abandon, target?, max_iterations?}`.' },
  FLOW_LOOP_NOT_CONNECTED: { severity: 'error', hint: 'Loop to the step itself or to a step it depends on (directly or not).' },
  FLOW_CYCLE: { severity: 'error', hint: "Add 'optional: true' to one input binding of the cycle (it then reads the previous iteration's value)." },
  FLOW_NO_ENTRY: { severity: 'error', hint: 'At least one step must have no required step inputs and no `after:`.' },
  FLOW_NO_TERMINAL: { severity: 'error', hint: 'At least one step must have no dependents.' },
  FLOW_UNREACHABLE: { severity: 'error', hint: 'Connect the step to an entry step, or remove it.' },
  FLOW_SUB_FLOW: { severity: 'error', hint: 'Every terminal step of the sub-flow must declare every output of the calling step.' },
  FLOW_UNSUPPORTED_ON_DELEGATING_STEP: { severity: 'error', hint: 'Move the key to a step inside the sub-flow, or wrap the for_each/sub-flow in a step that has it.' },
  FLOW_SESSION: { severity: 'error', hint: 'See SPEC V-5 / E-20 for session and fork_from rules.' },
  FLOW_KIT: { severity: 'error', hint: 'KIT.yaml needs `name` (equal to its directory) and `description`.' },
  FLOW_LOOP_NO_MAX: { severity: 'warning', hint: 'Add `max_iterations: <n>` so a loop that never converges pauses instead of running forever.' },
  FLOW_NO_CATCH_ALL: { severity: 'info', hint: 'Add a last rule `when: "True"` so every outcome is routed explicitly.' },
  FLOW_EXIT_CAST: { severity: 'warning', hint: "Guard against null: `float(outputs.get('x') or 0)`, or compare without converting." },
  FLOW_AFTER_ON_LOOP: { severity: 'warning', hint: 'Add a `when:` so the step does not re-run on every iteration, or move the ordering to a binding.' },
  FLOW_LOOP_RACE: { severity: 'warning', hint: 'Also depend on the loop owner (e.g. `after: [<owner>]`) or add a `when:`, so the step waits for the loop to finish.' },
  FLOW_VAR_NO_EXAMPLE: { severity: 'info', hint: 'Add `default:` or `example:` so users know what to pass.' },
  FLOW_UNCOVERED_OUTPUTS: { severity: 'warning', hint: 'Add a rule for the missing values, or a last catch-all rule `when: "True"`.' },
  FLOW_REQUIRES_CHECK: { severity: 'warning', hint: 'Install the tool the flow requires (see its `install` / `url`).' },
  FLOW_UNUSED_VAR: { severity: 'warning', hint: 'Bind it with `$job.<name>` in some step, or remove the declaration.' },
  FLOW_UNDECLARED_VAR: { severity: 'warning', hint: 'Declare it under `inputs:` (per-run) or `config:` (set-and-forget).' },
  FLOW_CACHE_IGNORED: { severity: 'warning', hint: 'External, poll and emit_flow steps are never cached; remove `cache`.' },
  FLOW_IGNORED_KEY: { severity: 'warning', hint: 'Remove the key; it has no effect here.' },
  FLOW_TEMPLATE_UNKNOWN_NAME: { severity: 'warning', hint: 'Add an input binding of that name, or write `$$` for a literal `$`.' },
  EXPR_SYNTAX: { severity: 'error', hint: 'Expressions use Python 3 syntax, e.g. "outputs.score >= 0.8 and attempt < 3".' },
  EXPR_UNKNOWN_NAME: { severity: 'error', hint: 'Use a name in scope: exit rules see `outputs`, `attempt`, `max_attempts`; `when` sees the step\'s inputs.' },
} satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
