/** Renders the bench results as one markdown document (printed and written to bench/out/latest.md). */
import { PYTHON, TARGETS } from './reference.js';
import { marginalCpuMs, marginalMs, type WholeRow } from './whole-process.js';

export interface InProcRow {
  what: string;
  size: number;
  ms?: number;
  steps?: number;
  error?: string;
}

const f = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? '—' : x.toFixed(digits));

export function wholeTable(rows: WholeRow[]): string {
  const one = rows.find((r) => r.name === 'one') ?? { name: 'one', scriptRuns: 1, n: 0 };
  const lines = [
    '| workload | script runs | N | wall s | cpu s | peak MB | floor s | wall ÷ floor | marginal ms/step | cpu marginal ms/step | py wall s | py marginal ms/step |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const py = PYTHON[r.name];
    const pyCols = `${f(py?.wallS, 3)} | ${f(py?.marginalMs, 0)}`;
    if (r.error) {
      lines.push(`| ${r.name} | ${r.scriptRuns} | ${r.n} | ERROR: ${r.error.replace(/\|/g, '\\|')} | | | | | | | ${pyCols} |`);
      continue;
    }
    const ratio = r.name === 'one' || !r.floorS ? null : r.wallS! / r.floorS;
    lines.push(
      `| ${r.name} | ${r.scriptRuns} | ${r.n} | ${f(r.wallS, 3)} | ${f(r.cpuS, 2)} | ${f(r.peakMB, 1)} | ${f(r.floorS, 3)} | ${f(ratio, 1)} | ${f(marginalMs(r, one), 2)} | ${f(marginalCpuMs(r, one), 2)} | ${pyCols} |`,
    );
  }
  return lines.join('\n');
}

export function validateTable(...rows: WholeRow[]): string {
  const py = PYTHON['validate chain500']!;
  const lines = ['| command | N | wall s | cpu s | peak MB | py wall s | target |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const v of rows) {
    // The target is about compiling: only the cold row (no project, no cache) is judged.
    const target = v.name === 'validate chain500' ? `≤ ${TARGETS.validateChain500S}` : '—';
    if (v.error) lines.push(`| ${v.name} | ${v.n} | ERROR: ${v.error.replace(/\|/g, '\\|')} | | | ${py.wallS} | ${target} |`);
    else lines.push(`| ${v.name} | ${v.n} | ${f(v.wallS, 3)} | ${f(v.cpuS, 2)} | ${f(v.peakMB, 1)} | ${py.wallS} | ${target} |`);
  }
  return lines.join('\n');
}

export function inProcTable(title: string, rows: InProcRow[]): string {
  const lines = [`| ${title} | size | total ms | µs per step |`, '|---|---:|---:|---:|'];
  for (const r of rows) {
    if (r.error) lines.push(`| ${r.what} | ${r.size} | ERROR: ${r.error.replace(/\|/g, '\\|')} | |`);
    else lines.push(`| ${r.what} | ${r.size} | ${f(r.ms, 1)} | ${f((r.ms! * 1000) / r.steps!, 1)} |`);
  }
  return lines.join('\n');
}

type Verdict = [target: string, measured: string, met: boolean | null];

export function targetsTable(rows: WholeRow[], v: WholeRow): string {
  const one = rows.find((r) => r.name === 'one');
  const chain50 = rows.find((r) => r.name === 'chain50');
  const ok = rows.filter((r) => !r.error);
  const verdicts: Verdict[] = [];
  const margins = ok.map((r) => [r.name, one ? marginalMs(r, one) : null] as const).filter((x): x is readonly [string, number] => x[1] !== null);
  const worst = margins.reduce<readonly [string, number] | null>((w, m) => (w === null || m[1] > w[1] ? m : w), null);
  verdicts.push([`marginal ≤ ${TARGETS.marginalMsPerStep} ms/step (worst row)`, worst ? `${worst[1].toFixed(2)} (${worst[0]})` : 'n/a', worst ? worst[1] <= TARGETS.marginalMsPerStep : null]);
  const ratio = chain50?.wallS && chain50.floorS ? chain50.wallS / chain50.floorS : null;
  verdicts.push([`chain50 ≤ ${TARGETS.chain50OverFloor}× floor`, ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`, ratio === null ? null : ratio <= TARGETS.chain50OverFloor]);
  verdicts.push([`one ≤ ${TARGETS.oneWallS} s`, one?.wallS === undefined ? 'n/a' : `${one.wallS.toFixed(3)} s`, one?.wallS === undefined ? null : one.wallS <= TARGETS.oneWallS]);
  const peaks = [...ok, ...(v.error ? [] : [v])].map((r) => [r.name, r.peakMB] as const).filter((x): x is readonly [string, number] => typeof x[1] === 'number');
  const maxPeak = peaks.reduce<readonly [string, number] | null>((w, p) => (w === null || p[1] > w[1] ? p : w), null);
  verdicts.push([`peak ≤ ${TARGETS.peakMB} MB (max)`, maxPeak ? `${maxPeak[1].toFixed(1)} MB (${maxPeak[0]})` : 'n/a', maxPeak ? maxPeak[1] <= TARGETS.peakMB : null]);
  verdicts.push([`validate chain500 ≤ ${TARGETS.validateChain500S} s`, v.wallS === undefined ? 'n/a' : `${v.wallS.toFixed(3)} s`, v.wallS === undefined ? null : v.wallS <= TARGETS.validateChain500S]);
  const lines = ['| target | measured | met |', '|---|---|---|'];
  for (const [t, m, met] of verdicts) lines.push(`| ${t} | ${m} | ${met === null ? 'not measured' : met ? 'yes' : 'NO'} |`);
  return lines.join('\n');
}
