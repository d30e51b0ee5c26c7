/**
 * Drives one conformance case (../shared/conformance/README.md) through the real binary in
 * a fresh project directory, and returns what it observed for the assertions.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonOut, runCli, type CliResult } from '../support/cli.js';

export interface CaseSpec {
  about: string;
  spec: string[];
  command?: 'run' | 'validate';
  inputs?: Record<string, unknown>;
  fulfill?: { step: string; payload: unknown; expect_exit?: number }[];
  resume?: number;
  expect: Record<string, any>;
}

export interface CaseObservation {
  final: CliResult;
  finalJson: any;
  firstJson: any;
  firstExit: number;
  status?: any;
  fulfillExits: { expected?: number; got: number; out: string }[];
  seconds: number;
  dir: string;
}

export async function driveCase(caseDir: string, spec: CaseSpec): Promise<CaseObservation> {
  const dir = mkdtempSync(join(tmpdir(), 'stepwise-case-'));
  cpSync(caseDir, dir, { recursive: true });
  const t0 = Date.now();
  if (spec.command === 'validate') {
    const r = await runCli(['validate', 'FLOW.yaml', '--output', 'json'], { cwd: dir });
    const json = safeJson(r);
    return { final: r, finalJson: json, firstJson: json, firstExit: r.code, fulfillExits: [], seconds: (Date.now() - t0) / 1000, dir };
  }
  const inputArgs = Object.entries(spec.inputs ?? {}).flatMap(([k, v]) => [
    '--input',
    `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  ]);
  let last = await runCli(['run', 'FLOW.yaml', '--wait', ...inputArgs], { cwd: dir });
  let lastJson = safeJson(last);
  const firstJson = lastJson;
  const firstExit = last.code;
  const fulfills = [...(spec.fulfill ?? [])];
  let resumes = spec.resume ?? 0;
  const fulfillExits: CaseObservation['fulfillExits'] = [];
  for (let guard = 0; guard < 20; guard++) {
    if (lastJson?.status === 'suspended' && fulfills.length > 0) {
      const f = fulfills.shift()!;
      const target = (lastJson.suspended_steps ?? []).find((s: any) => s.step === f.step);
      if (!target) throw new Error(`case wants to fulfil '${f.step}' but it is not suspended: ${last.stdout}`);
      const r = await runCli(['fulfill', target.run_id, JSON.stringify(f.payload), '--wait'], { cwd: dir });
      fulfillExits.push({ expected: f.expect_exit, got: r.code, out: r.stdout + r.stderr });
      // A rejected fulfilment leaves the run suspended: the last --wait JSON stands.
      if (f.expect_exit === undefined || f.expect_exit === 0) {
        last = r;
        lastJson = safeJson(r);
      }
      continue;
    }
    if (lastJson?.status === 'paused' && resumes > 0) {
      resumes--;
      last = await runCli(['resume', lastJson.job_id, '--wait'], { cwd: dir });
      lastJson = safeJson(last);
      continue;
    }
    break;
  }
  let status: any;
  const jobId = lastJson?.job_id;
  if (jobId) {
    const s = await runCli(['status', jobId, '--output', 'json'], { cwd: dir });
    status = safeJson(s);
  }
  return { final: last, finalJson: lastJson, firstJson, firstExit, status, fulfillExits, seconds: (Date.now() - t0) / 1000, dir };
}

function safeJson(r: CliResult): any {
  try {
    return parseJsonOut(r);
  } catch {
    return undefined;
  }
}
