/**
 * DESIGN §2: imports go one way (grammars → compiler → runtime → server/cli/codegen).
 * The eslint rule must reject a wrong import and accept a right one.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

const eslint = new ESLint({ cwd: REPO });

async function importErrors(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: `${REPO}/${file}` });
  return res.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('DESIGN §2 import direction (lint)', () => {
  it.each([
    ['compiler/bad.ts', "import { openStepwise } from '../runtime/index.js';\nexport const x = openStepwise;\n"],
    ['grammars/expr/bad.ts', "import type { CompiledFlow } from '../../compiler/ir.js';\nexport type X = CompiledFlow;\n"],
    ['runtime/bad.ts', "import { runCli } from '../cli/main.js';\nexport const x = runCli;\n"],
    ['compiler/deep/bad.ts', "import { x } from '../../cli/engine.js';\nexport const y = x;\n"],
  ])('rejects a wrong import in %s', async (file, code) => {
    const errors = await importErrors(file, code);
    expect(errors.length).toBe(1);
    expect(errors[0]).toContain('DESIGN §2');
  });

  it.each([
    ['compiler/good.ts', "import type { ExprNode } from '../grammars/expr/ast.js';\nexport type X = ExprNode;\n"],
    ['runtime/good.ts', "import type { CompiledFlow } from '../compiler/ir.js';\nexport type X = CompiledFlow;\n"],
    ['cli/good.ts', "import type { Stepwise } from '../runtime/types.js';\nexport type X = Stepwise;\n"],
  ])('accepts a right import in %s', async (file, code) => {
    expect(await importErrors(file, code)).toEqual([]);
  });
});

describe('DESIGN §2 runtime reads the compiler only as types', () => {
  it('rejects a value import of the compiler from runtime/', async () => {
    const [res] = await eslint.lintText("import { compileFile } from '../compiler/index.js';\nexport const x = compileFile;\n", {
      filePath: `${REPO}/runtime/bad.ts`,
    });
    expect(res.messages.map((m) => m.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
  });
});
