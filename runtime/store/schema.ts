/**
 * Store migrations keyed by `PRAGMA user_version` (P-2 tables the engine needs).
 * Append a new entry to add a migration; never edit a shipped one.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE flows (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    ir TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    objective TEXT NOT NULL,
    status TEXT NOT NULL,
    inputs TEXT NOT NULL,
    flow_hash TEXT NOT NULL REFERENCES flows(hash),
    flow_name TEXT NOT NULL,
    parent_job_id TEXT REFERENCES jobs(id) ON DELETE CASCADE,
    parent_step_run_id TEXT,
    workspace_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    runner_pid INTEGER,
    heartbeat_at TEXT,
    metadata TEXT NOT NULL,
    loop_frames TEXT NOT NULL DEFAULT '{}',
    failure TEXT,
    pause TEXT
  );
  CREATE INDEX jobs_parent ON jobs(parent_job_id);
  CREATE INDEX jobs_status ON jobs(status);
  CREATE TABLE step_runs (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    step_name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    inputs TEXT NOT NULL,
    dep_run_ids TEXT NOT NULL,
    artifact TEXT,
    error TEXT,
    error_category TEXT,
    executor_state TEXT,
    executor_meta TEXT,
    watch TEXT,
    sub_job_id TEXT,
    pid INTEGER,
    owner TEXT,
    started_at TEXT,
    completed_at TEXT,
    seq INTEGER NOT NULL
  );
  CREATE INDEX step_runs_job ON step_runs(job_id, seq);
  CREATE INDEX step_runs_status ON step_runs(status);
  CREATE TABLE events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    job_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    step TEXT,
    is_effector INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX events_job ON events(job_id, event_id);
  CREATE TABLE timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    run_id TEXT,
    kind TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX timers_job ON timers(job_id);
  CREATE TABLE job_commands (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    command TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    done_at TEXT
  );
  CREATE INDEX job_commands_open ON job_commands(done_at, job_id);
  CREATE TABLE cache (
    key TEXT PRIMARY KEY,
    step_name TEXT NOT NULL,
    flow_name TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    hit_count INTEGER NOT NULL DEFAULT 0
  );
  `,
  // P-2, P-6: a job's webhook (`--notify`) and the context posted with every event.
  `
  ALTER TABLE jobs ADD COLUMN notify_url TEXT;
  ALTER TABLE jobs ADD COLUMN notify_context TEXT;
  `,
  // E-15.2 across processes: the owner of a job writes the outcome of a forwarded command
  // (e.g. a fulfilment's rejection) here; the caller polls the row.
  `
  ALTER TABLE job_commands ADD COLUMN result TEXT;
  `,
];
