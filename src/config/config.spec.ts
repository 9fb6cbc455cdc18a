import { ConfigError, loadConfig } from './config';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('configuration', () => {
  it('defaults to the embedded database with demo data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      seedDemo: true,
      jwtSecret: undefined,
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('does not seed by default on an external database', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db/liaison',
      JWT_SECRET: 's'.repeat(32),
    });
    expect(config.seedDemo).toBe(false);
  });

  it('names each bad variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      JWT_SECRET: 'short',
      SEED_DEMO: 'maybe',
      LOG_LEVEL: 'loud',
      ADMIN_EMAIL: 'admin@example.org',
    });
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'JWT_SECRET',
      'SEED_DEMO',
      'LOG_LEVEL',
      'ADMIN_EMAIL',
    ]) {
      expect(problems.some((p) => p.startsWith(name))).toBe(true);
    }
  });

  it('requires JWT_SECRET with an external database', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u@db/liaison' })).toEqual([
      'JWT_SECRET is required when DATABASE_URL is set',
    ]);
  });

  it('does not require JWT_SECRET of the CLI, which signs no tokens', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db/liaison' }, { signsTokens: false });
    expect(config.jwtSecret).toBeUndefined();
  });

  it('checks the bootstrap admin password length', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.de', ADMIN_PASSWORD: 'short' })[0]).toMatch(
      /^ADMIN_PASSWORD/,
    );
  });
});
