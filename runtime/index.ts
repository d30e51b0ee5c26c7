/** The runtime's public API (DESIGN §2): the CLI and the embedded API call exactly this. */
export type {
  Clock,
  OpenOptions,
  NotifyOptions,
  FulfillResult,
  PollNowResult,
  JobStatus,
  JobMetadata,
  JobRecord,
  RunStatus,
  RunRecord,
  EventEnvelope,
  JobOutcome,
  CreateJobOptions,
  ListJobsFilter,
  PauseInfo,
  StoreReader,
  Stepwise,
} from './types.js';
export { openStepwise } from './stepwise.js';
