/**
 * D-R2 closes the last crash window: an engine killed after spawning a script child but
 * before committing its pid leaves a run without spawn info. The child's files are at known
 * paths (step-io, EX-1.3) and its wrapper's argv names its exit-code file, so recovery can
 * still find it: by exit-code file (it finished) or by a /proc scan (it is still running).
 */
import { existsSync } from 'node:fs';
import type { SpawnInfo } from '../executors/types.js';
import { listPids, readCmdline, readProcStat } from '../executors/process-group.js';
import { stepIoPaths } from '../executors/step-io.js';

/** Live processes by every `.exitcode` path in their argv (Linux /proc): one scan per lookup. */
function wrappersByExitCodePath(): Map<string, { pid: number; pgid: number }> {
  const out = new Map<string, { pid: number; pgid: number }>();
  for (const pid of listPids() ?? []) {
    const arg = readCmdline(pid)?.find((a) => a.endsWith('.exitcode'));
    if (!arg || out.has(arg)) continue;
    const stat = readProcStat(pid);
    if (stat && stat.state !== 'Z') out.set(arg, { pid, pgid: stat.pgid });
  }
  return out;
}

export type Orphan = { kind: 'running'; info: SpawnInfo } | { kind: 'exited'; info: SpawnInfo } | null;

/** The child of a script attempt that never recorded its pid, if it exists (retries `-r<i>` included). */
export function findOrphanScript(workspace: string, step: string, attempt: number): Orphan {
  const live = wrappersByExitCodePath();
  for (let retry = 9; retry >= 0; retry--) {
    const io = stepIoPaths(workspace, step, attempt, retry);
    const base = { stdoutPath: io.stdout, stderrPath: io.stderr, exitCodePath: io.exitCode, shellMode: 'shell' as const };
    const proc = live.get(io.exitCode);
    if (proc) return { kind: 'running', info: { ...base, pid: proc.pid, pgid: proc.pgid } };
    if (existsSync(io.exitCode)) return { kind: 'exited', info: { ...base, pid: 0, pgid: 0 } };
    if (existsSync(io.stdout)) return null; // started, then died without an exit code
  }
  return null;
}
