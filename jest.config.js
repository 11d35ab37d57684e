// Three tiers (README "Tests"): unit specs beside the code; medium specs in test/medium, services
// against real Postgres and Redis, one database per Jest worker cloned from a template migrated once
// (test/medium/global-setup.ts); e2e specs in test/ against real Postgres, Redis, Docker and
// Chromium (prepared once by test/setup/global-setup.ts). Nest 12 ships ESM, so swc compiles it too.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // The generated Prisma client imports its siblings as './x.js'; in Jest those are still .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  // The build output mirrors src/ (and package.json); Jest must never pick up a stale copy.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.memgrade/'],
};
module.exports = {
  // A global option (not per project): the e2e files longest first; the other tiers by path.
  testSequencer: '<rootDir>/test/setup/sequencer.js',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/medium/global-setup.ts',
      globalTeardown: '<rootDir>/test/medium/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/medium/timeouts.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/env.ts'],
      // Real containers and real queues: seconds, not milliseconds.
      setupFilesAfterEnv: ['<rootDir>/test/setup/timeouts.ts'],
    },
    // What `npm run test:slow` adds to the e2e specs (same set-up): too long for every run.
    {
      ...shared,
      displayName: 'slow',
      testMatch: ['<rootDir>/test/**/*.slow-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/timeouts.ts'],
    },
  ],
};
