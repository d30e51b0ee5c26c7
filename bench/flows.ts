/**
 * The benchmark workloads. The shared generator (`<repo>/../shared/bench/gen_flows.sh`) is the
 * source of truth so our figures are measured on exactly the flows the Python reference ran;
 * the TS generators below reproduce it byte for byte when the script is missing, and also
 * build the very large in-process flows (1,000–20,000 steps) that would be slow to write via bash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
/** Resolved relative to the repo root (the shared docs sit next to the checkout). */
export const SHARED_GEN = path.resolve(REPO, '..', 'shared', 'bench', 'gen_flows.sh');

export const STANDARD: ReadonlyArray<[string, number]> = [
  ['one', 1],
  ['chain50', 50],
  ['fanout50', 51],
  ['foreach100', 101],
  ['loop20', 20],
];
export const SCALING: ReadonlyArray<[string, number]> = [
  ['chain100', 100],
  ['fanout100', 101],
  ['foreach200', 201],
  ['loop100', 100],
];

const ECHO = `echo '{"x":1}'`;
const hdr = (name: string, desc: string) => `name: ${name}\ndescription: "${desc}"\nauthor: bench\nsteps:\n`;

export function oneYaml(): string {
  return hdr('bench-one', '1 script step') + `  s1:\n    run: ${ECHO}\n    outputs: [x]\n`;
}

export function chainYaml(n: number, run = ECHO): string {
  const parts = [hdr(`bench-chain${n}`, `linear chain of ${n} script steps`), `  s1:\n    run: ${run}\n    outputs: [x]\n`];
  for (let i = 2; i <= n; i++) parts.push(`  s${i}:\n    run: ${run}\n    inputs:\n      x: s${i - 1}.x\n    outputs: [x]\n`);
  return parts.join('');
}

export function fanoutYaml(n: number): string {
  const parts = [hdr(`bench-fanout${n}`, `${n} independent script steps joined by one final step`)];
  for (let i = 1; i <= n; i++) parts.push(`  s${i}:\n    run: ${ECHO}\n    outputs: [x]\n`);
  parts.push(`  join:\n    run: ${ECHO}\n    inputs:\n`);
  for (let i = 1; i <= n; i++) parts.push(`      x${i}: s${i}.x\n`);
  parts.push('    outputs: [x]\n');
  return parts.join('');
}

export function foreachYaml(n: number): string {
  const items = Array.from({ length: n }, (_, i) => i + 1).join(',');
  return (
    hdr(`bench-foreach${n}`, `for_each over ${n} items, one script step per item`) +
    `  gen:\n    run: echo '{"items":[${items}]}'\n    outputs: [items]\n` +
    '  each:\n    for_each: gen.items\n    as: item\n    outputs: [results]\n' +
    `    flow:\n      steps:\n        work:\n          run: ${ECHO}\n` +
    '          inputs:\n            item: $job.item\n          outputs: [x]\n'
  );
}

export function loopYaml(n: number): string {
  return (
    hdr(`bench-loop${n}`, `self-loop of ${n} iterations`) +
    `  s1:\n    run: ${ECHO}\n    outputs: [x]\n    exits:\n` +
    `      - name: done\n        when: "attempt >= ${n}"\n        action: advance\n` +
    '      - name: again\n        when: "True"\n        action: loop\n        target: s1\n'
  );
}

function tsGenerate(dir: string): void {
  const files: Record<string, string> = {
    one: oneYaml(),
    chain50: chainYaml(50),
    fanout50: fanoutYaml(50),
    foreach100: foreachYaml(100),
    loop20: loopYaml(20),
    chain500: chainYaml(500),
    chain100: chainYaml(100),
    fanout100: fanoutYaml(100),
    foreach200: foreachYaml(200),
    loop100: loopYaml(100),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, `${name}.flow.yaml`), text);
}

/** Writes every workload into `dir`; returns which generator was used (printed in the header). */
export function generateFlows(dir: string): { source: string } {
  mkdirSync(dir, { recursive: true });
  if (existsSync(SHARED_GEN)) {
    try {
      execFileSync('bash', [SHARED_GEN, dir], { stdio: 'pipe' });
      return { source: path.relative(REPO, SHARED_GEN) };
    } catch (err) {
      process.stderr.write(`gen_flows.sh failed (${(err as Error).message.split('\n')[0]}); using the TS generator\n`);
    }
  }
  tsGenerate(dir);
  return { source: 'bench/flows.ts (gen_flows.sh not found)' };
}

export function workloadFile(dir: string, name: string): string {
  return path.join(dir, `${name}.flow.yaml`);
}
