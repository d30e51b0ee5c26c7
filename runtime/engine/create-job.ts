/** A new job row (status pending) pinned to its compiled flow (D-R5), with its workspace and live state. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledFlow } from '../../compiler/ir.js';
import type { JobRecord } from '../types.js';
import type { Engine } from './engine.js';
import { LiveJob } from './live-job.js';

/** Creates a job row (status pending) pinned to `flow` (D-R5). */
export function createJobRecord(
  engine: Engine,
  flow: CompiledFlow,
  opts: {
    inputs: Record<string, unknown>;
    name?: string;
    objective?: string;
    metadata?: { sys?: Record<string, unknown>; app?: Record<string, unknown> };
    parent?: { job: LiveJob; runId: string; workspace: string | ((id: string) => string) };
  },
): JobRecord {
  const at = engine.now();
  engine.store.putFlow(flow, at);
  const id = engine.store.freshId('job', 'jobs');
  const inputs: Record<string, unknown> = {};
  for (const v of flow.vars) if (v.hasDefault) inputs[v.name] = v.default;
  Object.assign(inputs, opts.inputs);
  const sys: Record<string, unknown> = { ...(opts.metadata?.sys ?? {}) };
  const parent = opts.parent;
  if (parent) {
    const psys = parent.job.record.metadata.sys;
    sys.depth = (typeof psys.depth === 'number' ? psys.depth : 0) + 1;
    sys.parent_job_id = parent.job.id;
    sys.root_job_id = typeof psys.root_job_id === 'string' ? psys.root_job_id : parent.job.id;
  } else {
    if (typeof sys.depth !== 'number') sys.depth = 0;
  }
  const workspace = parent
    ? typeof parent.workspace === 'string'
      ? parent.workspace
      : parent.workspace(id)
    : join(engine.projectDir, '.stepwise', 'jobs', id, 'workspace');
  const record: JobRecord = {
    id,
    name: opts.name ?? flow.name,
    objective: opts.objective ?? flow.name,
    status: 'pending',
    inputs,
    flowHash: flow.hash,
    flowName: flow.name,
    parentJobId: parent?.job.id ?? null,
    parentRunId: parent?.runId ?? null,
    workspace,
    createdAt: at,
    updatedAt: at,
    createdBy: engine.owner,
    runnerPid: process.pid,
    heartbeatAt: at,
    metadata: { sys, app: { ...(parent?.job.record.metadata.app ?? {}), ...(opts.metadata?.app ?? {}) } },
  };
  engine.store.insertJob(record);
  mkdirSync(workspace, { recursive: true });
  engine.jobs.set(id, new LiveJob(record, flow));
  return record;
}
