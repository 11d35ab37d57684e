// `npm run lint` (part of `npm run check`), at zero warnings. typescript-eslint's recommended
// type-checked rules, less the ones the code as it is breaks in more than a handful of places
// (each is named below with how often; turn one on in the commit that fixes those places).
// Formatting is Prettier's (npm run check:format), so no formatting rule is on here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'src/generated/',
      'web/dist/',
      'web/src/generated/',
      'node_modules/',
      '.memgrade/',
      'coverage/',
      'test-artifacts/',
      'sandbox/',
      'exercises/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is checked with the tsconfig that owns it (tsconfig.json, web/, bench/).
      parserOptions: { projectService: { allowDefaultProject: ['prisma.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Values read from JSON columns, HTTP bodies and Docker answers are `any` by nature; 450 places.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // async methods that satisfy an interface without awaiting (18 places).
      '@typescript-eslint/require-await': 'off',
      // 17 assertions the compiler no longer needs; harmless, fixable with --fix in one sweep.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // URLSearchParams in template strings (2), ids typed unknown in the error filter (2), jest mocks (3).
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // `const { status: _status, ...rest } = x` drops a key on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // A promise-returning callback given as an object property (grading.processor.ts's breaker
      // subscription, 1 place): allowed until that file is next changed; arguments are still checked.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { properties: false } }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // One spec awaits a value that may or may not be a promise (schema-drift), one requires node:fs inline.
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['web/src/**/*.ts'],
    rules: {
      // Async DOM event handlers (5 places today, in files others are changing): allowed for now.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // Plain JavaScript: build scripts, configs, a worker child. Node's globals; no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
