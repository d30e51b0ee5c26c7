/**
 * Vitest global setup: every temporary directory of a test run (projects, step-io, child CLI
 * processes' temp files) goes under one root that is removed when the run ends, so running the
 * suite again and again does not fill the machine's temp directory. Workers and the processes
 * they start inherit TMPDIR, which `os.tmpdir()` reads. STEPWISE_KEEP_TEST_TMP=1 keeps it (and
 * says where) for a post-mortem.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'stepwise-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.STEPWISE_KEEP_TEST_TMP === '1') {
      process.stderr.write(`test temp root kept: ${root}\n`);
      return;
    }
    // A detached runner a test left behind may still write here for a moment: retry, then give up.
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
}
