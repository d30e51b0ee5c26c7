/** Polls `pred` every `stepMs` until it holds or `timeoutMs` passed; the last answer of `pred`. */
export async function waitFor(pred: () => boolean, timeoutMs = 5000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return pred();
}
