import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The dependency rule of docs/architecture.md §3.1 as lint: the core imports nothing outside
 * itself (and no I/O), and only adapters import the AWS SDK. Tooling (tests, bench, emulator) may
 * use the SDK.
 */
const sdkImports = {
  group: ['@aws-sdk/*', '@smithy/*'],
  message: 'Only functions/adapters may import the AWS SDK (docs/architecture.md §3.1).',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.venv/', '.scratch/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['functions/**/*.ts', 'cli/**/*.ts', 'statemachines/**/*.ts'],
    ignores: ['functions/adapters/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [sdkImports] }] },
  },
  ...[
    // A core file at the top of functions/core, and one in a subfolder (run-state/...).
    { files: ['functions/core/*.ts'], outside: ['../*', '../**'] },
    { files: ['functions/core/*/**/*.ts'], outside: ['../../*', '../../**'] },
  ].map(({ files, outside }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            sdkImports,
            {
              group: outside,
              message: 'The core is pure: it imports nothing outside functions/core.',
            },
            {
              group: [
                'node:*',
                'aws-cdk-lib',
                'aws-cdk-lib/*',
                '@aws-lambda-powertools/*',
                '@middy/*',
              ],
              message: 'The core does no I/O: pass time and data in.',
            },
          ],
        },
      ],
    },
  })),
  {
    // A function fits on a screen and a file does one thing (CONTRIBUTING.md): long ones are split
    // along their jobs. Tests may be longer (a table of cases is one job).
    files: [
      'functions/**/*.ts',
      'infra/**/*.ts',
      'cli/**/*.ts',
      'statemachines/**/*.ts',
      'emulator/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
    ],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
      'max-lines': ['error', { max: 350, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['functions/ports/**/*.ts', 'functions/steps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            sdkImports,
            {
              // A subfolder (ports/errors/) is held to the same rule.
              group: ['../adapters/*', '../handlers/*', '../../adapters/*', '../../handlers/*'],
              message: 'Steps and ports depend on ports, not on adapters or handlers.',
            },
          ],
        },
      ],
    },
  },
);
