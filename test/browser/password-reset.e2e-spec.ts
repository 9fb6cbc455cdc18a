import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { ReceivedMail, TestSmtp } from '../helpers/smtp';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await TestSmtp.start();
});
afterAll(() => smtp.stop());

let app: TestApp;
const { newPage, consoleLines } = useBrowser((a) => (app = a), {
  env: () => ({ SMTP_URL: smtp.url }),
  // Errors count, but not the 400 and 401 of the refusals this file makes on purpose.
  counts: (m) => m.type() === 'error' && !/status of 40[01] /.test(m.text()),
});

/** The mail's link, opened on the test app's own address (PUBLIC_URL may name another host). */
function linkIn(mail: ReceivedMail): string {
  const match = /\S+\/password\/reset\?\S*#[A-Za-z0-9_-]{43}/.exec(mail.text);
  if (!match) throw new Error(`no link in ${mail.text}`);
  const url = new URL(match[0]);
  return `${app.url}${url.pathname}${url.search}${url.hash}`;
}

async function setPassword(page: Page, password: string): Promise<void> {
  await page.fill('#f-password', password);
  await page.fill('#f-passwordRepeat', password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/'),
    page.click('#reset-form button[type=submit]'),
  ]);
}

describeInBrowser('setting a password by mail', () => {
  it('resets a forgotten password on a phone, in German, and signs the user in', async () => {
    const page = await newPage({ width: 390 });
    await page.goto(`${app.url}/login`);
    await Promise.all([page.waitForURL('**/password/forgot'), page.click('#forgot-password')]);
    expect(await page.locator('h1').innerText()).toBe('Passwort vergessen');
    await page.fill('#f-email', 'DoVo@liaison.test');
    await page.click('#forgot-form button[type=submit]');
    expect(await page.locator('#reset-sent').innerText()).toContain(
      'Wenn die Adresse zu einem aktiven Zugang gehört',
    );
    await screenshot(page, 'password-forgot-sent-390');

    // The demo has mailed DOVO's login of its newest lead already: the reset is the one asked for.
    const [mail] = await smtp.waitFor(
      (m) => m.to.includes('dovo@liaison.test') && m.subject === 'Neues Passwort für Liaison',
    );
    expect(mail.subject).toBe('Neues Passwort für Liaison');
    await page.goto(linkIn(mail));
    expect(await page.locator('h1').innerText()).toBe('Neues Passwort wählen');
    // The token went from the fragment into the form, and out of the address bar.
    expect(await page.inputValue('input[name=token]')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'password-reset-390');

    // Two different passwords: said beside the second, nothing set.
    await page.fill('#f-password', 'neues-passwort-für-dovo');
    await page.fill('#f-passwordRepeat', 'ein-anderes-passwort');
    await page.click('#reset-form button[type=submit]');
    expect(await page.locator('#e-passwordRepeat').innerText()).toBe(
      'Die beiden Passwörter stimmen nicht überein.',
    );
    await setPassword(page, 'neues-passwort-für-dovo');
    expect(await page.locator('#flash').innerText()).toContain('Ihr Passwort ist gesetzt.');

    // The old password no longer works, the new one does.
    const other = await newPage({ width: 390 });
    await other.goto(`${app.url}/login`);
    await other.fill('input[name=email]', 'dovo@liaison.test');
    await other.fill('input[name=password]', 'liaison-demo');
    await other.click('button[type=submit]');
    expect(await other.locator('.alert').innerText()).toContain('falsch');
    await other.fill('input[name=password]', 'neues-passwort-für-dovo');
    await Promise.all([
      other.waitForURL((url) => url.pathname === '/'),
      other.click('button[type=submit]'),
    ]);
  });

  it('invites a new user from the user page; the user chooses a password in English and is signed in', async () => {
    const admin = await newPage({ signIn: 'admin@liaison.test', locale: 'en-GB' });
    await admin.goto(`${app.url}/users/new`);
    // An invitation is the default: no password to choose.
    expect(await admin.inputValue('#f-access')).toBe('invite');
    await admin.fill('#f-email', 'grace.hopper@example.org');
    await admin.fill('#f-displayName', 'Grace Hopper');
    await admin.selectOption('#f-locale', 'en');
    await Promise.all([
      admin.waitForURL(/\/users\/[0-9a-f-]{36}\?flash=created$/),
      admin.click('#record-form button[type=submit]'),
    ]);
    expect(await admin.locator('#invitation-state').count()).toBe(1);
    await screenshot(admin, 'user-invited');

    const [mail] = await smtp.waitFor((m) => m.to.includes('grace.hopper@example.org'));
    expect(mail.subject).toBe('Your Liaison account');
    expect(mail.text).toContain('Your role: Staff.');
    const page = await newPage({ locale: 'en-GB' });
    await page.goto(linkIn(mail));
    expect(await page.locator('h1').innerText()).toBe('Welcome to Liaison');
    await screenshot(page, 'invitation-welcome');
    await setPassword(page, 'grace-chooses-her-own');
    expect(await page.locator('#flash').innerText()).toContain('Your password is set.');
    expect(await page.locator('.account-top').innerText()).toContain('Grace Hopper');

    // On the user's page, the invitation is no longer pending.
    await admin.reload();
    expect(await admin.locator('#invitation-state').count()).toBe(0);
    expect(consoleLines).toEqual([]);
  });
});
