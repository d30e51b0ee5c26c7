import { describe, expect, it } from 'vitest';
import { classifyError } from '../../runtime/executors/classify-error.js';
import { checkInputBlocklist } from '../../runtime/executors/blocklist.js';

describe('E-22 error categories (ordered, case-insensitive, first match wins)', () => {
  const table: [string, string][] = [
    ['HTTP 401 Unauthorized', 'auth_error'],
    ['403 Forbidden: key revoked', 'auth_error'],
    ['request unauthorized after timeout', 'auth_error'], // auth before timeout
    ["You've hit your usage limit. Your limit resets at 3pm (UTC)", 'usage_limit_reset'],
    ['Usage limit reached, resets in 2 hours', 'usage_limit_reset'],
    ['Claude usage limit reached', 'quota_error'], // no reset time → plain quota
    ['Quota exceeded for this project', 'quota_error'],
    ['billing account disabled', 'quota_error'],
    ['Request timed out after 120s', 'timeout'],
    ['read TIMEOUT', 'timeout'],
    ['connection timeout', 'timeout'], // timeout before infra
    ['maximum context length is 200000 tokens', 'context_length'],
    ['Rate limit exceeded (429)', 'infra_failure'],
    ['Network is unreachable', 'infra_failure'],
    ['ECONNRESET: connection reset by peer', 'infra_failure'],
    ['Service overloaded', 'infra_failure'],
    ['upstream returned 502', 'infra_failure'],
    ['transport closed unexpectedly', 'infra_failure'],
    ['write EPIPE: broken pipe', 'infra_failure'],
    ['at capacity, try later', 'infra_failure'],
    ['KeyError: missing', 'unknown'],
    ['', 'unknown'],
  ];
  it.each(table)('E-22: %j → %s', (message, category) => {
    expect(classifyError(message)).toBe(category);
  });
});

describe('EX-1.6 input blocklist', () => {
  it('EX-1.6: exact, case-sensitive names; all rejected names are listed', () => {
    expect(checkInputBlocklist({ a: 1, path: 2, Home: 3 })).toBeNull();
    expect(checkInputBlocklist({ PATH: '/x' })).toBe('Input names rejected by blocklist: PATH');
    expect(checkInputBlocklist({ HOME: 1, x: 2, LD_PRELOAD: 3, PYTHONPATH: null, LD_LIBRARY_PATH: 5 })).toBe(
      'Input names rejected by blocklist: HOME, LD_PRELOAD, PYTHONPATH, LD_LIBRARY_PATH',
    );
  });
});
