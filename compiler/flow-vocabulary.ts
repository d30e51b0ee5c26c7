/**
 * The closed word lists of the flow format, shared by the builders (which check them) and the
 * JSON Schema (which offers them to editors), so a new executor, decorator or type is added once.
 * No `yaml` import: `stepwise schema` loads only this and flow-schema.ts.
 */
import type { ExitAction, VarType } from './ir.js';

export const VAR_TYPES: readonly VarType[] = ['str', 'text', 'number', 'bool', 'choice', 'session'];
export const EXIT_ACTIONS: readonly ExitAction[] = ['advance', 'loop', 'escalate', 'abandon'];
export const EXECUTOR_TYPES = ['script', 'external', 'poll', 'llm', 'agent', 'mock_llm'] as const;
export const DECORATOR_TYPES = ['retry', 'timeout', 'fallback', 'notification'] as const;
export const VISIBILITY = ['interactive', 'background', 'internal'] as const;
