/** P-6 target checks shared by the runtime API and the CLI flags (`--notify`, `--notify-context`). */

/** Why `url` cannot be a webhook target, or null. */
export function checkNotifyUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL. Hint: give a full address such as http://127.0.0.1:8080/hook.`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `"${url}" uses ${u.protocol.replace(/:$/, '')}; only http and https are supported.`;
  return null;
}

/** Parses the context JSON: an object, or why not. */
export function parseNotifyContext(text: string): { context: Record<string, unknown> } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: `is not valid JSON (${(e as Error).message}). Hint: pass an object such as '{"ticket":"T-1"}'.` };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { error: `must be a JSON object, got ${Array.isArray(v) ? 'an array' : JSON.stringify(v)}.` };
  return { context: v as Record<string, unknown> };
}
