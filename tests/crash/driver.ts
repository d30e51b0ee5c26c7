/**
 * The process the crash test SIGKILLs (DESIGN D-R2). One "life": open the engine on the
 * project, print `ready`, `recover()`, start pending jobs and `waitForJob` each.
 *
 *   node --import tsx tests/crash/driver.ts <projectDir> probe [startAtEpochMs]
 *   node --import tsx tests/crash/driver.ts <projectDir> drive <batchSize> <keepGoing 0|1>
 *   node --import tsx tests/crash/driver.ts <projectDir> finish
 *   node --import tsx tests/crash/driver.ts <projectDir> hang-loop     (fake executor; prints `hung`, never returns)
 *   node --import tsx tests/crash/driver.ts <projectDir> fake-drive    (fake executor; recover + drive all)
 *   node --import tsx tests/crash/driver.ts <projectDir> start-nr      (runs NR_FLOW; to be killed mid-step)
 *   node --import tsx tests/crash/driver.ts <projectDir> loop-queue    (LOOP_QUEUE_FLOW, 2 slots; SIGKILLs itself on loop.iteration)
 *
 * drive: creates a batch when the project has no job yet; with keepGoing=1 it creates a new
 *   batch whenever every job is settled and never exits on its own (it is meant to be killed).
 * finish: resumes the jobs paused because their non_retriable step was interrupted, drives all.
 * hang-loop: runs LOOP_FLOW with an in-process executor that hangs on the 2nd iteration before
 *   any child exists (the window between the attempt row and the spawn), to be SIGKILLed there.
 * stdout protocol: `ready`, then `done <json>` or `error <message>`.
 */
import { compileSource } from '../../compiler/index.js';
import { openStepwise } from '../../runtime/index.js';
import type { JobRecord, Stepwise } from '../../runtime/types.js';
import type { Executor } from '../../runtime/executors/types.js';
import { CRASH_FLOW, FLOW_FILE, LOOP_FLOW, LOOP_QUEUE_FLOW, NON_RETRIABLE_STEP, NR_FLOW, PROBE_FLOW } from './crash-flow.js';

const SETTLED = new Set(['completed', 'failed', 'cancelled', 'paused']);
const say = (line: string) => process.stdout.write(`${line}\n`);

function compile(text: string) {
  const r = compileSource(text, { file: FLOW_FILE });
  if (!r.flow) throw new Error(`flow does not compile: ${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`);
  return r.flow;
}

const topLevel = (sw: Stepwise): JobRecord[] => sw.store.listJobs({ topLevelOnly: true }).filter((j) => j.parentJobId === null);

function createBatch(sw: Stepwise, size: number): void {
  const flow = compile(CRASH_FLOW);
  // The pid keeps names unique when several driver lanes create batches at the same moment.
  const batch = Math.floor(topLevel(sw).length / size) + 1;
  for (let i = 1; i <= size; i++) sw.createJob(flow, { inputs: {}, name: `b${batch}.${process.pid}-j${i}` });
}

/**
 * drive and finish run with a script cap (E-7.2; CRASH_SCRIPT_CAP, default 2), so kills also land while steps wait for a slot
 * and while interrupted attempts wait to restart within it (D-R6): outcomes must not change.
 */
const CAPS = { script: Number(process.env.CRASH_SCRIPT_CAP ?? 2) };

async function driveAll(sw: Stepwise): Promise<Record<string, string>> {
  for (const j of topLevel(sw)) if (j.status === 'pending') sw.startJob(j.id);
  const waiting = topLevel(sw).filter((j) => !SETTLED.has(j.status));
  const outcomes = await Promise.all(waiting.map((j) => sw.waitForJob(j.id)));
  return Object.fromEntries(outcomes.map((o) => [o.job.id, o.status]));
}

async function probe(projectDir: string, startAt?: number): Promise<unknown> {
  // Several probes given the same start time open the db together (the migration race).
  if (startAt) await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const sw = await openStepwise({ projectDir });
  try {
    const job = sw.createJob(compile(PROBE_FLOW), { inputs: {} });
    sw.startJob(job.id);
    const out = await sw.waitForJob(job.id);
    if (out.status !== 'completed') throw new Error(`probe job ${out.status}: ${sw.store.failureInfo(job.id).error}`);
    return { probe: 'ok' };
  } finally {
    await sw.close();
  }
}

async function drive(projectDir: string, batchSize: number, keepGoing: boolean): Promise<unknown> {
  const sw = await openStepwise({ projectDir, executorCaps: CAPS });
  say('ready');
  await sw.recover();
  if (topLevel(sw).length === 0) createBatch(sw, batchSize);
  let outcomes = await driveAll(sw);
  while (keepGoing) {
    createBatch(sw, batchSize);
    outcomes = await driveAll(sw);
  }
  await sw.close();
  return { outcomes };
}

async function finish(projectDir: string): Promise<unknown> {
  const sw = await openStepwise({ projectDir, executorCaps: CAPS });
  say('ready');
  await sw.recover();
  const resumed: string[] = [];
  for (const j of topLevel(sw)) {
    if (j.status !== 'paused') continue;
    const last = sw.store.listRuns(j.id, NON_RETRIABLE_STEP).at(-1);
    if (last?.status === 'failed' && last.errorCategory === 'interrupted') {
      sw.resumeJob(j.id);
      resumed.push(j.id);
    }
  }
  const outcomes = await driveAll(sw);
  await sw.close();
  return { resumed, outcomes };
}

/** Answers every step at once, except that with `hangAt` that attempt of `spin` never settles. */
function fakeScript(hangAt?: number): Executor {
  return {
    type: 'script',
    start: (inv) => {
      if (inv.ctx.stepName === 'spin' && inv.ctx.attempt === hangAt) {
        say('hung');
        return new Promise(() => {});
      }
      return Promise.resolve({ kind: 'data', artifact: { n: inv.ctx.attempt, x: 1 } });
    },
  };
}

async function hangLoop(projectDir: string): Promise<unknown> {
  const sw = await openStepwise({ projectDir, executors: { script: fakeScript(2) } });
  say('ready');
  const job = sw.createJob(compile(LOOP_FLOW), { inputs: {} });
  sw.startJob(job.id);
  await sw.waitForJob(job.id);
  return { unexpected: 'the hung attempt settled' };
}

async function fakeDrive(projectDir: string): Promise<unknown> {
  const sw = await openStepwise({ projectDir, executors: { script: fakeScript() } });
  say('ready');
  await sw.recover();
  const outcomes = await driveAll(sw);
  await sw.close();
  return { outcomes };
}

/**
 * Dies right after the commit that decided spin's loop (listeners run after the commit, before
 * the deferred effects): whatever the engine keeps only in memory at that moment is lost.
 */
async function loopQueue(projectDir: string): Promise<unknown> {
  process.env.STEPWISE_EXECUTOR_THREADS = '2';
  const sw = await openStepwise({ projectDir, executors: { script: fakeScript() } });
  say('ready');
  sw.onEvent((e) => {
    if (e.event === 'loop.iteration') {
      say('looped');
      process.kill(process.pid, 'SIGKILL');
    }
  });
  const job = sw.createJob(compile(LOOP_QUEUE_FLOW), { inputs: {} });
  sw.startJob(job.id);
  await sw.waitForJob(job.id);
  return { unexpected: 'no loop.iteration event' };
}

async function startNonRetriable(projectDir: string): Promise<unknown> {
  const sw = await openStepwise({ projectDir });
  say('ready');
  const job = sw.createJob(compile(NR_FLOW), { inputs: {} });
  sw.startJob(job.id);
  const out = await sw.waitForJob(job.id);
  await sw.close();
  return { unexpected: `finished ${out.status} before the kill` };
}

async function main(): Promise<void> {
  const [projectDir, mode, a, b] = process.argv.slice(2);
  if (!projectDir || !mode) throw new Error('usage: driver.ts <projectDir> probe|drive|finish …');
  let result: unknown;
  if (mode === 'probe') result = await probe(projectDir, a ? Number(a) : undefined);
  else if (mode === 'drive') result = await drive(projectDir, Number(a ?? 6), b === '1');
  else if (mode === 'finish') result = await finish(projectDir);
  else if (mode === 'hang-loop') result = await hangLoop(projectDir);
  else if (mode === 'fake-drive') result = await fakeDrive(projectDir);
  else if (mode === 'start-nr') result = await startNonRetriable(projectDir);
  else if (mode === 'loop-queue') result = await loopQueue(projectDir);
  else throw new Error(`unknown mode ${mode}`);
  say(`done ${JSON.stringify(result)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say(`error ${(err instanceof Error ? (err.stack ?? err.message) : String(err)).replace(/\n/g, ' | ')}`);
    process.exit(1);
  },
);
