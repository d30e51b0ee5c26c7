/**
 * E-22: the category of a failure derived from its message. Rules are ordered and the first
 * match wins, so "401 … timeout" is an auth error, not a timeout. Matching is case-insensitive
 * substring search, as in the reference.
 */
export type ErrorCategory =
  | 'auth_error'
  | 'usage_limit_reset'
  | 'quota_error'
  | 'timeout'
  | 'context_length'
  | 'infra_failure'
  | 'unknown';

/** Categories that halt the job at once (E-11 step 2). */
export const PERMANENT_CATEGORIES: readonly string[] = ['auth_error', 'quota_error', 'context_length'];
/** Categories a `retry {transient_only: true}` decorator retries (E-22). */
export const TRANSIENT_CATEGORIES: readonly string[] = ['infra_failure', 'timeout'];

const AUTH = ['401', 'unauthorized', '403', 'forbidden'];
const QUOTA = ['usage limit', 'quota exceeded', 'billing'];
const TIMEOUT = ['timeout', 'timed out'];
const INFRA = [
  'rate limit',
  '429',
  'network',
  'connection',
  'overloaded',
  '503',
  '502',
  '504',
  'capacity',
  'transport closed',
  'broken pipe',
];

/** Usage-limit wording … */
const USAGE_LIMIT = /usage limit|limit reached|hit your limit|limit exceeded|out of (extra )?usage/;
/** … that also names when the limit resets ("resets at 3pm", "reset in 2 hours", "resets 14:00"). */
const RESET_TIME = /\bresets?\b[^\n]*?(\d|\bam\b|\bpm\b|tomorrow|midnight)/;

const hasAny = (text: string, needles: readonly string[]): boolean => needles.some((n) => text.includes(n));

export function classifyError(message: string): ErrorCategory {
  const text = message.toLowerCase();
  if (hasAny(text, AUTH)) return 'auth_error';
  if (USAGE_LIMIT.test(text) && RESET_TIME.test(text)) return 'usage_limit_reset';
  if (hasAny(text, QUOTA)) return 'quota_error';
  if (hasAny(text, TIMEOUT)) return 'timeout';
  if (text.includes('context') && text.includes('length')) return 'context_length';
  if (hasAny(text, INFRA)) return 'infra_failure';
  return 'unknown';
}
