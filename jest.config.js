// Jest runs our ESM TypeScript through @swc/jest (type-stripping only; tsc does the type-checking),
// keeping import attributes (`with { type: 'json' }`) as Node needs them.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2024', experimental: { keepImportAttributes: true } }, module: { type: 'es6' } },
    ],
  },
  // Both cores of the 2-core machines this runs on (jest's default leaves one idle).
  maxWorkers: 2,
  // A guard against a hang, never a speed assertion: TEST_TIMEOUT_MS of test/support/hang-guard.ts,
  // which says why it is this generous; no test or hook sets a shorter one.
  testTimeout: 10 * 60_000,
  // One in-memory DynamoDB Local for every test file (a table each): the JVM starts once per run.
  globalSetup: '<rootDir>/test/support/dynamodb-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/dynamodb-global-teardown.ts',
};
