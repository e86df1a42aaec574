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
  // Both cores of the 2-core machines this runs on (jest's default leaves one idle). The timeout is a
  // guard against a hung test, far above any test's time under load, never a speed assertion.
  maxWorkers: 2,
  testTimeout: 120000,
  // One in-memory DynamoDB Local for every test file (a table each): the JVM starts once per run.
  globalSetup: '<rootDir>/test/support/dynamodb-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/dynamodb-global-teardown.ts',
};
