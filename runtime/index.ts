/** The runtime's public API (DESIGN §2): the CLI and the embedded API call exactly this. */
export type {
  Clock,
  OpenOptions,
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
import type { OpenOptions, Stepwise } from './types.js';

export function openStepwise(_opts: OpenOptions): Stepwise {
  throw new Error('openStepwise: runtime not built yet');
}
