/**
 * JSON Schema (draft-07) of the flow format, for editors (`# yaml-language-server:
 * $schema=…`). It uses a small keyword set — type, properties, required,
 * additionalProperties, items, enum, anyOf, minItems, minProperties, pattern, $ref — and
 * is looser than the compiler (expressions, references and the graph are checked there).
 */
import { DECORATOR_TYPES, EXECUTOR_TYPES, EXIT_ACTIONS, VAR_TYPES, VISIBILITY } from './flow-vocabulary.js';

const str = { type: 'string' };
const bool = { type: 'boolean' };
const num = { type: 'number' };
const int = { type: 'integer' };
const strOrList = { anyOf: [str, { type: 'array', items: str }] };
const varType = { enum: [...VAR_TYPES] };
const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

const fieldSpec = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      properties: { type: varType, required: bool, default: {}, description: str, options: { type: 'array', minItems: 1 }, multiple: bool, min: num, max: num },
    },
  ],
};

const varSpec = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      properties: { type: varType, description: str, default: {}, required: bool, example: {}, options: { type: 'array', minItems: 1 }, sensitive: bool },
    },
  ],
};

const outputs = {
  description: 'A list of output names, or a mapping name → typed field (F-6).',
  anyOf: [{ type: 'array', items: str }, { type: 'object', additionalProperties: fieldSpec }],
};

const source = { type: 'string', pattern: '^[^.\\s]+\\.[^\\s]+$', description: "'step.field[.path]' or '$job.field'" };

const binding = {
  anyOf: [
    source,
    { type: 'object', additionalProperties: false, required: ['from'], properties: { from: source, optional: bool } },
    { type: 'object', additionalProperties: false, required: ['any_of'], properties: { any_of: { type: 'array', items: source, minItems: 2 }, optional: bool } },
  ],
};

const after = {
  anyOf: [str, { type: 'array', items: { anyOf: [str, { type: 'object', additionalProperties: false, required: ['any_of'], properties: { any_of: { type: 'array', items: str, minItems: 2 } } }] } }],
};

const when = {
  anyOf: [
    { type: 'string', description: 'A Python-style expression over the step inputs.' },
    bool,
    {
      type: 'object',
      additionalProperties: false,
      required: ['input'],
      properties: { input: str, eq: { anyOf: [str, int] }, in: { type: 'array', minItems: 1, items: { anyOf: [str, int] } }, is_null: bool, is_present: bool },
    },
  ],
};

const exitRule = {
  type: 'object',
  additionalProperties: false,
  required: ['when'],
  properties: { name: str, when: {}, action: { enum: [...EXIT_ACTIONS] }, target: str, max_iterations: int },
};

const step = {
  type: 'object',
  additionalProperties: false,
  properties: {
    description: str,
    run: { type: 'string', description: 'Shell command (script executor).' },
    executor: { enum: [...EXECUTOR_TYPES] },
    command: str,
    config: { type: 'object' },
    prompt: str,
    prompt_file: str,
    check_command: str,
    interval_seconds: num,
    model: str,
    system: str,
    temperature: num,
    max_tokens: int,
    output_mode: { enum: ['effect', 'file', 'stream_result'] },
    output_path: str,
    emit_flow: bool,
    working_dir: str,
    permissions: {},
    agent: str,
    containment: str,
    loop_prompt: str,
    max_continuous_attempts: int,
    failure_rate: num,
    partial_rate: num,
    latency_range: { type: 'array', items: num },
    responses: { type: 'object' },
    outputs,
    output_fields: outputs,
    inputs: { type: 'object', additionalProperties: binding },
    after,
    sequencing: after,
    after_resolved: strOrList,
    when,
    for_each: source,
    as: str,
    on_error: { enum: ['fail', 'continue', 'fail_fast'] },
    stale_pending_timeout: int,
    flow: { anyOf: [str, ref('flow')] },
    exits: { type: 'array', items: exitRule },
    decorators: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { enum: [...DECORATOR_TYPES] }, config: { type: 'object' } } },
    },
    idempotency: str,
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: { max_cost_usd: num, max_duration_minutes: num, max_iterations: int, max_infra_retries: int },
    },
    cache: { anyOf: [bool, { type: 'object', additionalProperties: false, properties: { enabled: bool, ttl: { anyOf: [int, { type: 'string', pattern: '^\\d+[smhd]$' }] }, key_extra: str } }] },
    derived_outputs: { type: 'object', additionalProperties: str },
    session: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    fork_from: str,
    continue_session: bool,
  },
};

const flow = {
  type: 'object',
  required: ['steps'],
  properties: {
    name: str,
    author: str,
    description: str,
    version: { anyOf: [str, num] },
    forked_from: str,
    visibility: { enum: [...VISIBILITY] },
    archived: bool,
    containment: str,
    readme: str,
    inputs: { type: 'object', additionalProperties: varSpec },
    config: { type: 'object', additionalProperties: varSpec },
    requires: { type: 'array', items: { anyOf: [str, { type: 'object', required: ['name'], properties: { name: str, description: str, check: str, install: str, url: str } }] } },
    steps: { type: 'object', minProperties: 1, additionalProperties: ref('step') },
  },
};

export function flowJsonSchema(): object {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://stepwise.dev/schema/flow.json',
    title: 'Stepwise flow (FLOW.yaml)',
    ...structuredClone(flow),
    definitions: { flow: structuredClone(flow), step: structuredClone(step) },
  };
}
