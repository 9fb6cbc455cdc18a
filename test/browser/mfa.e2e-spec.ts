import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
// The admin role needs a second factor here; the others keep it optional.
const { newPage, consoleLines } = useBrowser((a) => (app = a), {
  env: () => ({ MFA_REQUIRED_ROLES: 'admin' }),
  // The wrong code typed on purpose is answered 401, which the console reports.
  counts: (m) => !/status of 401/.test(m.text()),
});
/** Passkeys need a domain, not an IP address: the same app, by the name localhost. */
const site = () => app.url.replace('127.0.0.1', 'localhost');

const codeAt = (secret: string, steps = 0) =>
  new TOTP({
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  }).generate({ timestamp: Date.now() + steps * 30_000 });

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

async function password(page: Page, email: string): Promise<void> {
  await page.goto(`${site()}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'liaison-demo');
  await Promise.all([page.waitForURL(/\/login\/mfa/), page.click('button[type=submit]')]);
}

async function signOut(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL(/\/login/),
    page.evaluate(() =>
      (document.querySelector('form[action="/logout"]') as HTMLFormElement).submit(),
    ),
  ]);
}

describeInBrowser('two-factor sign-in', () => {
  it('sets up an authenticator app in German, then signs in with password and code', async () => {
    const page = await newPage({ width: 390 });
    await page.goto(`${site()}/login`);
    await page.fill('input[name=email]', 'staff@liaison.test');
    await page.fill('input[name=password]', 'liaison-demo');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/'),
      page.click('button[type=submit]'),
    ]);

    await page.goto(`${site()}/profile`);
    await Promise.all([page.waitForURL(/\/account\/security$/), page.click('#security-link')]);
    expect(await page.locator('h1').innerText()).toBe('Anmeldung absichern');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);

    await Promise.all([page.waitForURL(/\/account\/security\/totp$/), page.click('#totp-start')]);
    expect(await page.locator('svg#totp-qr').isVisible()).toBe(true);
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'mfa-enrol-390');

    await page.fill('#f-code', codeAt(secret));
    await Promise.all([page.waitForURL(/totp\/confirm$/), page.click('#totp-confirm')]);
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    expect(await page.locator('#flash').innerText()).toContain(
      'Authenticator-App ist eingerichtet',
    );
    expect(await overflow(page)).toBeLessThanOrEqual(0);

    await signOut(page);
    await password(page, 'staff@liaison.test');
    expect(await page.locator('h1').innerText()).toBe('Bestätigung der Anmeldung');
    expect(await page.locator('#use-recovery-code summary').innerText()).toBe(
      'Wiederherstellungscode verwenden',
    );
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    // A wrong code first: the same page again, with the reason.
    await page.fill('#f-code', '000000' === codeAt(secret, 1) ? '111111' : '000000');
    await page.click('#mfa-code-form button');
    await page.waitForSelector('#mfa-error');
    expect(await page.locator('#mfa-error').innerText()).toContain('Code stimmt nicht');
    await page.fill('#f-code', codeAt(secret, 1));
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/'),
      page.click('#mfa-code-form button'),
    ]);
    expect(consoleLines).toEqual([]);
  });

  it('registers a passkey in English and signs in with password and passkey', async () => {
    const page = await newPage({ width: 1280 });
    await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'viewer@liaison.test'`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await page.goto(`${site()}/login`);
    await page.fill('input[name=email]', 'viewer@liaison.test');
    await page.fill('input[name=password]', 'liaison-demo');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/'),
      page.click('button[type=submit]'),
    ]);

    await page.goto(`${site()}/account/security`);
    expect(await page.locator('h1').innerText()).toBe('Sign-in security');
    expect(await page.locator('#passkey-add').innerText()).toBe('Add a passkey');
    await page.fill('#f-passkey-name', 'Office laptop');
    await Promise.all([page.waitForURL(/done=passkeyAdded/), page.click('#passkey-add')]);
    expect(await page.locator('#passkey-list').innerText()).toContain('Office laptop');
    expect(await page.locator('#flash').innerText()).toBe('The passkey is added.');
    expect(await page.locator('#recovery-left').innerText()).toBe('0');
    expect(await seriousViolations(page)).toEqual([]);

    await signOut(page);
    await password(page, 'viewer@liaison.test');
    expect(await page.locator('h1').innerText()).toBe('Confirm your sign-in');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('#use-passkey')]);
    const audit = await app.db.query(
      `SELECT a.changes->>'method' AS method FROM audit_events a JOIN users u ON u.id = a.entity_id
       WHERE u.email = 'viewer@liaison.test' AND a.action = 'login.mfa'`,
    );
    expect(audit.rows).toEqual([{ method: 'passkey' }]);
    expect(consoleLines).toEqual([]);
  });

  it('sends an admin without a second factor from the dashboard to the security page', async () => {
    const page = await newPage({ width: 390 });
    await page.goto(`${site()}/login`);
    await page.fill('input[name=email]', 'admin@liaison.test');
    await page.fill('input[name=password]', 'liaison-demo');
    await Promise.all([
      page.waitForURL(/\/account\/security\?required=1$/),
      page.click('button[type=submit]'),
    ]);
    expect(await page.locator('#mfa-required').isVisible()).toBe(true);
    await page.goto(`${site()}/companies`);
    expect(new URL(page.url()).pathname).toBe('/account/security');
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });
});
