import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prepareCommand, resolveCommandPath, splitArgs } from '../../runtime/executors/script-command.js';
import { tempDir } from './helpers.js';

describe('EX-1.2 shell mode selection', () => {
  it.each([
    ['echo hello', 'direct'],
    ['python3 x.py --n 3', 'direct'],
    [`printf 'a b' "c d"`, 'direct'],
    ['echo a | wc -c', 'shell'],
    ['echo $HOME', 'shell'],
    ['ls *.txt', 'shell'],
    ['echo a; echo b', 'shell'],
    ['cat ~/x', 'shell'],
    ['echo a\necho b', 'shell'],
    ['echo "unbalanced', 'shell'],
    ['echo # comment', 'shell'],
  ])('EX-1.2: %j → %s', (cmd, mode) => {
    expect(prepareCommand(cmd).shellMode).toBe(mode);
  });

  it('EX-1.2: direct argv keeps quoted words together; shell mode runs sh -c', () => {
    expect(prepareCommand(`printf '%s' "a b" ''`).argv).toEqual(['printf', '%s', 'a b', '']);
    expect(prepareCommand('a | b').argv).toEqual(['sh', '-c', 'a | b']);
    expect(splitArgs(`x"y z"w`)).toEqual(['xy zw']);
  });
});

describe('EX-1.1 command resolution against the flow dir', () => {
  const flowDir = tempDir();
  mkdirSync(path.join(flowDir, 'bin'));
  writeFileSync(path.join(flowDir, 'bin', 'run.sh'), 'echo hi\n');
  writeFileSync(path.join(flowDir, 'x.py'), 'print(1)\n');

  it('EX-1.1: the program token or the interpreter argument becomes absolute when the file exists', () => {
    expect(resolveCommandPath('bin/run.sh --fast', flowDir)).toBe(`${path.join(flowDir, 'bin/run.sh')} --fast`);
    expect(resolveCommandPath('python3 x.py arg', flowDir)).toBe(`python3 ${path.join(flowDir, 'x.py')} arg`);
    expect(resolveCommandPath('  bash bin/run.sh', flowDir)).toBe(`  bash ${path.join(flowDir, 'bin/run.sh')}`);
  });

  it('EX-1.1: missing files, later tokens, absolute paths and inline flows are left alone', () => {
    expect(resolveCommandPath('python3 missing.py', flowDir)).toBe('python3 missing.py');
    expect(resolveCommandPath('cat x.py', flowDir)).toBe('cat x.py');
    expect(resolveCommandPath('/bin/echo x.py', flowDir)).toBe('/bin/echo x.py');
    expect(resolveCommandPath('python3 x.py', undefined)).toBe('python3 x.py');
  });
});
