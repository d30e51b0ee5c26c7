// Lint: TypeScript rules plus the import direction of DESIGN §2
// (grammars → compiler → runtime → server/cli/codegen). A wrong import fails `npm run lint`.
import tseslint from 'typescript-eslint';

const rooms = ['grammars', 'compiler', 'runtime', 'codegen', 'server', 'cli', 'inspector'];
/** For each room, the rooms it must not import from. */
const forbidden = {
  grammars: ['compiler', 'runtime', 'codegen', 'server', 'cli', 'inspector'],
  compiler: ['runtime', 'codegen', 'server', 'cli', 'inspector'],
  runtime: ['codegen', 'server', 'cli', 'inspector'],
  codegen: ['runtime', 'server', 'cli', 'inspector'],
  server: ['cli', 'codegen', 'inspector'],
  cli: ['inspector'],
};

const patternsFor = (room) =>
  forbidden[room].flatMap((other) => [`../${other}/**`, `../../${other}/**`, `../../../${other}/**`, `../${other}`, `../../${other}`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'inspector/dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.keys(forbidden).map((room) => ({
    files: [`${room}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: patternsFor(room),
              message: `DESIGN §2: '${room}/' may not import this room (imports go grammars → compiler → runtime → server/cli/codegen).`,
            },
          ],
        },
      ],
    },
  })),
  {
    // The runtime may read the compiler's IR, but only as types (DESIGN §2).
    files: ['runtime/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../compiler/**', '../../compiler/**', '../../../compiler/**'],
              allowTypeImports: true,
              message: "DESIGN §2: runtime/ reads the compiler's IR with `import type` only.",
            },
          ],
        },
      ],
    },
  },
);
export { rooms };
