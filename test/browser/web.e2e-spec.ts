import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
const { newPage } = useBrowser((a) => (app = a));

describeInBrowser('the web app in a browser', () => {
  it('staff logs a contact with a Chinese name and a follow-up in one form, finds it by pinyin and sees the follow-up', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await screenshot(page, 'dashboard-staff');
    // "n" opens the form from any page.
    await page.keyboard.press('n');
    await page.waitForURL('**/log');
    await page.locator('summary', { hasText: 'Neuer Kontakt' }).click();
    await page.fill('#f-newFamilyName', 'Zhao');
    await page.fill('#f-newGivenName', 'Lei');
    await page.fill('#f-newNativeName', '赵磊');
    await page.fill('#f-subject', 'Abendessen mit der Handelskammer');
    await page.fill('#f-summary', 'Herr Zhao interessiert sich für Solinger Schneidwaren.');
    await page.fill('#f-followUpTitle', 'Katalog an Herrn Zhao schicken');
    await page.fill(
      '#f-followUpDueOn',
      new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10),
    );
    await screenshot(page, 'log-contact');
    await Promise.all([
      page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/),
      page.click('#log-form button[type=submit]'),
    ]);
    expect(await page.locator('h1').innerText()).toContain('赵磊');
    await screenshot(page, 'contact-detail');

    for (const term of ['zhao lei', 'zhaolei', '赵磊']) {
      await page.goto(`${app.url}/contacts?q=${encodeURIComponent(term)}`);
      expect(await page.locator('table').innerText()).toContain('赵磊');
    }
    await screenshot(page, 'contacts-search');

    await page.goto(app.url);
    expect(await page.locator('#h-followups').locator('..').innerText()).toContain(
      'Katalog an Herrn Zhao schicken',
    );
  });

  it('picks an existing contact by typing pinyin in the log form', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/log`);
    await page.fill('#contact-search', 'wangfang');
    const suggestion = page.locator('#suggestions [data-pick]').first();
    await suggestion.waitFor();
    expect(await suggestion.innerText()).toContain('王芳');
    await suggestion.click();
    expect(await page.locator('#picked-contacts input[name=contactIds]').count()).toBe(1);
    await page.fill('#f-subject', 'Telefonat zum Austauschprogramm');
    await Promise.all([
      page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/),
      page.click('#log-form button[type=submit]'),
    ]);
    expect(await page.locator('main').innerText()).toContain('Telefonat zum Austauschprogramm');
  });

  it('offers a stale edit for re-apply instead of overwriting', async () => {
    const first = await newPage({ signIn: 'staff@liaison.test' });
    const second = await newPage({ signIn: 'admin@liaison.test' });
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM contacts WHERE family_name = 'Köhler'`,
    );
    const editUrl = `${app.url}/contacts/${rows[0].id}/edit`;
    await first.goto(editUrl);
    await second.goto(editUrl);
    await first.fill('input[name=position]', 'Exportleiterin');
    await Promise.all([
      first.waitForURL(/\/contacts\/[0-9a-f-]{36}\?flash=saved$/),
      first.click('form.card button[type=submit]'),
    ]);

    await second.fill('input[name=city]', 'Haan');
    await second.click('form.card button[type=submit]');
    await second.locator('#stale').waitFor();
    const stale = await second.locator('#stale').innerText();
    expect(stale).toContain('Exportleiterin'); // the other user's saved change is shown
    expect(await second.locator('input[name=city]').inputValue()).toBe('Haan'); // the user's own input is kept
    await screenshot(second, 'stale-edit');
    await Promise.all([
      second.waitForURL(/\/contacts\/[0-9a-f-]{36}\?flash=saved$/),
      second.click('form.card button[type=submit]'),
    ]);
    const after = await app.db.query(`SELECT position, city FROM contacts WHERE id = $1`, [
      rows[0].id,
    ]);
    // Re-applying sends the user's form as it stands: their city, and the position they saw.
    expect(after.rows[0].city).toBe('Haan');
  });

  it('DOVO sees only its lead, moves it to contacted, adds a note, and gets not-found for a Zwilling lead', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test' });
    await screenshot(page, 'portal-dovo');
    const portal = await page.locator('main').innerText();
    expect(portal).toContain('Rasiermesser');
    expect(portal).not.toContain('Showroom');
    expect(await page.locator('#h-leads').locator('..').locator('li').count()).toBe(1);
    // No links into the agency's records.
    expect(await page.locator('nav a[href="/contacts"]').count()).toBe(0);

    await page.locator('#h-leads').locator('..').locator('a').first().click();
    await page.waitForURL(/\/leads\//);
    await page.selectOption('select[name=stage]', 'contacted');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('form[action$="/stage"] button').click(),
    ]);
    expect(await page.locator('#lead-stage').innerText()).toBe('Kontaktiert');
    await page.fill('textarea[name=body]', 'Preisliste ist unterwegs.');
    await Promise.all([
      page.waitForLoadState('load'),
      page.locator('form[action$="/notes"] button').click(),
    ]);
    expect(await page.locator('#notes').innerText()).toContain('Preisliste ist unterwegs.');
    await screenshot(page, 'lead-dovo');

    const { rows } = await app.db.query<{ id: string }>(
      `SELECT l.id FROM leads l JOIN companies c ON c.id = l.company_id WHERE c.name = 'Zwilling' LIMIT 1`,
    );
    const response = await page.goto(`${app.url}/leads/${rows[0].id}`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Nicht gefunden');
    // Its contacts page lists only the people linked to its own leads: not Zwilling's Wang Fang.
    await page.goto(`${app.url}/contacts?q=wang`);
    expect(await page.locator('main').innerText()).not.toContain('王芳');
    await page.goto(`${app.url}/contacts`);
    expect(await page.locator('main').innerText()).toContain('李伟');
    expect(await page.locator('main').innerText()).not.toContain('王芳');
  });

  it('shows a viewer no edit controls', async () => {
    const page = await newPage({ signIn: 'viewer@liaison.test' });
    for (const path of ['/', '/contacts', '/leads', '/follow-ups']) {
      await page.goto(`${app.url}${path}`);
      expect({ path, forms: await page.locator('main form[method=post]').count() }).toEqual({
        path,
        forms: 0,
      });
    }
    expect(await page.locator('#log-contact').count()).toBe(0);
    for (const table of ['contacts', 'leads', 'companies', 'partners', 'follow_ups']) {
      const { rows } = await app.db.query<{ id: string }>(`SELECT id FROM ${table} LIMIT 1`);
      await page.goto(`${app.url}/${table.replace('_', '-')}/${rows[0].id}`);
      expect({ table, editLinks: await page.locator('a[href$="/edit"]').count() }).toEqual({
        table,
        editLinks: 0,
      });
    }
    const { rows } = await app.db.query<{ id: string }>(`SELECT id FROM leads LIMIT 1`);
    expect((await page.goto(`${app.url}/leads/${rows[0].id}/edit`))?.status()).toBe(403);
  });

  it('has no serious or critical accessibility violation on any page, and saves screenshots', async () => {
    const staff = await newPage({ signIn: 'staff@liaison.test' });
    const ids = async (sql: string) => (await app.db.query<{ id: string }>(sql)).rows[0].id;
    const pages = [
      '/',
      '/log',
      '/contacts',
      `/contacts/${await ids('SELECT id FROM contacts ORDER BY created_at LIMIT 1')}`,
      `/contacts/${await ids('SELECT id FROM contacts ORDER BY created_at LIMIT 1')}/edit`,
      '/companies',
      `/companies/${await ids('SELECT id FROM companies ORDER BY created_at LIMIT 1')}`,
      '/partners',
      `/partners/${await ids('SELECT id FROM partners ORDER BY created_at LIMIT 1')}`,
      '/interactions',
      `/interactions/${await ids('SELECT id FROM interactions ORDER BY created_at LIMIT 1')}`,
      '/follow-ups',
      `/follow-ups/${await ids('SELECT id FROM follow_ups ORDER BY created_at LIMIT 1')}`,
      '/leads',
      `/leads/${await ids('SELECT id FROM leads ORDER BY created_at LIMIT 1')}`,
      '/trips',
      `/trips/${await ids(`SELECT id FROM trips ORDER BY starts_on DESC LIMIT 1`)}`,
      '/agreements',
      '/profile',
      `/leads/${await ids('SELECT id FROM leads ORDER BY created_at LIMIT 1')}/edit`,
      `/follow-ups/${await ids('SELECT id FROM follow_ups ORDER BY created_at LIMIT 1')}/edit`,
      `/companies/${await ids('SELECT id FROM companies ORDER BY created_at LIMIT 1')}/edit`,
      `/partners/${await ids('SELECT id FROM partners ORDER BY created_at LIMIT 1')}/edit`,
    ];
    const problems: string[] = [];
    for (const path of pages) {
      const response = await staff.goto(`${app.url}${path}`);
      expect({ path, status: response?.status() }).toEqual({ path, status: 200 });
      for (const v of await seriousViolations(staff)) problems.push(`${path}: ${v}`);
      await screenshot(
        staff,
        `page${path.replace(/\//g, '_').replace(/_[0-9a-f-]{36}/g, '_id') || '_home'}`,
      );
    }
    const admin = await newPage({ signIn: 'admin@liaison.test' });
    await admin.goto(`${app.url}/users`);
    for (const v of await seriousViolations(admin)) problems.push(`/users: ${v}`);
    const login = await newPage();
    await login.goto(`${app.url}/login`);
    for (const v of await seriousViolations(login)) problems.push(`/login: ${v}`);
    await screenshot(login, 'login');
    expect(problems).toEqual([]);
  }, 240_000); // 25 pages, each walked by axe: ~20 s alone, several times that beside the suite

  it('works by keyboard alone: sign in and log a contact without a mouse', async () => {
    const page = await newPage();
    await page.goto(`${app.url}/login`);
    // The email field has focus on load (autofocus, which a busy browser applies a moment later).
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'email');
    await page.keyboard.type('staff@liaison.test');
    await page.keyboard.press('Tab');
    await page.keyboard.type('liaison-demo');
    await Promise.all([page.waitForURL(`${app.url}/`), page.keyboard.press('Enter')]);
    await page.keyboard.press('n');
    await page.waitForURL('**/log');
    await page.focus('#contact-search');
    await page.keyboard.type('li wei');
    const suggestion = page.locator('#suggestions [data-pick]').first();
    await suggestion.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // picks the focused suggestion
    expect(await page.locator('#picked-contacts input[name=contactIds]').count()).toBe(1);
    await page.focus('#f-subject');
    await page.keyboard.type('Kurzes Telefonat');
    await Promise.all([
      page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/),
      page.keyboard.press('Enter'),
    ]);
    expect(await page.locator('main').innerText()).toContain('Kurzes Telefonat');
  });

  it('reports the server time of the dashboard and the contacts list (Server-Timing, median of 30)', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const report: Record<string, number> = {};
    for (const path of ['/', '/contacts', '/leads', '/trips']) {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${app.url}${path}`, { headers: { cookie } });
        expect(res.status).toBe(200);
        await res.text();
        times.push(Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]));
      }
      times.sort((a, b) => a - b);
      report[path] = times[15];
    }
    process.stdout.write(`median server time (ms): ${JSON.stringify(report)}\n`);
    expect(Object.values(report).every((ms) => ms > 0)).toBe(true);
  });

  it('renders the API documentation under its CSP, and runs an operation from it', async () => {
    const page = await newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${app.url}/api/docs`);
    // Every tag listed, closed; each opens to its operations.
    await page.locator('.opblock-tag').first().waitFor();
    expect(await page.locator('.opblock-tag').count()).toBeGreaterThan(15);
    await page.locator('#operations-tag-contacts').click();
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    await page.locator('#operations-tag-health').click();
    await page.locator('.opblock-summary', { hasText: '/health' }).first().click();
    await page.getByText('Try it out').click();
    await page.getByText('Execute').click();
    const status = page.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect(await status.innerText()).toBe('200');
    await screenshot(page, 'api-docs');
    expect(refused).toEqual([]);
  });

  it('sends the security headers on every page', async () => {
    const response = await app.http.get('/login');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('DENY');
    const fresh = await fetch(`${app.url}/login`);
    const cookie = fresh.headers.getSetCookie();
    expect(cookie.join(';')).toMatch(/liaison_csrf=.*HttpOnly.*SameSite=Strict/);
  });
});
