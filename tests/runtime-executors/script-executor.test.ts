import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { createScriptExecutor } from '../../runtime/executors/script-executor.js';
import { renderStepConfig } from '../../runtime/executors/render-config.js';
import type { ExecutorContext, ExecutorResult } from '../../runtime/executors/types.js';
import { makeCtx, stepWithInputs, tempDir } from './helpers.js';

const exec = createScriptExecutor({ killGraceMs: 500 });

/** Renders the command like the engine (Stage A) and runs it in a fresh temp workspace. */
async function runCmd(
  command: string,
  inputs: Record<string, unknown> = {},
  ctxOverrides: Partial<ExecutorContext> = {},
): Promise<{ result: ExecutorResult; ctx: ReturnType<typeof makeCtx>; root: string }> {
  const root = tempDir();
  const step = stepWithInputs(command, Object.keys(inputs));
  const ctx = makeCtx(root, ctxOverrides);
  const result = await exec.start({ inputs, config: renderStepConfig(step, inputs), ctx });
  return { result, ctx, root };
}

describe('EX-1.5 script results on exit 0', () => {
  it('EX-1.5: a JSON object on stdout is the artifact, all keys kept', async () => {
    const { result } = await runCmd(`echo '{"x": 1, "extra": [true]}'`);
    expect(result).toMatchObject({ kind: 'data', artifact: { x: 1, extra: [true] } });
  });

  it('EX-1.5 / CT-04 / c18: non-JSON stdout is kept trimmed under "stdout"', async () => {
    const { result } = await runCmd('echo hello');
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'hello' } });
  });

  it('EX-1.5: JSON that is not an object (a list) is kept as text', async () => {
    const { result } = await runCmd(`echo '[1, 2]'`);
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: '[1, 2]' } });
  });

  it('EX-1.5 / CT-07: empty stdout gives the empty artifact', async () => {
    const { result } = await runCmd('true');
    expect(result.kind).toBe('data');
    expect(result.kind === 'data' && result.artifact).toEqual({});
  });

  it('E-15.4: a `_watch` key suspends the run instead of completing it', async () => {
    const { result } = await runCmd(
      `echo '{"_watch": {"mode": "poll", "config": {"check_command": "true"}, "fulfillment_outputs": ["ok"]}}'`,
    );
    expect(result).toMatchObject({
      kind: 'watch',
      watch: { mode: 'poll', config: { check_command: 'true' }, fulfillmentOutputs: ['ok'] },
    });
  });
});

describe('EX-1.4 script failures', () => {
  it('EX-1.4 / CT-06 / c20: non-zero exit fails with trimmed stderr, no category, stdout kept', async () => {
    const { result } = await runCmd('echo partial; echo boom >&2; exit 3');
    expect(result).toMatchObject({ kind: 'failed', error: 'boom', category: null, artifact: { stdout: 'partial' } });
    expect(result.meta).toMatchObject({ exit_code: 3, shell_mode: 'shell' });
  });

  it('EX-1.4: without stderr the error is "Exit code N"', async () => {
    const { result } = await runCmd('exit 7');
    expect(result).toMatchObject({ kind: 'failed', error: 'Exit code 7', category: null });
  });

  it('EX-1.4: a direct-mode `exit 3` still records its exit code (the wrapper runs it in a subshell)', async () => {
    const { result } = await runCmd('exit 3');
    expect(result).toMatchObject({ kind: 'failed', error: 'Exit code 3' });
    expect(result.meta).toMatchObject({ shell_mode: 'direct' });
  });

  it('EX-1.6 / CT-08: an input named PATH is a crash, and nothing runs', async () => {
    const { result, ctx } = await runCmd('touch ran', { PATH: '/x', ok: 1 });
    expect(result).toEqual({
      kind: 'failed',
      error: 'Executor crash: ValueError: Input names rejected by blocklist: PATH',
      category: 'executor_crash',
    });
    expect(existsSync(path.join(ctx.workspace, 'ran'))).toBe(false);
  });

  it('EX-1.6: the blocklist is case-sensitive (an input named `path` is fine)', async () => {
    const { result } = await runCmd('echo ok', { path: '/x' });
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'ok' } });
  });
});

describe('EX-1.2 direct vs shell mode', () => {
  it('EX-1.2: a plain one-line command runs directly, quotes still group words', async () => {
    const { result } = await runCmd(`printf '%s,' "a b" c`);
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'a b,c,' } });
    expect(result.meta).toMatchObject({ shell_mode: 'direct' });
  });

  it('EX-1.2: shell syntax (a pipe) goes through sh -c', async () => {
    const { result } = await runCmd('echo abc | tr a-c x-z');
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'xyz' } });
    expect(result.meta).toMatchObject({ shell_mode: 'shell' });
  });

  it('EX-1.2: a multi-line command goes through the shell', async () => {
    const { result } = await runCmd('x=1\necho "v$x"');
    expect(result).toMatchObject({ kind: 'data', artifact: { stdout: 'v1' }, meta: { shell_mode: 'shell' } });
  });
});

describe('EX-1.1 / EX-1.3 files and cwd', () => {
  it('EX-1.1: cwd is the workspace (created if missing); a script path resolves against the flow dir', async () => {
    const root = tempDir();
    const flowDir = path.join(root, 'flow');
    mkdirSync(path.join(flowDir, 'tools'), { recursive: true });
    writeFileSync(path.join(flowDir, 'tools', 'hello.sh'), 'echo "{\\"cwd\\": \\"$(pwd)\\"}"\n');
    chmodSync(path.join(flowDir, 'tools', 'hello.sh'), 0o755);
    const ctx = makeCtx(root, { flowDir });
    const step = stepWithInputs('sh tools/hello.sh', []);
    const result = await exec.start({ inputs: {}, config: renderStepConfig(step, {}), ctx });
    expect(result).toMatchObject({ kind: 'data', artifact: { cwd: ctx.workspace } });
    expect(result.meta).toMatchObject({ command: `sh ${path.join(flowDir, 'tools', 'hello.sh')}` });
  });

  it('EX-1.3: stdout/stderr/exitcode/input.json land in <ws>/.stepwise/step-io/<step>-<attempt>.*', async () => {
    const { result, ctx } = await runCmd('echo out; echo err >&2', { v: 'x' }, { attempt: 2, stepName: 'make' });
    expect(result.kind).toBe('data');
    const base = path.join(ctx.workspace, '.stepwise', 'step-io', 'make-2');
    expect(readFileSync(`${base}.stdout`, 'utf8')).toBe('out\n');
    expect(readFileSync(`${base}.stderr`, 'utf8')).toBe('err\n');
    expect(readFileSync(`${base}.exitcode`, 'utf8').trim()).toBe('0');
    expect(JSON.parse(readFileSync(`${base}.input.json`, 'utf8'))).toEqual({ v: 'x' });
    expect(ctx.spawns).toHaveLength(1);
    expect(ctx.spawns[0]).toMatchObject({ stdoutPath: `${base}.stdout`, exitCodePath: `${base}.exitcode`, shellMode: 'shell' });
    expect(ctx.spawns[0].pgid).toBe(ctx.spawns[0].pid);
  });
});

describe('T-4 script environment', () => {
  const envDump = `echo "{\\"x\\": \\"\${STEPWISE_INPUT_x-UNSET}\\", \\"Mixed\\": \\"\${STEPWISE_INPUT_Mixed-UNSET}\\", \\"n\\": \\"\${STEPWISE_INPUT_n-UNSET}\\", \\"b\\": \\"\${STEPWISE_INPUT_b-UNSET}\\", \\"attempt\\": \\"$STEPWISE_ATTEMPT\\"}"`;

  it('T-4 / D-1 / CT-10: strings raw, case preserved, null unset, numbers and bools as Python str', async () => {
    const { result } = await runCmd(envDump, { x: null, Mixed: 'Hi there', n: 1.5, b: true }, { attempt: 3 });
    expect(result).toMatchObject({
      kind: 'data',
      artifact: { x: 'UNSET', Mixed: 'Hi there', n: '1.5', b: 'True', attempt: '3' },
    });
  });

  it('T-4: an object input is exported as JSON', async () => {
    const { result } = await runCmd('printenv STEPWISE_INPUT_obj', { obj: { k: [1, 'two'] } });
    expect(result).toMatchObject({ kind: 'data', artifact: { k: [1, 'two'] } });
  });

  it('T-4: workspace, step-io, project dir, PYTHONPATH, flow dir and the inputs file are exported', async () => {
    const root = tempDir();
    const flowDir = path.join(root, 'flowdir');
    mkdirSync(flowDir);
    const ctx = makeCtx(root, { flowDir, stepName: 's', attempt: 1 });
    const cmd =
      'printf \'{"ws":"%s","io":"%s","pd":"%s","pp":"%s","fd":"%s","inputs":%s}\' ' +
      '"$JOB_ENGINE_WORKSPACE" "$STEPWISE_STEP_IO" "$STEPWISE_PROJECT_DIR" "$PYTHONPATH" "$STEPWISE_FLOW_DIR" "$(cat "$JOB_ENGINE_INPUTS")"';
    const inputs = { q: 'z' };
    const r = await createScriptExecutor({ baseEnv: { PATH: process.env.PATH, PYTHONPATH: '/old' } }).start({
      inputs,
      config: { command: cmd },
      ctx,
    });
    expect(r).toMatchObject({
      kind: 'data',
      artifact: {
        ws: ctx.workspace,
        io: path.join(ctx.workspace, '.stepwise', 'step-io'),
        pd: root,
        pp: `${root}:/old`,
        fd: flowDir,
        inputs: { q: 'z' },
      },
    });
  });
});

describe('EX-1 robustness', () => {
  it('E-8.5: an input value the OS cannot put in the environment (NUL byte) is a crash, not a throw', async () => {
    const root = tempDir();
    const result = await exec.start({ inputs: { v: 'a\u0000b' }, config: { command: 'echo hi' }, ctx: makeCtx(root) });
    expect(result).toMatchObject({ kind: 'failed', category: 'executor_crash' });
    expect(result.kind === 'failed' && result.error).toMatch(/^Executor crash: /);
  });

  it('EX-1.3: a step name with a slash cannot write outside step-io', async () => {
    const { ctx } = await runCmd('echo x', {}, { stepName: '../evil' });
    expect(existsSync(path.join(ctx.workspace, '.stepwise', 'step-io', '.._evil-1.stdout'))).toBe(true);
  });

  it('E-8.5: a missing command is a crash with a hint of the field', async () => {
    const root = tempDir();
    const result = await exec.start({ inputs: {}, config: {}, ctx: makeCtx(root) });
    expect(result).toMatchObject({ kind: 'failed', category: 'executor_crash', error: expect.stringContaining('config.command') });
  });
});
