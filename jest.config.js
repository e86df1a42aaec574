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
  // A worker whose heap has grown past this after a test file is replaced by a fresh one: jest keeps
  // some of every file's modules alive, and a large heap made each later file's garbage collection
  // (CDK synthesis allocates a lot) slower than the file itself (cfn-validation: ~12 s of CPU alone,
  // 25 s late in a 2-worker run, 54 s in one process).
  workerIdleMemoryLimit: '512MB',
  // One in-memory DynamoDB Local for every test file (a table each): the JVM starts once per run.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
