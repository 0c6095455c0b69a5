// Two projects: `unit` needs no servers (pure logic and the native TF
// backend); `integration` runs against the real local stack, which its global
// setup starts (or reuses) through infra/.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
// dist/ holds the build (with a copy of package.json): tests import the sources.
const modulePathIgnorePatterns = ['<rootDir>/dist/'];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      modulePathIgnorePatterns,
      testEnvironment: '<rootDir>/test/support/node-environment.js',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      transform,
      modulePathIgnorePatterns,
      testEnvironment: '<rootDir>/test/support/node-environment.js',
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/support/timeout.ts'],
    },
    {
      // Faults injected into real runs on the real stack: `npm run test:chaos` (not part of `npm test`).
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.test.ts'],
      transform,
      modulePathIgnorePatterns,
      testEnvironment: '<rootDir>/test/support/node-environment.js',
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration/support/timeout.ts'],
    },
  ],
};
