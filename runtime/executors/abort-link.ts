/**
 * A child AbortController that follows its parent: a decorator can abort the inner executor
 * on its own (timeout) while a cancel of the outer signal still reaches it with its reason.
 */
export interface LinkedAbort {
  controller: AbortController;
  /** Detach from the parent (call when the inner call settled, so listeners do not pile up). */
  dispose(): void;
}

export function linkAbort(parent: AbortSignal): LinkedAbort {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', forward) };
}

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Adds `key: value` to a result's `meta` without touching anything else. */
export function withMeta<T extends { meta?: Record<string, unknown> }>(result: T, key: string, value: unknown): T {
  return { ...result, meta: { ...(result.meta ?? {}), [key]: value } };
}
