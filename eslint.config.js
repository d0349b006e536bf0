// The linter CI runs (`npm run lint`): type-aware rules that catch promises nobody awaits or
// handles, promises passed where nothing waits for them, and unused code. `tsc --noEmit` runs
// beside it (`npm run typecheck`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'src/generated/**', 'node_modules/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  {
    // Plain JavaScript entries (Bree's worker wrapper, benchmarks' workers) run on Node.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { URL: 'readonly', process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly' },
    },
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `void promise` is no way out: deliberate fire-and-forget goes through inBackground (src/background.ts).
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and benchmarks start work on purpose and check its outcome otherwise: `void` is enough there.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: true }],
      // Response bodies of fakes and harnesses are read loosely.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
