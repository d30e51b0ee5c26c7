/**
 * E-7.2 through the real binary: `.stepwise/config.yaml` caps a type (`max_concurrent_by_executor`),
 * a waiting step is reported on the progress line, runs never overlap beyond the cap, and a bad
 * setting is answered with exit 2 naming the file, line, column and field.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, sw, swJson } from './helpers.js';

// Each step appends "start <name> <ms>" and "end <name> <ms>" to a shared log.
const step = (name: string) =>
  `  ${name}:\n    run: echo "start ${name} $(date +%s%N)" >> "$STEPWISE_PROJECT_DIR/log"; sleep 0.2; echo "end ${name} $(date +%s%N)" >> "$STEPWISE_PROJECT_DIR/log"; echo '{"v": 1}'\n    outputs: [v]\n`;
const FAN = `name: fan\nsteps:\n${['a', 'b', 'c'].map(step).join('')}`;

function maxOverlap(log: string): number {
  const events = log
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([kind, , t]) => ({ d: kind === 'start' ? 1 : -1, t: BigInt(t!) }))
    .sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : x.d - y.d));
  let cur = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (cur += e.d));
  return max;
}

const withConfig = (config: string) => {
  const dir = project({ 'fan.flow.yaml': FAN });
  mkdirSync(join(dir, '.stepwise'));
  writeFileSync(join(dir, '.stepwise', 'config.yaml'), config);
  return dir;
};

describe('E-7.2 caps per executor type from the project config', () => {
  it('max_concurrent_by_executor.script: 1 runs the fan-out one step at a time and says why a step waits', async () => {
    const dir = withConfig('# team settings\nmax_concurrent_by_executor:\n  script: 1\n');
    const r = await sw(dir, 'run', 'fan.flow.yaml');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/… [bc] waits for a script slot \(1 of 1 running; max_concurrent_by_executor\)/);
    expect(maxOverlap(readFileSync(join(dir, 'log'), 'utf8'))).toBe(1);
  });

  it('status shows a waiting step as throttled with its throttle_info (EVENTS_AND_API status)', async () => {
    const dir = withConfig('max_concurrent_by_executor:\n  script: 1\n');
    const started = await swJson(dir, 'run', 'fan.flow.yaml', '--async');
    expect(started.code).toBe(0);
    let seen: any = null;
    for (let i = 0; i < 50 && !seen; i++) {
      const st = await swJson(dir, 'status', started.json.job_id, '--output', 'json');
      seen = st.json.steps.find((x: any) => x.status === 'throttled') ?? null;
      if (!seen) await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toMatchObject({ status: 'throttled', throttle_info: { executor_type: 'script', running: 1, limit: 1, reason: 'executor_type' } });
    const done = await swJson(dir, 'wait', started.json.job_id);
    expect(done.json).toMatchObject({ status: 'completed' });
    const after = await swJson(dir, 'status', started.json.job_id, '--output', 'json');
    expect(after.json.steps.map((x: any) => x.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('without a cap the same steps overlap (the test above would notice a cap that did nothing)', async () => {
    const dir = withConfig('# nothing set\n');
    const r = await swJson(dir, 'run', 'fan.flow.yaml', '--wait');
    expect(r.json).toMatchObject({ status: 'completed' });
    expect(maxOverlap(readFileSync(join(dir, 'log'), 'utf8'))).toBeGreaterThan(1);
  });

  it('a bad setting exits 2 naming the file, line, column and field; --wait says so in its JSON', async () => {
    const dir = withConfig('max_concurrent_by_executor:\n  script: -1\n');
    const r = await sw(dir, 'run', 'fan.flow.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, '.stepwise', 'config.yaml')}:2:11: max_concurrent_by_executor.script must be a whole number ≥ 0 (0 = unlimited), not -1.`);
    const w = await swJson(dir, 'run', 'fan.flow.yaml', '--wait');
    expect(w.code).toBe(2);
    expect(JSON.stringify(w.json)).toContain('max_concurrent_by_executor.script');
    writeFileSync(join(dir, '.stepwise', 'config.local.yaml'), 'max_concurrent_agents: lots\n');
    writeFileSync(join(dir, '.stepwise', 'config.yaml'), '# fixed\n');
    const agents = await sw(dir, 'run', 'fan.flow.yaml');
    expect(agents.code).toBe(2);
    expect(agents.stderr).toContain('config.local.yaml:1:24: max_concurrent_agents must be a whole number ≥ 0 (0 = unlimited), not "lots".');
  });
});
