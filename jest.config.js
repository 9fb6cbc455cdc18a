/**
 * Unit tests (src/**\/*.spec.ts) cover pure rules; end-to-end tests (test/**\/*.e2e-spec.ts) boot
 * the built app as a real process on a real PostgreSQL and speak HTTP to it. The app runs as its
 * own process because Nest 12 is ESM-only, which Jest's module sandbox cannot load on Node 20.
 */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60000,
  maxWorkers: process.env.JEST_WORKERS ?? 3,
};
