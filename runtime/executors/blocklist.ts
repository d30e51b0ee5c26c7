/**
 * EX-1.6: input names that would hijack the child's loader or search paths if they were
 * exported as `STEPWISE_INPUT_<name>`… and, in the reference, as plain variables. The check is
 * exact and case-sensitive, like the reference.
 */
export const BLOCKED_INPUT_NAMES: readonly string[] = ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'PYTHONPATH', 'PATH', 'HOME'];

/** Returns the crash message ("Input names rejected by blocklist: PATH, HOME") or null when every name is allowed. */
export function checkInputBlocklist(inputs: Record<string, unknown>): string | null {
  const rejected = Object.keys(inputs).filter((name) => BLOCKED_INPUT_NAMES.includes(name));
  return rejected.length === 0 ? null : `Input names rejected by blocklist: ${rejected.join(', ')}`;
}
