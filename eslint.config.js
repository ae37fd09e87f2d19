// Type-aware lint for server, common, web, e2e, bench and scripts (decision 0006).
// Formatting is Prettier's job (`npm run format`); this config only finds defects and keeps imports sorted.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

import { moneyArithmetic, moneyPlugin } from './eslint.money.js';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'data/', 'tmp/', 'coverage/', 'web/dev-dist/', 'web/src/api/schema.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.mjs', 'web/*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      eqeqeq: ['error', 'smart'],
      // Fastify plugins and handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON bodies (`res.json()` is `any` by design) and assert on them; the unsafe-any
    // rules would only add casts there. Production code keeps them.
    files: ['**/*.test.ts', 'e2e/**/*.ts', 'server/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Money rules for the product code; common/money.ts is the one place that converts.
    files: ['server/**/*.ts', 'common/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: ['common/money.ts'],
    rules: { 'no-restricted-syntax': ['error', ...moneyArithmetic] },
  },
  {
    // Money state has one owner (docs/billing.md): outside server/modules/ledger, no SQL or Drizzle call
    // writes ledger entries, balances, credits, the account status or blocked/unblocked events.
    // Tests and test helpers may build rows directly (factories, deliberately broken data).
    files: ['server/**/*.ts'],
    ignores: ['server/modules/ledger/**', '**/*.test.ts', 'server/test/**'],
    plugins: { money: moneyPlugin },
    rules: { 'money/state-owner': 'error' },
  },
  {
    // app.ts is the composition root: modules receive AppDeps (server/deps.ts), never import the root.
    files: ['server/modules/**/*.ts', 'server/jobs/**/*.ts', 'server/integrations/**/*.ts', 'server/plugins/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+app\\.js$',
              message: 'Import AppDeps from server/deps.ts, not the app; tests use server/test/app.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
