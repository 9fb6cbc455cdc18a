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

  it('keeps mail in the outbox without SMTP, and links to localhost without PUBLIC_URL', () => {
    expect(loadConfig({ PORT: '4100' })).toMatchObject({
      publicUrl: 'http://localhost:4100',
      mail: { smtpUrl: undefined, from: 'Liaison <liaison@localhost>', retryLimit: 8 },
      jobs: { concurrency: 5 },
    });
    expect(
      loadConfig({
        PUBLIC_URL: 'https://crm.example.org/',
        SMTP_URL: 'smtps://user:pw@mail.example.org:465',
        MAIL_FROM: 'Wirtschaftsförderung <crm@example.org>',
      }),
    ).toMatchObject({
      publicUrl: 'https://crm.example.org',
      mail: { smtpUrl: 'smtps://user:pw@mail.example.org:465', from: expect.any(String) },
    });
  });

  it('names a bad mail or link setting', () => {
    expect(
      problemsOf({ PUBLIC_URL: 'crm.example.org', SMTP_URL: 'http://mail', MAIL_FROM: 'nobody' }),
    ).toEqual([
      'PUBLIC_URL must be a http:// or https:// URL',
      'SMTP_URL must be a smtp:// or smtps:// URL',
      'MAIL_FROM must be an address, e.g. Liaison <liaison@example.org>',
    ]);
    expect(problemsOf({ JOB_CONCURRENCY: '-1', MAIL_RETRY_LIMIT: '21' })).toEqual([
      'MAIL_RETRY_LIMIT must be a whole number from 0 to 20 (got "21")',
      'JOB_CONCURRENCY must be a whole number from 0 to 50 (got "-1")',
    ]);
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

  it('reads the roles that need a second factor: admin unless said, empty for none', () => {
    expect(loadConfig({}).mfaRequiredRoles).toEqual(['admin']);
    expect(loadConfig({ MFA_REQUIRED_ROLES: '' }).mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: ' admin, staff,admin ' }).mfaRequiredRoles).toEqual([
      'admin',
      'staff',
    ]);
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'admin,boss' })).toThrow(
      /MFA_REQUIRED_ROLES must be a comma list of admin, staff, viewer, company \(got "boss"\)/,
    );
  });

  it('keeps a session check 30 s unless said, at most a minute, 0 for never', () => {
    expect(loadConfig({}).sessionCacheSeconds).toBe(30);
    expect(loadConfig({ SESSION_CACHE_SECONDS: '0' }).sessionCacheSeconds).toBe(0);
    expect(problemsOf({ SESSION_CACHE_SECONDS: '61' })[0]).toMatch(
      /^SESSION_CACHE_SECONDS must be a whole number from 0 to 60/,
    );
  });

  it('reads the digest’s time as five cron fields, named on a bad value', () => {
    expect(loadConfig({})).toMatchObject({
      digestCron: '0 7 * * *',
      jobs: { cronCheckSeconds: 30 },
    });
    expect(loadConfig({ DIGEST_CRON: ' * *  * * * ', JOB_CRON_CHECK_SECONDS: '1' })).toMatchObject({
      digestCron: '* * * * *',
      jobs: { cronCheckSeconds: 1 },
    });
    for (const ok of ['30 6 * * 1-5', '0,30 7-9/2 1 1,6 0'])
      expect(loadConfig({ DIGEST_CRON: ok }).digestCron).toBe(ok);
    for (const bad of [
      '0 7 * *',
      '60 7 * * *',
      '0 24 * * *',
      '0 7 0 * *',
      'x 7 * * *',
      '0 9-7 * * *',
    ])
      expect(() => loadConfig({ DIGEST_CRON: bad })).toThrow(
        /DIGEST_CRON must be five cron fields/,
      );
    expect(() => loadConfig({ JOB_CRON_CHECK_SECONDS: '0' })).toThrow(/JOB_CRON_CHECK_SECONDS/);
  });

  it('reads the retention review: months and schedule, each validated', () => {
    expect(loadConfig({}).retention).toEqual({ months: 36, cron: '30 2 * * *' });
    expect(loadConfig({ RETENTION_MONTHS: '24', RETENTION_CRON: '0  3 * * 0' }).retention).toEqual({
      months: 24,
      cron: '0 3 * * 0',
    });
    for (const bad of ['0', '-1', 'x', '1.5', '601'])
      expect(() => loadConfig({ RETENTION_MONTHS: bad })).toThrow(/RETENTION_MONTHS/);
    expect(() => loadConfig({ RETENTION_CRON: '0 25 * * *' })).toThrow(
      /RETENTION_CRON must be five cron fields/,
    );
  });
});
