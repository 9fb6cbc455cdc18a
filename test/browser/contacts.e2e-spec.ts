import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
/** A 400 (a refused form shown again), 403 or 409 (a lost race) the test asked for. */
const EXPECTED_STATUS =
  /Failed to load resource: the server responded with a status of (400|403|409)/;
/** What the browser's console said, per page; a test that expects a status names it. */
const { consoleLines, newPage } = useBrowser((a) => (app = a), {
  counts: (m) =>
    (m.type() === 'error' || m.type() === 'warning') && !EXPECTED_STATUS.test(m.text()),
});

const id = async (sql: string, params: unknown[] = []) =>
  (await app.db.query<{ id: string }>(sql, params)).rows[0].id;

const factsOf = (page: Page) => page.locator('dl.facts').innerText();

async function submit(page: Page, url: RegExp) {
  await Promise.all([page.waitForURL(url), page.click('#record-form button[type=submit]')]);
}

const RECORD = /\/(contacts|partners)\/[0-9a-f-]{36}(\?.*)?$/;

describeInBrowser('contacts, partners, the search box and the contact log in a browser', () => {
  it('creates a contact at a partner with country and phone, edits it, and shows every value', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const campus = await id(`SELECT id FROM partners WHERE name = '3D-Campus Shanghai'`);
    await page.goto(`${app.url}/contacts`);
    await Promise.all([page.waitForURL('**/contacts/new'), page.click('#new-record')]);
    // One select offers companies and partners, each under its heading.
    expect(
      await page
        .locator('#f-organisation optgroup')
        .evaluateAll((g) => g.map((x) => x.getAttribute('label'))),
    ).toEqual(['Unternehmen', 'Partner']);
    await page.fill('#f-salutation', 'Frau');
    await page.fill('#f-familyName', 'Chen');
    await page.fill('#f-givenName', 'Jing');
    await page.fill('#f-nativeName', '陈静');
    await page.fill('#f-position', 'Leiterin Einkauf');
    await page.selectOption('#f-organisation', `partner:${campus}`);
    await page.fill('#f-email', 'chen.jing@3d-campus.example.cn');
    await page.fill('#f-phone', '+86 21 5555 0101');
    await page.fill('#f-wechatId', 'chenjing_3d');
    await page.fill('#f-languages', 'zh-CN, en');
    await page.selectOption('#f-country', 'CN');
    await page.fill('#f-city', 'Shanghai');
    await page.fill('#f-tags', 'china-2019, einkauf');
    await page.fill('#f-legalBasisSource', 'Visitenkarte beim Rundgang');
    await screenshot(page, 'contact-new');
    await submit(page, RECORD);
    expect(page.url()).toContain('flash=created');
    // Chinese names family first.
    expect(await page.locator('h1').innerText()).toBe('Chen Jing 陈静');
    expect(await page.locator('#contact-phone').innerText()).toBe('+86 21 5555 0101');
    const facts = await factsOf(page);
    for (const shown of [
      'Frau',
      'Leiterin Einkauf',
      '3D-Campus Shanghai',
      'chen.jing@3d-campus.example.cn',
      'chenjing_3d',
      'Chinesisch (China), Englisch',
      'China',
      'Shanghai',
      'china-2019, einkauf',
    ])
      expect({ shown, found: facts.includes(shown) }).toEqual({ shown, found: true });
    // The legal basis heads the page's Privacy block.
    const basis = await page.locator('#privacy #legal-basis').innerText();
    expect(basis).toContain('Öffentliche Aufgabe');
    expect(basis).toContain('Visitenkarte beim Rundgang');
    expect(basis).not.toContain('public_task');
    expect(await page.locator('dl.facts a[href^="/partners/"]').innerText()).toBe(
      '3D-Campus Shanghai',
    );

    await Promise.all([page.waitForURL('**/edit'), page.click('#edit')]);
    expect(await page.inputValue('#f-phone')).toBe('+86 21 5555 0101');
    await page.fill('#f-phone', '+86 21 5555 0199');
    await submit(page, RECORD);
    expect(page.url()).toContain('flash=saved');
    expect(await page.locator('#contact-phone').innerText()).toBe('+86 21 5555 0199');
    expect(await page.locator('#log-interaction').getAttribute('href')).toMatch(
      /^\/log\?contactId=[0-9a-f-]{36}$/,
    );
    expect(await page.locator('#add-follow-up').getAttribute('href')).toMatch(
      /^\/follow-ups\/new\?contactId=[0-9a-f-]{36}$/,
    );
    await screenshot(page, 'contact-detail-created');

    // The organisation moves from the partner to a company: the partner is cleared with it.
    await page.click('#edit');
    await page.waitForURL('**/edit');
    const zwilling = await id(`SELECT id FROM companies WHERE name = 'Zwilling'`);
    await page.selectOption('#f-organisation', `company:${zwilling}`);
    await submit(page, RECORD);
    const stored = await app.db.query(
      `SELECT company_id, partner_id, phone FROM contacts WHERE family_name = 'Chen'`,
    );
    expect(stored.rows).toEqual([
      { company_id: zwilling, partner_id: null, phone: '+86 21 5555 0199' },
    ]);
  });

  it('keeps the other person’s change after a lost race, then deletes, undoes and restores the contact', async () => {
    const contact = await id(`SELECT id FROM contacts WHERE family_name = 'Weiß'`);
    const first = await newPage({ signIn: 'staff@liaison.test' });
    const second = await newPage({ signIn: 'admin@liaison.test' });
    const edit = `${app.url}/contacts/${contact}/edit`;
    await first.goto(edit);
    await second.goto(edit);
    await first.fill('#f-position', 'Geschäftsführer');
    await submit(first, RECORD);

    await second.fill('#f-city', 'Wuppertal');
    await second.click('#record-form button[type=submit]');
    await second.locator('#stale').waitFor();
    expect(await second.locator('#stale').innerText()).toContain('Geschäftsführer');
    expect(await second.inputValue('#f-city')).toBe('Wuppertal');
    await screenshot(second, 'contact-stale');
    await submit(second, RECORD);
    const facts = await factsOf(second);
    expect(facts).toContain('Geschäftsführer'); // theirs, kept
    expect(facts).toContain('Wuppertal'); // mine, applied

    await Promise.all([second.waitForURL(/\/contacts\?flash=deleted/), second.click('#delete')]);
    expect(await second.locator('#flash').innerText()).toContain('Gelöscht');
    expect(await second.locator(`#row-${contact}`).count()).toBe(0);
    await Promise.all([second.waitForURL(RECORD), second.click('#undo')]);
    expect(second.url()).toContain('flash=restored');
    expect(await second.locator('h1').innerText()).toBe('Thomas Weiß');

    await Promise.all([second.waitForURL(/\/contacts\?flash=deleted/), second.click('#delete')]);
    await Promise.all([
      second.waitForURL('**/contacts?deleted=true'),
      second.click('#show-deleted'),
    ]);
    await screenshot(second, 'contacts-deleted');
    await Promise.all([
      second.waitForURL(RECORD),
      second.locator(`#row-${contact} button.restore`).click(),
    ]);
    expect(await second.locator('h1').innerText()).toBe('Thomas Weiß');
  });

  it('lists contacts with filters and sorting kept in the URL, organisations by name', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const campus = await id(`SELECT id FROM partners WHERE name = '3D-Campus Shanghai'`);
    await page.goto(`${app.url}/contacts`);
    await page.selectOption('#filter-partnerId', campus);
    await Promise.all([
      page.waitForURL(/partnerId=/),
      page.click('form.filters button[type=submit]'),
    ]);
    const list = await page.locator('#list').innerText();
    expect(list).toContain('Li Wei 李伟');
    expect(list).toContain('3D-Campus Shanghai');
    expect(list).not.toContain('王芳');
    await page.click('#list th a[href*="sort=updatedAt"]');
    await page.waitForURL(/sort=updatedAt/);
    expect(page.url()).toContain(`partnerId=${campus}`);
    await page.goto(`${app.url}/contacts?country=DE`);
    expect(await page.locator('#list').innerText()).not.toContain('China');
  });

  it('creates, edits, races, deletes, undoes and restores a partner', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/partners`);
    await Promise.all([page.waitForURL('**/partners/new'), page.click('#new-record')]);
    await page.fill('#f-name', 'Suzhou Industrial Park');
    await page.fill('#f-nativeName', '苏州工业园区');
    await page.selectOption('#f-kind', 'technology_park');
    await page.selectOption('#f-country', 'CN');
    await page.fill('#f-city', 'Suzhou');
    await page.fill('#f-address', 'Xinghu Street 328');
    await page.fill('#f-website', 'https://www.sipac.example.cn');
    await page.fill('#f-description', 'Industriepark mit deutschem Zentrum.');
    await submit(page, RECORD);
    expect(page.url()).toContain('flash=created');
    const facts = await factsOf(page);
    for (const shown of ['苏州工业园区', 'Technologiepark', 'China', 'Suzhou', 'Xinghu Street 328'])
      expect({ shown, found: facts.includes(shown) }).toEqual({ shown, found: true });
    expect(facts).not.toContain('technology_park');
    const partnerUrl = page.url().split('?')[0];
    const partner = partnerUrl.split('/').pop()!;

    await page.click('#edit');
    await page.waitForURL('**/edit');
    await page.selectOption('#f-kind', 'government');
    await submit(page, RECORD);
    expect(await factsOf(page)).toContain('Behörde');

    const other = await newPage({ signIn: 'admin@liaison.test' });
    await page.goto(`${partnerUrl}/edit`);
    await other.goto(`${partnerUrl}/edit`);
    await page.fill('#f-city', 'Suzhou (Jiangsu)');
    await submit(page, RECORD);
    await other.fill('#f-address', 'Xinghu Street 328, SIP');
    await other.click('#record-form button[type=submit]');
    await other.locator('#stale').waitFor();
    expect(await other.locator('#stale').innerText()).toContain('Suzhou (Jiangsu)');
    await submit(other, RECORD);
    const after = await factsOf(other);
    expect(after).toContain('Suzhou (Jiangsu)');
    expect(after).toContain('Xinghu Street 328, SIP');

    await Promise.all([other.waitForURL(/\/partners\?flash=deleted/), other.click('#delete')]);
    expect(await other.locator(`#row-${partner}`).count()).toBe(0);
    await Promise.all([other.waitForURL(RECORD), other.click('#undo')]);
    expect(await other.locator('h1').innerText()).toContain('Suzhou Industrial Park');
    await Promise.all([other.waitForURL(/\/partners\?flash=deleted/), other.click('#delete')]);
    await Promise.all([other.waitForURL('**/partners?deleted=true'), other.click('#show-deleted')]);
    await Promise.all([
      other.waitForURL(RECORD),
      other.locator(`#row-${partner} button.restore`).click(),
    ]);
    expect(await other.locator('h1').innerText()).toContain('Suzhou Industrial Park');

    // The partner's page lists its people and agreements.
    const techPark = await id(`SELECT id FROM partners WHERE name = 'Technologiepark Peking'`);
    await page.goto(`${app.url}/partners/${techPark}`);
    expect(await page.locator('main').innerText()).toContain('Wang Fang 王芳');
    expect(await page.locator('main a[href^="/agreements/"]').count()).toBeGreaterThan(0);
    await screenshot(page, 'partner-detail');
  });

  it('logs an interaction from a contact’s page: the person is chosen by name, the kind in German', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const wang = await id(`SELECT id FROM contacts WHERE native_name = '王芳'`);
    await page.goto(`${app.url}/contacts/${wang}`);
    await Promise.all([page.waitForURL('**/log?contactId=*'), page.click('#log-interaction')]);
    const picked = await page.locator('#picked-contacts').innerText();
    expect(picked).toContain('Wang Fang 王芳');
    expect(picked).not.toContain(wang);
    expect(await page.locator('#f-kind option[value=call]').innerText()).toBe('Telefonat');
    await page.selectOption('#f-kind', 'call');
    await page.fill('#f-subject', 'Rückruf wegen Start-up-Austausch');
    // A refusal keeps the person, by name, and says what is wrong beside the field, in German.
    await page.fill('#f-leadTitle', 'Austauschprogramm');
    await page.click('#log-form button[type=submit]');
    await page.locator('#errors').waitFor();
    expect(await page.locator('#picked-contacts').innerText()).toContain('Wang Fang 王芳');
    expect(await page.locator('#errors a[href="#f-leadCompanyId"]').innerText()).toBe(
      'Unternehmen',
    );
    const message = await page.locator('#f-leadCompanyId-error').innerText();
    expect(message).toMatch(/^[A-ZÄÖÜ].*\.$/);
    expect(message).not.toMatch(/must|companyId/);
    await page.fill('#f-leadTitle', '');
    await Promise.all([
      page.waitForURL(`**/contacts/${wang}`),
      page.click('#log-form button[type=submit]'),
    ]);
    const entry = page.locator('.timeline li', { hasText: 'Rückruf wegen Start-up-Austausch' });
    expect(await entry.innerText()).toContain('Telefonat');
    // The timeline is ordered by when things happened, newest first.
    const times = await page
      .locator('.timeline time')
      .evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime')!)));
    expect(times.length).toBeGreaterThan(2);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    await screenshot(page, 'contact-timeline');
  });

  it('logs a new contact with organisation and country', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const techPark = await id(`SELECT id FROM partners WHERE name = 'Technologiepark Peking'`);
    await page.goto(`${app.url}/log`);
    await page.locator('summary', { hasText: 'Neuer Kontakt' }).click();
    await page.fill('#f-newFamilyName', 'Zhou');
    await page.fill('#f-newGivenName', 'Jie');
    await page.fill('#f-newNativeName', '周杰');
    await page.selectOption('#f-newOrganisation', `partner:${techPark}`);
    await page.selectOption('#f-newCountry', 'CN');
    await page.fill('#f-subject', 'Empfang im Technologiepark');
    await Promise.all([
      page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/),
      page.click('#log-form button[type=submit]'),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Zhou Jie 周杰');
    const facts = await factsOf(page);
    expect(facts).toContain('Technologiepark Peking');
    expect(facts).toContain('China');
  });

  it('logs a contact known only by the characters of a business card (李明)', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/log`);
    await page.locator('summary', { hasText: 'Neuer Kontakt' }).click();
    await page.fill('#f-newNativeName', '李明');
    // The page itself does not ask for a family name; the API derives it (Li / Ming).
    expect(await page.locator('#f-newFamilyName[required]').count()).toBe(0);
    await page.fill('#f-subject', 'Visitenkarte beim Empfang');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/log')),
      page.click('#log-form button[type=submit]'),
    ]);
    expect(response.status()).toBe(303);
    await page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/);
    expect(await page.locator('h1').innerText()).toContain('李明');
  });

  it('finds 王芳 by typing “wang” in the header’s box, under the contacts heading, by keyboard', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.keyboard.press('/');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/search/suggest?q=wang')),
      page.keyboard.type('wang'),
    ]);
    const contacts = page.locator('#global-results section', { has: page.locator('#gs-contacts') });
    await contacts.waitFor();
    expect(await page.locator('#gs-contacts').textContent()).toBe('Kontakte');
    expect(await contacts.innerText()).toContain('Wang Fang 王芳');
    await screenshot(page, 'global-search');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('王芳');
    await Promise.all([
      page.waitForURL(/\/contacts\/[0-9a-f-]{36}$/),
      page.keyboard.press('Enter'),
    ]);
    expect(await page.locator('h1').innerText()).toBe('Wang Fang 王芳');

    // Nothing found says so; the full page groups the same way.
    await page.fill('#global-search', 'xqzxqz');
    await page.locator('#gs-empty').waitFor();
    await page.goto(`${app.url}/search?q=solingen`);
    expect(await page.locator('#sr-companies').textContent()).toBe('Unternehmen');
    expect(await page.locator('#search-results').innerText()).toContain('Stadtwerke Solingen');
  });

  it('shows DOVO nothing of Zwilling in the search box', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test' });
    for (const term of ['wang', 'zwilling', 'showroom', 'liu']) {
      await page.fill('#global-search', '');
      // What the box shows is the fragment the server answered for the whole term.
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/search/suggest?q=${term}`)),
        page.locator('#global-search').pressSequentially(term),
      ]);
      const shown = await response.text();
      expect(shown).toContain('<'); // an answer, not an empty box
      expect({ term, shown: /Zwilling|王芳|刘洋|Showroom/.test(shown) }).toEqual({
        term,
        shown: false,
      });
    }
    await page.goto(`${app.url}/search?q=zwilling`);
    expect(await page.locator('main').innerText()).not.toContain('Zwilling');
    // Its own company is found.
    await page.goto(`${app.url}/search?q=dovo`);
    expect(await page.locator('#search-results').innerText()).toContain('DOVO');
  });

  it('shows a viewer no edit, delete or create controls', async () => {
    const page = await newPage({ signIn: 'viewer@liaison.test' });
    const contact = await id(`SELECT id FROM contacts WHERE native_name = '王芳'`);
    const partner = await id(`SELECT id FROM partners WHERE name = 'Technologiepark Peking'`);
    for (const path of ['/contacts', `/contacts/${contact}`, '/partners', `/partners/${partner}`]) {
      await page.goto(`${app.url}${path}`);
      expect({
        path,
        controls: await page
          .locator(
            'main form[method=post], #edit, #delete, #new-record, #show-deleted, #log-interaction, #add-follow-up',
          )
          .count(),
      }).toEqual({ path, controls: 0 });
    }
    expect((await page.goto(`${app.url}/contacts/new`))?.status()).toBe(403);
    expect((await page.goto(`${app.url}/partners/${partner}/edit`))?.status()).toBe(403);
  });

  it('fits a phone 390 px wide without horizontal scrolling, and has no serious accessibility problem', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    const contact = await id(`SELECT id FROM contacts WHERE native_name = '王芳'`);
    const partner = await id(`SELECT id FROM partners WHERE name = 'Technologiepark Peking'`);
    const problems: string[] = [];
    for (const path of [
      '/contacts',
      '/contacts?deleted=true',
      `/contacts/${contact}`,
      `/contacts/${contact}/edit`,
      '/contacts/new',
      '/partners',
      `/partners/${partner}`,
      `/partners/${partner}/edit`,
      '/search?q=li',
      '/log',
    ]) {
      expect({ path, status: (await page.goto(`${app.url}${path}`))?.status() }).toEqual({
        path,
        status: 200,
      });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect({ path, overflow: overflow > 0 }).toEqual({ path, overflow: false });
      for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
      await screenshot(
        page,
        `phone${path.replace(/[/?=]/g, '_').replace(/_[0-9a-f-]{36}/g, '_id')}`,
      );
    }
    // The search box's results stay inside the window too.
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/search/suggest')),
      page.fill('#global-search', 'li'),
    ]);
    await page.locator('#global-results a').first().waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    for (const v of await seriousViolations(page)) problems.push(`search box: ${v}`);
    await screenshot(page, 'phone-global-search');
    expect(problems).toEqual([]);
  });

  it('left the browser console empty', () => {
    expect(consoleLines).toEqual([]);
  });
});
