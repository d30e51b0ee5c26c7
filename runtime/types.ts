/**
 * Public types of the runtime (the CLI and the embedded API code against these).
 * Stable contract: fields are only added. Records mirror rows of the store (P-2)
 * with JSON columns already parsed.
 */
import type { CompiledFlow } from '../compiler/ir.js';
import type { Executor } from './executors/types.js';

/** Injected time source (D-R3): every timestamp and timer uses it. */
export interface Clock {
  now(): number;
}

export interface OpenOptions {
  /** Contains `.stepwise/` (created with the db when missing). */
  projectDir: string;
  /** Default `<projectDir>/.stepwise/stepwise.db`; env `STEPWISE_DB` overrides. */
  dbPath?: string;
  clock?: Clock;
  /** Override/extend the executor registry (tests, bench no-op executor). */
  executors?: Record<string, Executor>;
  /** e.g. `cli:<pid>`; default `cli:${process.pid}`. */
  owner?: string;
  /** Hook and webhook tuning (D-12); defaults suit production, tests shorten them. */
  notify?: NotifyOptions;
  /**
   * E-7.2 running executors allowed per executor type (`max_concurrent_by_executor`; 0 =
   * unlimited). Default `{agent: 3}` (`max_concurrent_agents`). A ready step over its cap waits,
   * with one `step.throttled` event per episode.
   */
  executorCaps?: Record<string, number>;
}

/** D-12 limits of project hooks (P-5) and webhooks (P-6). */
export interface NotifyOptions {
  /** Per hook run, then its process group is killed. Default 30 000. */
  hookTimeoutMs?: number;
  /** Hooks running at once. Default 4. */
  hookConcurrency?: number;
  /** Pending hook runs (and pending deliveries per job) kept; overflow drops the oldest. Default 256. */
  queueLimit?: number;
  /** Per delivery attempt (AbortSignal). Default 10 000. */
  webhookTimeoutMs?: number;
  /** Attempts per event. Default 3. */
  webhookAttempts?: number;
  /** Wait before the 2nd attempt; doubles for each later one. Default 500. */
  webhookBackoffMs?: number;
  /** How long `close()` lets pending hooks and deliveries finish. Default 2 000. */
  closeGraceMs?: number;
}

export type JobStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface JobMetadata {
  sys: Record<string, unknown>;
  app: Record<string, unknown>;
}

export interface JobRecord {
  id: string;
  name: string;
  objective: string;
  status: JobStatus;
  inputs: Record<string, unknown>;
  flowHash: string;
  flowName: string;
  parentJobId: string | null;
  parentRunId: string | null;
  workspace: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  runnerPid: number | null;
  heartbeatAt: string | null;
  metadata: JobMetadata;
}

export type RunStatus = 'running' | 'suspended' | 'delegated' | 'completed' | 'failed' | 'cancelled' | 'skipped';

export interface RunRecord {
  id: string;
  jobId: string;
  stepName: string;
  attempt: number;
  status: RunStatus;
  inputs: Record<string, unknown>;
  /** Local binding name (or dep step) → run id it was resolved from (E-6). */
  depRunIds: Record<string, string>;
  artifact: Record<string, unknown> | null;
  error: string | null;
  errorCategory: string | null;
  executorState: Record<string, unknown> | null;
  executorMeta: Record<string, unknown> | null;
  watch: Record<string, unknown> | null;
  subJobId: string | null;
  pid: number | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** P-4 envelope; `event_id` is the events table rowid (monotonic, no gaps). */
export interface EventEnvelope {
  event: string;
  job_id: string;
  timestamp: string;
  event_id: number;
  metadata: JobMetadata;
  data: Record<string, unknown>;
  step?: string;
}

export type JobOutcome = { status: 'completed' | 'failed' | 'cancelled' | 'paused' | 'suspended'; job: JobRecord };

export interface CreateJobOptions {
  inputs: Record<string, unknown>;
  name?: string;
  objective?: string;
  metadata?: { sys?: Record<string, unknown>; app?: Record<string, unknown> };
  /** P-6: every event of this job (not of its sub-jobs) is POSTed to `url`, with `context`. */
  notify?: { url: string; context?: Record<string, unknown> };
}

export interface ListJobsFilter {
  status?: JobStatus;
  limit?: number;
  topLevelOnly?: boolean;
  name?: string;
  /** Only the direct sub-jobs of this job (for_each items, sub-flows). */
  parentJobId?: string;
}

export interface PauseInfo {
  reason: string;
  step?: string;
  rule?: string;
  target?: string;
}

/** E-15.2: the outcome of `Stepwise.fulfillRun`. A rejection leaves the run suspended. */
export type FulfillResult =
  | { status: 'fulfilled'; run_id: string; job_id: string }
  | { status: 'already_fulfilled'; run_id: string; fulfilled_at: string | null; job_id: string; job_status: JobStatus }
  /** `problems` lists each problem separately (all at once); `error` joins them (EX-3). */
  | { status: 'rejected'; error: string; problems: string[] };

/** E-15.3 `poll-now`: a check started here, or the owner of the job was asked to run one. */
export type PollNowResult =
  | { status: 'started' | 'requested' | 'busy'; run_id: string; job_id: string }
  | { status: 'rejected'; error: string };

export interface StoreReader {
  getJob(id: string): JobRecord | undefined;
  listJobs(filter?: ListJobsFilter): JobRecord[];
  /** Attempt order. */
  listRuns(jobId: string, step?: string): RunRecord[];
  getRun(runId: string): RunRecord | undefined;
  listEvents(filter?: { jobId?: string; sinceEventId?: number }): EventEnvelope[];
  getFlow(hash: string): CompiledFlow | undefined;
  /** E-13, declaration order. */
  terminalOutputs(jobId: string): unknown[];
  completedOutputs(jobId: string): unknown[];
  /** D-14: never "Unknown error". */
  failureInfo(jobId: string): { error: string; failedStep: string | null };
  pauseInfo(jobId: string): PauseInfo | null;
}

export interface Stepwise {
  readonly store: StoreReader;
  /** job.status 'pending'. */
  createJob(flow: CompiledFlow, opts: CreateJobOptions): JobRecord;
  /** pending → running, dispatch. */
  startJob(jobId: string): void;
  /**
   * Resolves when the job is completed | failed | cancelled | paused, or 'suspended'
   * (no running/delegated run and ≥1 suspended run, none of them a pending poll watch:
   * polling is progress, E-15.3). Drives the job if this process
   * owns it; adopts it first if its owner is dead.
   */
  waitForJob(jobId: string, opts?: { signal?: AbortSignal }): Promise<JobOutcome>;
  pauseJob(jobId: string): void;
  resumeJob(jobId: string): void;
  cancelJob(jobId: string): void;
  rerunStep(jobId: string, step: string): void;
  /**
   * E-15.2: fulfils a suspended run (typed coercion EX-3, derived outputs, exit rules). If
   * another live process owns the job the fulfilment is forwarded to it (job_commands) and
   * this resolves with its answer; a job whose owner died is adopted here first.
   */
  fulfillRun(runId: string, payload: unknown): Promise<FulfillResult>;
  /** E-15.3: run a poll step's check now (forwarded to the owning process if needed). */
  pollNow(runId: string): Promise<PollNowResult>;
  /** Reconcile unfinished attempts of jobs whose owner is dead (D-R2), re-arm timers (D-R3), continue them. */
  recover(): Promise<{ jobsResumed: string[] }>;
  /** Live events (progress lines, hooks). Returns an unsubscribe function. */
  onEvent(listener: (e: EventEnvelope) => void): () => void;
  close(): Promise<void>;
}
