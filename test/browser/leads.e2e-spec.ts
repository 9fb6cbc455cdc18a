import type { Locator, Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { login, Session } from '../helpers/auth';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

let app: TestApp;
let staffApi: Session;
jest.setTimeout(240_000);
/** Everything any page printed to its console, or threw: the CSP and the scripts keep it empty. */
const { consoleLines, newPage } = useBrowser((a) => (app = a));

const idOf = (page: Page) => /\/([0-9a-f-]{36})(?:\?|#|$)/.exec(page.url())![1];
const euro = (n: number) =>
  new Intl.NumberFormat('de-DE', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(n);

async function submit(page: Page, selector: string, url: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url), page.click(selector)]);
}

const apiLead = async (id: string) =>
  (await app.http.get(`/api/v1/leads/${id}`).set(staffApi.auth)).body as {
    stage: string;
    version: number;
    title: string;
    valueEur: number | null;
    description: string | null;
    lostReason: string | null;
    contactId: string | null;
  };

const column = (page: Page, stage: string) => page.locator(`#stage-${stage}`);
const countOf = async (page: Page, stage: string) =>
  Number(await column(page, stage).getAttribute('data-count'));
const totalOf = async (page: Page, stage: string) =>
  Number(await column(page, stage).getAttribute('data-total'));
const card = (page: Page, id: string): Locator => page.locator(`#lead-${id}`);

/** Drags a card onto a column as a hand does: pressed near its top, moved in steps, let go. */
async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + 12);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + 24, { steps: 4 });
  const b = (await to.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + 80, { steps: 10 });
  await page.mouse.up();
}

async function expectNoOverflow(page: Page, path: string): Promise<void> {
  await page.goto(`${app.url}${path}`);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect({ path, overflow }).toEqual({ path, overflow: 0 });
}

describeInBrowser('leads, agreements and users in a browser', () => {
  let dovoId: string;
  let zwillingId: string;
  let dovoLead: string;

  beforeAll(async () => {
    staffApi = await login(app, 'staff@liaison.test', 'liaison-demo');
    const company = async (name: string) =>
      (await app.db.query<{ id: string }>(`SELECT id FROM companies WHERE name = $1`, [name]))
        .rows[0].id;
    dovoId = await company('DOVO Stahlwaren');
    zwillingId = await company('Zwilling');
    dovoLead = (
      await app.db.query<{ id: string }>(`SELECT id FROM leads WHERE company_id = $1`, [dovoId])
    ).rows[0].id;
  });

  it('staff creates a lead (contact picked by pinyin), edits it, loses a race, deletes, undoes and restores it', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads/new?companyId=${dovoId}`);
    expect(await page.locator('#f-companyId').inputValue()).toBe(dovoId);
    await page.fill('#f-title', 'Scheren für den Campus-Shop');
    await page.fill('#f-valueEur', '12500');
    await page.fill('#f-expectedCloseOn', '2026-09-30');
    await page.fill('#contact-search', 'li wei');
    const suggestion = page.locator('#suggestions [data-pick]').first();
    await suggestion.waitFor();
    await suggestion.click();
    expect(await page.locator('#f-contactId option:checked').innerText()).toContain('李伟');
    // Refused (not a number): the form comes back with the message and the picked contact.
    await page.fill('#f-valueEur', '1,2,3');
    await page.click('#record-form button[type=submit]');
    await page.locator('#errors').waitFor();
    expect(await page.locator('#errors').innerText()).toContain('Wert (EUR)');
    expect(await page.locator('#f-contactId option:checked').innerText()).toContain('李伟');
    expect(await page.locator('#f-title').inputValue()).toBe('Scheren für den Campus-Shop');
    await page.fill('#f-valueEur', '12500');
    await screenshot(page, 'lead-new');
    await submit(
      page,
      '#record-form button[type=submit]',
      /\/leads\/[0-9a-f-]{36}\?flash=created$/,
    );
    const id = idOf(page);
    expect(await page.locator('#flash').innerText()).toContain('Angelegt');
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain('DOVO Stahlwaren');
    expect(facts).toContain('Li Wei 李伟');
    expect(facts).toContain(euro(12500));
    expect(await page.locator('#lead-stage').innerText()).toBe('Neu');

    // Edit: the form holds every field; only what changed is sent.
    await page.click('#edit');
    await page.fill('#f-title', 'Scheren und Messer für den Campus-Shop');
    await page.selectOption('#f-stage', 'proposal');
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('h1').innerText()).toBe('Scheren und Messer für den Campus-Shop');
    expect(await page.locator('#lead-stage').innerText()).toBe('Angebot');

    // A lost race: the other person's value stays, this user's change is applied again.
    const other = await newPage({ signIn: 'admin@liaison.test' });
    await page.goto(`${app.url}/leads/${id}/edit`);
    await other.goto(`${app.url}/leads/${id}/edit`);
    await other.fill('#f-valueEur', '14000');
    await submit(other, '#record-form button[type=submit]', /flash=saved/);
    await page.fill('#f-description', 'Muster im Januar.');
    await page.click('#record-form button[type=submit]');
    await page.locator('#stale').waitFor();
    expect(await page.locator('#stale').innerText()).toContain('14000'); // whose value is whose
    await screenshot(page, 'lead-stale');
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    const after = await page.locator('dl.facts').innerText();
    expect(after).toContain('Muster im Januar.');
    expect(after).toContain(euro(14000));

    // Delete, undo; delete again and restore from the deleted view.
    await submit(page, '#delete', /\/leads\?flash=deleted/);
    expect(await card(page, id).count()).toBe(0);
    await submit(page, '#undo', /flash=restored/);
    expect(await page.locator('h1').innerText()).toContain('Campus-Shop');
    await submit(page, '#delete', /\/leads\?flash=deleted/);
    await submit(page, '#show-deleted', /\/leads\/list\?deleted=true/);
    await submit(page, `#row-${id} button.restore`, /flash=restored/);
    expect((await apiLead(id)).description).toBe('Muster im Januar.');
  });

  it('the board totals the open pipeline without won and lost, and moves a card by drag and drop', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads`);
    const openBefore = Number(await page.locator('#open-total').getAttribute('data-total'));
    const wonBefore = await totalOf(page, 'won');
    for (const [stage, valueEur] of [
      ['won', 70000],
      ['lost', 30000],
    ] as const) {
      const res = await app.http
        .post('/api/v1/leads')
        .set(staffApi.auth)
        .send({ companyId: zwillingId, title: `Abgeschlossen ${stage}`, stage, valueEur });
      expect(res.status).toBe(201);
    }
    await page.reload();
    expect(Number(await page.locator('#open-total').getAttribute('data-total'))).toBe(openBefore);
    expect(await totalOf(page, 'won')).toBe(wonBefore + 70000);
    const open = ['new', 'contacted', 'qualified', 'proposal'];
    let sum = 0;
    for (const stage of open) sum += await totalOf(page, stage);
    expect(openBefore).toBe(sum);
    expect(await page.locator('#open-total').innerText()).toBe(euro(sum));

    // Drag the DOVO lead from „Neu“ to „Qualifiziert“ with the mouse.
    const from = (await apiLead(dovoLead)).stage;
    expect(await card(page, dovoLead).locator('..').locator('..').getAttribute('data-stage')).toBe(
      from,
    );
    const [fromCount, toCount] = [await countOf(page, from), await countOf(page, 'qualified')];
    const value = (await apiLead(dovoLead)).valueEur ?? 0;
    const openShown = Number(await page.locator('#open-total').getAttribute('data-total'));
    await drag(page, card(page, dovoLead), column(page, 'qualified'));
    await page.locator('#board-status', { hasText: 'Verschoben nach: Qualifiziert' }).waitFor();
    expect(await countOf(page, from)).toBe(fromCount - 1);
    expect(await countOf(page, 'qualified')).toBe(toCount + 1);
    expect(await column(page, 'qualified').locator('.stage-count').innerText()).toBe(
      String(toCount + 1),
    );
    expect(await column(page, 'qualified').locator(`#lead-${dovoLead}`).count()).toBe(1);
    expect((await apiLead(dovoLead)).stage).toBe('qualified');
    await screenshot(page, 'leads-board-dragged');
    // The page says so after a reload too.
    await page.reload();
    expect(await column(page, 'qualified').locator(`#lead-${dovoLead}`).count()).toBe(1);
    expect(await countOf(page, 'qualified')).toBe(toCount + 1);

    // Dragged to „Verloren“: the reason is asked for, and the open pipeline shrinks.
    await drag(page, card(page, dovoLead), column(page, 'lost'));
    await page.locator('#lost-dialog').waitFor();
    await page.fill('#lost-dialog-reason', 'Händler hat abgesagt');
    await screenshot(page, 'leads-board-lost-reason');
    await page.click('#lost-dialog-ok');
    await page.locator('#board-status', { hasText: 'Verloren' }).waitFor();
    expect(await apiLead(dovoLead)).toMatchObject({
      stage: 'lost',
      lostReason: 'Händler hat abgesagt',
    });
    expect(Number(await page.locator('#open-total').getAttribute('data-total'))).toBe(
      openShown - value,
    );
    expect(await page.locator('#open-total').innerText()).toBe(euro(openShown - value));
  });

  it('moves a card by keyboard: its select and button, and the arrow keys', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads`);
    const lead = (await apiLead(dovoLead)).stage;
    const select = card(page, dovoLead).locator('select[name=stage]');
    await select.focus();
    await select.selectOption('contacted');
    await page.keyboard.press('Tab'); // to the card's button
    await page.keyboard.press('Enter');
    await page.locator('#board-status', { hasText: 'Kontaktiert' }).waitFor();
    expect(lead).not.toBe('contacted');
    expect((await apiLead(dovoLead)).stage).toBe('contacted');
    expect(await column(page, 'contacted').locator(`#lead-${dovoLead}`).count()).toBe(1);

    // Arrow right on the focused card: one stage on.
    await card(page, dovoLead).focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('#board-status', { hasText: 'Qualifiziert' }).waitFor();
    expect((await apiLead(dovoLead)).stage).toBe('qualified');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`lead-${dovoLead}`);
  });

  it('shows a move that lost a race, with the card as it now is', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads`);
    const before = await apiLead(dovoLead);
    // Someone else moves it meanwhile.
    const res = await app.http
      .patch(`/api/v1/leads/${dovoLead}`)
      .set(staffApi.auth)
      .set('If-Match', `"${before.version}"`)
      .send({ stage: 'proposal', title: 'Rasiermesser für den Fachhandel in Shanghai' });
    expect(res.status).toBe(200);
    await drag(page, card(page, dovoLead), column(page, 'new'));
    await page.locator('#board-status.bad').waitFor();
    expect(await page.locator('#board-status').innerText()).toContain('inzwischen');
    // The card now stands where the lead is, with its new title; nothing was overwritten.
    expect(await column(page, 'proposal').locator(`#lead-${dovoLead}`).innerText()).toContain(
      'Fachhandel in Shanghai',
    );
    expect((await apiLead(dovoLead)).stage).toBe('proposal');
    await screenshot(page, 'leads-board-stale');
  });

  it('moves a card without JavaScript through the same form', async () => {
    const page = await newPage({
      signIn: 'staff@liaison.test',
      context: { javaScriptEnabled: false },
    });
    await page.goto(`${app.url}/leads`);
    // A card's controls are named with its lead, which a board has a hundred of.
    const title = (await apiLead(dovoLead)).title;
    const named = (role: 'combobox' | 'textbox', name: string) =>
      card(page, dovoLead).getByRole(role, { name }).count();
    expect(await named('combobox', `Verschieben nach: ${title}`)).toBe(1);
    // The lost reason shows once „lost“ is chosen (CSS alone, without JavaScript).
    await card(page, dovoLead).locator('select[name=stage]').selectOption('lost');
    expect(await named('textbox', title)).toBe(1); // „Grund für Verlust: <title> (optional)“
    await card(page, dovoLead).locator('select[name=stage]').selectOption('contacted');
    await submit(page, `#lead-${dovoLead} .move-form button[type=submit]`, /\/leads\?flash=saved/);
    expect(await column(page, 'contacted').locator(`#lead-${dovoLead}`).count()).toBe(1);
    expect((await apiLead(dovoLead)).stage).toBe('contacted');
  });

  it('DOVO moves its own lead, sees only its own leads and no name of Zwilling', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test' });
    await page.goto(`${app.url}/leads`);
    const main = await page.locator('main').innerText();
    expect(main).not.toContain('Zwilling');
    expect(main).not.toContain('Showroom');
    const own = (
      await app.db.query<{ id: string; stage: string; value_eur: string | null }>(
        `SELECT id, stage, value_eur FROM leads WHERE company_id = $1 AND deleted_at IS NULL`,
        [dovoId],
      )
    ).rows;
    const shown = await page
      .locator('.lead-card')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-lead')));
    expect(shown.sort()).toEqual(own.map((r) => r.id).sort());
    expect(await page.locator('#filter-companyId').count()).toBe(0);
    expect(await page.locator('#filter-ownerId').count()).toBe(0);
    expect(await page.locator('#new-record').count()).toBe(0);
    // The totals are its own.
    const openOwn = own
      .filter((r) => r.stage !== 'won' && r.stage !== 'lost')
      .reduce((sum, r) => sum + Number(r.value_eur ?? 0), 0);
    expect(await page.locator('#open-total').innerText()).toBe(euro(openOwn));
    await drag(page, card(page, dovoLead), column(page, 'qualified'));
    await page.locator('#board-status', { hasText: 'Qualifiziert' }).waitFor();
    expect((await apiLead(dovoLead)).stage).toBe('qualified');
    await screenshot(page, 'leads-board-dovo');
    await page.goto(`${app.url}/leads/list`);
    expect(await page.locator('main').innerText()).not.toContain('Zwilling');
    await page.goto(`${app.url}/leads/${dovoLead}`);
    expect(await page.locator('#edit').count()).toBe(0);
    expect(await page.locator('#delete').count()).toBe(0);
    await page.selectOption('select[name=stage]', 'proposal');
    await submit(page, 'form[action$="/stage"] button', /flash=saved/);
    expect(await page.locator('#lead-stage').innerText()).toBe('Angebot');
    await page.fill('textarea[name=body]', 'Neue Preisliste ist verschickt.');
    await Promise.all([
      page.waitForURL(/#notes$/),
      page.locator('form[action$="/notes"] button').click(),
    ]);
    expect(await page.locator('#notes').innerText()).toContain('Neue Preisliste ist verschickt.');
    expect((await page.goto(`${app.url}/leads/${dovoLead}/edit`))?.status()).toBe(403);
    const zwillingLead = (
      await app.db.query<{ id: string }>(`SELECT id FROM leads WHERE company_id = $1 LIMIT 1`, [
        zwillingId,
      ])
    ).rows[0].id;
    expect((await page.goto(`${app.url}/leads/${zwillingLead}`))?.status()).toBe(404);
  });

  it('a viewer sees the board, the lead and the agreements read-only', async () => {
    const page = await newPage({ signIn: 'viewer@liaison.test' });
    for (const path of ['/leads', '/leads/list', `/leads/${dovoLead}`, '/agreements']) {
      await page.goto(`${app.url}${path}`);
      expect({
        path,
        forms: await page.locator('main form[method=post]').count(),
        draggable: await page.locator('[draggable=true]').count(),
        create: await page.locator('#new-record').count(),
        edit: await page.locator('#edit').count(),
      }).toEqual({ path, forms: 0, draggable: 0, create: 0, edit: 0 });
    }
    expect((await page.goto(`${app.url}/leads/new`))?.status()).toBe(403);
    expect((await page.goto(`${app.url}/agreements/new`))?.status()).toBe(403);
  });

  it('staff creates an agreement, edits it, loses a race, deletes, undoes and restores it', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/agreements`);
    const header = await page.locator('#list thead').innerText();
    expect(header).toContain('Unterzeichnet am');
    expect(header).not.toMatch(/Signed|\//);
    await submit(page, '#new-record', /\/agreements\/new$/);
    const partner = await page.locator('#f-partnerId option').nth(1).getAttribute('value');
    await page.selectOption('#f-partnerId', partner!);
    await page.fill('#f-title', 'Absichtserklärung Ausbildungspartnerschaft');
    await page.selectOption('#f-kind', 'mou');
    await page.selectOption('#f-status', 'signed');
    await page.fill('#f-signedOn', '2026-03-02');
    const signing = page.locator('#f-appointmentId option', { hasText: 'Unterzeichnung' }).first();
    await page.selectOption('#f-appointmentId', (await signing.getAttribute('value'))!);
    await page.fill('#f-signatories', 'Oberbürgermeister der Stadt Solingen\nLeitung des Campus');
    await page.fill('#f-summary', 'Austausch von Auszubildenden.');
    await screenshot(page, 'agreement-new');
    await submit(
      page,
      '#record-form button[type=submit]',
      /\/agreements\/[0-9a-f-]{36}\?flash=created$/,
    );
    const id = idOf(page);
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain('Absichtserklärung (MoU)');
    expect(facts).toContain('Unterzeichnet');
    expect(facts).toContain('02.03.2026');
    expect(facts).toContain('Leitung des Campus');
    expect(facts).toContain('Berlin'); // the signing appointment in its own zone, Berlin beside it
    expect(await page.locator('dl.facts a[href^="/trips/"]').count()).toBeGreaterThan(0);

    // The list filters by status and kind, named in German.
    await page.goto(`${app.url}/agreements?status=signed&kind=mou`);
    expect(await page.locator(`#row-${id}`).innerText()).toContain('Absichtserklärung (MoU)');
    await page.goto(`${app.url}/agreements?status=draft`);
    expect(await page.locator(`#row-${id}`).count()).toBe(0);

    // Edit, and a lost race.
    await page.goto(`${app.url}/agreements/${id}/edit`);
    const other = await newPage({ signIn: 'admin@liaison.test' });
    await other.goto(`${app.url}/agreements/${id}/edit`);
    await other.fill('#f-validUntil', '2029-12-31');
    await submit(other, '#record-form button[type=submit]', /flash=saved/);
    await page.fill('#f-title', 'Absichtserklärung Ausbildung');
    await page.click('#record-form button[type=submit]');
    await page.locator('#stale').waitFor();
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('h1').innerText()).toBe('Absichtserklärung Ausbildung');
    expect(await page.locator('dl.facts').innerText()).toContain('31.12.2029');

    await submit(page, '#delete', /\/agreements\?flash=deleted/);
    expect(await page.locator(`#row-${id}`).count()).toBe(0);
    await submit(page, '#undo', /flash=restored/);
    await submit(page, '#delete', /\/agreements\?flash=deleted/);
    await submit(page, '#show-deleted', /deleted=true/);
    await submit(page, `#row-${id} button.restore`, /flash=restored/);
    expect(await page.locator('h1').innerText()).toBe('Absichtserklärung Ausbildung');
  });

  it('admin creates a company user, changes the role, and wins back a lost race', async () => {
    const page = await newPage({ signIn: 'admin@liaison.test' });
    await page.goto(`${app.url}/users`);
    const list = await page.locator('#list').innerText();
    expect(list).toContain('Administration');
    expect(list).toContain('DOVO Stahlwaren');
    expect(list).not.toContain('deaktivieren');
    await submit(page, '#new-record', /\/users\/new$/);
    expect(await page.locator('#f-companyId').isVisible()).toBe(false);
    await page.fill('#f-email', 'einkauf@dovo.example');
    await page.fill('#f-displayName', 'Einkauf DOVO');
    await page.selectOption('#f-role', 'company');
    expect(await page.locator('#f-companyId').isVisible()).toBe(true);
    await page.selectOption('#f-companyId', dovoId);
    await page.fill('#f-password', 'ein-langes-passwort');
    await screenshot(page, 'user-new');
    await submit(
      page,
      '#record-form button[type=submit]',
      /\/users\/[0-9a-f-]{36}\?flash=created$/,
    );
    const id = idOf(page);
    expect(await page.locator('#user-role').innerText()).toBe('Unternehmen');
    expect(await page.locator('dl.facts').innerText()).toContain('DOVO Stahlwaren');

    // The same email again is refused beside the field.
    await page.goto(`${app.url}/users/new`);
    await page.fill('#f-email', 'einkauf@dovo.example');
    await page.fill('#f-displayName', 'Doppelt');
    await page.fill('#f-password', 'ein-langes-passwort');
    await page.click('#record-form button[type=submit]');
    expect(await page.locator('#errors').innerText()).toContain('schon vergeben');

    // Role changed to read-only: the company goes with it.
    await page.goto(`${app.url}/users/${id}/edit`);
    await page.selectOption('#f-role', 'viewer');
    expect(await page.locator('#f-companyId').isVisible()).toBe(false);
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('#user-role').innerText()).toBe('Nur lesen');
    const admin = await login(app, 'admin@liaison.test', 'liaison-demo');
    expect((await app.http.get(`/api/v1/users/${id}`).set(admin.auth)).body).toMatchObject({
      role: 'viewer',
      companyId: null,
    });

    // Two admins at once: the other change stays, this one is applied again.
    const other = await newPage({ signIn: 'admin@liaison.test' });
    await page.goto(`${app.url}/users/${id}/edit`);
    await other.goto(`${app.url}/users/${id}/edit`);
    await other.selectOption('#f-locale', 'en');
    await submit(other, '#record-form button[type=submit]', /flash=saved/);
    await page.fill('#f-displayName', 'Einkauf DOVO (Lesezugriff)');
    await page.click('#record-form button[type=submit]');
    await page.locator('#stale').waitFor();
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('h1').innerText()).toBe('Einkauf DOVO (Lesezugriff)');
    expect(await page.locator('dl.facts').innerText()).toContain('Englisch');
    // Deactivated: shown as such in the list.
    await page.goto(`${app.url}/users/${id}/edit`);
    await page.uncheck('#f-active');
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    await page.goto(`${app.url}/users?active=false`);
    expect(await page.locator(`#list`).innerText()).toContain('deaktiviert');
  });

  it('the profile speaks the user’s language, its language select included', async () => {
    const page = await newPage({ signIn: 'viewer@liaison.test' });
    await page.goto(`${app.url}/profile`);
    expect(await page.locator('main').innerText()).toContain('Nur lesen');
    expect(await page.locator('#f-locale').innerText()).toContain('Englisch');
    await page.selectOption('#f-locale', 'en');
    await submit(page, '#locale-form button[type=submit]', /\/profile$/);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Change password');
    expect(main).toContain('Read-only');
    expect(main).not.toContain('Passwort');
    expect(await page.locator('#f-locale').innerText()).toContain('German');
    await page.goto(`${app.url}/leads`);
    expect(await page.locator('main').innerText()).toContain('Open pipeline');
    await page.goto(`${app.url}/profile`);
    await page.selectOption('#f-locale', 'de');
    await submit(page, '#locale-form button[type=submit]', /\/profile$/);
  });

  it('pages each stage: 20 cards, then „more“ in place; the company filter and the list view stay in the URL', async () => {
    const company = await app.http
      .post('/api/v1/companies')
      .set(staffApi.auth)
      .send({ name: 'Klingenwerk Ohligs', country: 'DE' });
    expect(company.status).toBe(201);
    for (let i = 0; i < 22; i++) {
      const res = await app.http
        .post('/api/v1/leads')
        .set(staffApi.auth)
        .send({
          companyId: company.body.id,
          title: `Angebot ${i + 1}`,
          stage: 'proposal',
          valueEur: 10,
        });
      expect(res.status).toBe(201);
    }
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads`);
    await page.selectOption('#filter-companyId', company.body.id);
    await submit(page, 'form.filters button[type=submit]', /companyId=/);
    const proposal = column(page, 'proposal');
    expect(await countOf(page, 'proposal')).toBe(22);
    expect(await proposal.locator('.stage-total').innerText()).toBe(euro(220));
    expect(await proposal.locator('.lead-card').count()).toBe(20);
    expect(await page.locator('#open-total').innerText()).toBe(euro(220));
    expect(await column(page, 'qualified').locator('.lead-card').count()).toBe(0);
    await proposal.locator('a.more').click();
    await proposal.locator('.lead-card').nth(21).waitFor();
    expect(await proposal.locator('.lead-card').count()).toBe(22);
    expect(await proposal.locator('a.more').count()).toBe(0);
    // A card loaded by „more“ moves like any other.
    const last = proposal.locator('.lead-card').last();
    const lastId = (await last.getAttribute('data-lead'))!;
    await last.dragTo(column(page, 'won'));
    await page.locator('#board-status', { hasText: 'Gewonnen' }).waitFor();
    expect((await apiLead(lastId)).stage).toBe('won');
    expect(await page.locator('#open-total').innerText()).toBe(euro(210));
    // The list view keeps the filters.
    await submit(page, '#list-view', /\/leads\/list\?companyId=/);
    expect(await page.locator('#list-count').innerText()).toContain('22');
    await page.goto(`${app.url}/leads?view=list&stage=won&companyId=${company.body.id}`);
    expect(page.url()).toContain('/leads/list?');
    expect(await page.locator('#list tbody tr[id^=row-]').count()).toBe(1);
  });

  it('offers the latest trips by name and first day, and keeps an older one chosen: board, list, interactions', async () => {
    const trip = (title: string, startsOn: string, endsOn: string) =>
      app.http
        .post('/api/v1/trips')
        .set(staffApi.auth)
        .send({ title, destinations: [{ country: 'CN' }], startsOn, endsOn, status: 'completed' });
    const old = await trip('Reise ins Jahr 2001', '2001-03-01', '2001-03-05');
    expect(old.status).toBe(201);
    // Fifty later trips: the old one is not among the latest a filter offers.
    for (let i = 0; i < 50; i++)
      expect((await trip(`Spätere Reise ${i + 1}`, '2030-05-01', '2030-05-03')).status).toBe(201);
    const lead = await app.http
      .post('/api/v1/leads')
      .set(staffApi.auth)
      .send({ companyId: zwillingId, title: 'Altes Geschäft', tripId: old.body.id });
    expect(lead.status).toBe(201);
    const met = await app.http.post('/api/v1/interactions').set(staffApi.auth).send({
      occurredAt: '2001-03-02T03:00:00Z',
      kind: 'meeting',
      subject: 'Treffen 2001',
      tripId: old.body.id,
    });
    expect(met.status).toBe(201);

    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads`);
    const offered = await page.locator('#filter-tripId option').allInnerTexts();
    expect(offered).toContain('Spätere Reise 1 (01.05.2030)');
    expect(offered).not.toContain('Reise ins Jahr 2001 (01.03.2001)');
    // However its id is written in the link.
    await page.goto(`${app.url}/leads?tripId=${old.body.id.toUpperCase()}`);
    expect(await page.locator('#filter-tripId option:checked').innerText()).toBe(
      'Reise ins Jahr 2001 (01.03.2001)',
    );
    expect(await page.locator('.lead-card').count()).toBe(1);
    expect(await card(page, lead.body.id).count()).toBe(1);
    await submit(page, '#list-view', /\/leads\/list\?tripId=/);
    expect(await page.locator('#filter-tripId option:checked').innerText()).toBe(
      'Reise ins Jahr 2001 (01.03.2001)',
    );
    // The interactions list names each row's trip, however old.
    await page.goto(`${app.url}/interactions?tripId=${old.body.id}`);
    expect(await page.locator('#filter-tripId option:checked').innerText()).toBe(
      'Reise ins Jahr 2001 (01.03.2001)',
    );
    expect(await page.locator(`#row-${met.body.id}`).innerText()).toContain('Reise ins Jahr 2001');
    // In English, the day as English writes it.
    await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'admin@liaison.test'`);
    try {
      const english = await newPage({ signIn: 'admin@liaison.test', locale: 'en-GB' });
      await english.goto(`${app.url}/leads?tripId=${old.body.id}`);
      expect(await english.locator('#filter-tripId option:checked').innerText()).toBe(
        'Reise ins Jahr 2001 (1 Mar 2001)',
      );
    } finally {
      await app.db.query(`UPDATE users SET locale = 'de' WHERE email = 'admin@liaison.test'`);
    }
  });

  it('offers and names a company or partner beyond the first 200 in the forms, and an edit keeps it', async () => {
    // Two hundred companies whose names sort first: the one chosen is not among those offered.
    await app.db.query(
      `INSERT INTO companies (name, city, country)
       SELECT 'Aaa Firma ' || lpad(g::text, 3, '0'), 'Solingen', 'DE' FROM generate_series(1, 200) g`,
    );
    try {
      const late = await app.http
        .post('/api/v1/companies')
        .set(staffApi.auth)
        .send({ name: 'Zzz Klingenhaus', country: 'DE' });
      expect(late.status).toBe(201);
      const page = await newPage({ signIn: 'staff@liaison.test' });
      await page.goto(`${app.url}/leads/new?companyId=${late.body.id}`);
      expect(await page.locator('#f-companyId option:checked').innerText()).toBe('Zzz Klingenhaus');
      await page.fill('#f-title', 'Messer für das Klingenhaus');
      await submit(
        page,
        '#record-form button[type=submit]',
        /\/leads\/[0-9a-f-]{36}\?flash=created/,
      );
      const leadId = idOf(page);
      expect(await page.locator('dl.facts').innerText()).toContain('Zzz Klingenhaus');
      await page.click('#edit');
      expect(await page.locator('#f-companyId option:checked').innerText()).toBe('Zzz Klingenhaus');
      await page.fill('#f-title', 'Messer und Scheren für das Klingenhaus');
      await submit(page, '#record-form button[type=submit]', /flash=saved/);
      expect(await apiLead(leadId)).toMatchObject({
        title: 'Messer und Scheren für das Klingenhaus',
      });
      expect(
        (await app.db.query('SELECT company_id FROM leads WHERE id = $1', [leadId])).rows[0]
          .company_id,
      ).toBe(late.body.id);

      // An interaction with it: its edit offers it checked, and the save keeps it.
      const met = await app.http
        .post('/api/v1/interactions')
        .set(staffApi.auth)
        .send({
          occurredAt: '2026-03-02T09:00:00Z',
          kind: 'meeting',
          subject: 'Besuch im Klingenhaus',
          companyIds: [late.body.id, zwillingId],
        });
      expect(met.status).toBe(201);
      await page.goto(`${app.url}/interactions/${met.body.id}`);
      await page.click('#edit');
      const box = page.locator(`input[name="companyIds"][value="${late.body.id}"]`);
      expect(await box.isChecked()).toBe(true);
      await page.fill('#f-subject', 'Besuch im Klingenhaus, zweiter Tag');
      await submit(page, '#record-form button[type=submit]', /flash=saved/);
      const after = await app.http.get(`/api/v1/interactions/${met.body.id}`).set(staffApi.auth);
      expect(after.body.subject).toBe('Besuch im Klingenhaus, zweiter Tag');
      expect([...after.body.companyIds].sort()).toEqual([late.body.id, zwillingId].sort());

      // A partner deleted since: the lead's edit keeps it, unnamed, instead of clearing it.
      const partner = await app.http
        .post('/api/v1/partners')
        .set(staffApi.auth)
        .send({ name: 'Gelöschter Partner', kind: 'association', country: 'CN' });
      expect(partner.status).toBe(201);
      const version = (await apiLead(leadId)).version;
      expect(
        (
          await app.http
            .patch(`/api/v1/leads/${leadId}`)
            .set(staffApi.auth)
            .set('If-Match', `"${version}"`)
            .send({ partnerId: partner.body.id })
        ).status,
      ).toBe(200);
      expect(
        (
          await app.http
            .delete(`/api/v1/partners/${partner.body.id}`)
            .set(staffApi.auth)
            .set('If-Match', `"${partner.body.version}"`)
        ).status,
      ).toBe(204);
      await page.goto(`${app.url}/leads/${leadId}`);
      await page.click('#edit');
      expect(await page.locator('#f-partnerId option:checked').innerText()).toBe('…');
      await page.fill('#f-title', 'Messer, Scheren und Feilen für das Klingenhaus');
      await submit(page, '#record-form button[type=submit]', /flash=saved/);
      expect(
        (await app.db.query('SELECT partner_id FROM leads WHERE id = $1', [leadId])).rows[0]
          .partner_id,
      ).toBe(partner.body.id);

      // A contact of it: its edit names its organisation.
      const person = await app.http
        .post('/api/v1/contacts')
        .set(staffApi.auth)
        .send({ familyName: 'Klinge', givenName: 'Karl', companyId: late.body.id });
      expect(person.status).toBe(201);
      await page.goto(`${app.url}/contacts/${person.body.id}`);
      await page.click('#edit');
      expect(await page.locator('#f-organisation option:checked').innerText()).toBe(
        'Zzz Klingenhaus',
      );

      // A trip's delegate of it: the edit keeps it.
      const trip = await app.http
        .post('/api/v1/trips')
        .set(staffApi.auth)
        .send({
          title: 'Reise mit dem Klingenhaus',
          destinations: [{ country: 'CN' }],
          startsOn: '2026-05-01',
          endsOn: '2026-05-03',
          status: 'planned',
        });
      expect(trip.status).toBe(201);
      const delegate = await app.http
        .post(`/api/v1/trips/${trip.body.id}/participants`)
        .set(staffApi.auth)
        .send({ name: 'Karl Klinge', companyId: late.body.id, costBearer: 'self' });
      expect(delegate.status).toBe(201);
      await page.goto(`${app.url}/trips/${trip.body.id}/participants/${delegate.body.id}/edit`);
      expect(await page.locator('#f-companyId option:checked').innerText()).toBe('Zzz Klingenhaus');
      await page.fill('#f-function', 'Geschäftsführer');
      await submit(page, '#record-form button[type=submit]', new RegExp(`/trips/${trip.body.id}`));
      const kept = await app.db.query(
        'SELECT company_id, function FROM participants WHERE id = $1',
        [delegate.body.id],
      );
      expect(kept.rows[0]).toEqual({ company_id: late.body.id, function: 'Geschäftsführer' });

      // A partner beyond the first 200, with its name in its own script: a new agreement opened
      // from it offers it chosen, a form sent back keeps it, and a contact's edit names it.
      await app.db.query(
        `INSERT INTO partners (name, country)
         SELECT 'Aaa Partner ' || lpad(g::text, 3, '0'), 'CN' FROM generate_series(1, 200) g`,
      );
      const port = await app.http
        .post('/api/v1/partners')
        .set(staffApi.auth)
        .send({ name: 'Zzz Hafengruppe', nativeName: '港口集团', kind: 'company', country: 'CN' });
      expect(port.status).toBe(201);
      const named = 'Zzz Hafengruppe (港口集团)';
      await page.goto(`${app.url}/agreements/new?partnerId=${port.body.id}`);
      expect(await page.locator('#f-partnerId option:checked').innerText()).toBe(named);
      // Valid until before it was signed: the API sends the form back with a message.
      await page.fill('#f-title', 'Hafenpartnerschaft');
      await page.fill('#f-signedOn', '2026-03-02');
      await page.fill('#f-validUntil', '2026-03-01');
      await page.click('#record-form button[type=submit]');
      await page.waitForSelector('#f-validUntil[aria-invalid=true]');
      expect(await page.locator('#f-partnerId option:checked').innerText()).toBe(named);
      await page.fill('#f-validUntil', '2029-12-31');
      await submit(
        page,
        '#record-form button[type=submit]',
        /\/agreements\/[0-9a-f-]{36}\?flash=created/,
      );
      const agreementId = idOf(page);
      const signed = await app.db.query('SELECT partner_id FROM agreements WHERE id = $1', [
        agreementId,
      ]);
      expect(signed.rows[0].partner_id).toBe(port.body.id);
      // Two hundred newer agreements: a follow-up's form still names this one.
      await app.db.query(
        `INSERT INTO agreements (partner_id, title, created_at)
         SELECT $1, 'Aaa Vereinbarung ' || g, now() + g * interval '1 second'
         FROM generate_series(1, 200) g`,
        [port.body.id],
      );
      await page.goto(
        `${app.url}/follow-ups/new?agreementId=${agreementId}&partnerId=${port.body.id}`,
      );
      expect(await page.locator('#f-agreementId option:checked').innerText()).toBe(
        'Hafenpartnerschaft',
      );
      expect(await page.locator('#f-partnerId option:checked').innerText()).toBe(named);
      const docker = await app.http
        .post('/api/v1/contacts')
        .set(staffApi.auth)
        .send({ familyName: 'Li', givenName: 'Gang', partnerId: port.body.id });
      expect(docker.status).toBe(201);
      await page.goto(`${app.url}/contacts/${docker.body.id}/edit`);
      expect(await page.locator('#f-organisation option:checked').innerText()).toBe(named);
    } finally {
      await app.db.query(`DELETE FROM companies WHERE name LIKE 'Aaa Firma %'`);
      await app.db.query(`DELETE FROM agreements WHERE title LIKE 'Aaa Vereinbarung %'`);
      await app.db.query(`DELETE FROM partners WHERE name LIKE 'Aaa Partner %'`);
    }
  });

  it('finds a company, partner, lead or agreement beyond those offered with the search box under its field (German and English, desktop and phone)', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    // While a select offers every company and partner there is nothing to find.
    await page.goto(`${app.url}/contacts/new`);
    expect(await page.locator('#f-organisation').count()).toBe(1);
    expect(await page.locator('#f-organisation-find').count()).toBe(0);
    await app.db.query(
      `INSERT INTO companies (name, city, country)
       SELECT 'Aaa Firma ' || lpad(g::text, 3, '0'), 'Solingen', 'DE' FROM generate_series(1, 201) g`,
    );
    await app.db.query(
      `INSERT INTO partners (name, country)
       SELECT 'Aaa Partner ' || lpad(g::text, 3, '0'), 'CN' FROM generate_series(1, 201) g`,
    );
    try {
      const works = await app.http
        .post('/api/v1/companies')
        .set(staffApi.auth)
        .send({ name: 'Zzz Schleifwerk', city: 'Solingen', country: 'DE' });
      expect(works.status).toBe(201);
      const port = await app.http
        .post('/api/v1/partners')
        .set(staffApi.auth)
        .send({ name: 'Zzz Seehafen', nativeName: '海港集团', kind: 'company', country: 'CN' });
      expect(port.status).toBe(201);
      const pick = async (on: Page, field: string, term: string, expected: string) => {
        await on.fill(`#f-${field}-find`, term);
        const found = on.locator(`#f-${field}-found [data-pick]`, { hasText: expected });
        await found.waitFor();
        await found.click();
      };

      // A contact's organisation (German, desktop): not offered, found, chosen, saved.
      await page.goto(`${app.url}/contacts/new`);
      expect(
        await page.locator('#f-organisation option', { hasText: 'Zzz Schleifwerk' }).count(),
      ).toBe(0);
      expect(await page.locator('label[for="f-organisation-find"]').innerText()).toBe(
        'Weitere Unternehmen und Partner suchen',
      );
      await page.fill('#f-familyName', 'Schleifer');
      await pick(page, 'organisation', 'schleifw', 'Zzz Schleifwerk');
      expect(await page.locator('#f-organisation').inputValue()).toBe(`company:${works.body.id}`);
      await submit(
        page,
        '#record-form button[type=submit]',
        /\/contacts\/[0-9a-f-]{36}\?flash=created/,
      );
      const contactId = idOf(page);
      const saved = await app.db.query(
        'SELECT company_id, partner_id FROM contacts WHERE id = $1',
        [contactId],
      );
      expect(saved.rows[0]).toEqual({ company_id: works.body.id, partner_id: null });
      // A partner by its name in its own script, shown with both names, in the same select.
      await page.click('#edit');
      await pick(page, 'organisation', '海港', 'Zzz Seehafen (海港集团)');
      expect(await page.locator('#f-organisation option:checked').innerText()).toBe(
        'Zzz Seehafen (海港集团)',
      );
      await submit(page, '#record-form button[type=submit]', /flash=saved/);
      const moved = await app.db.query(
        'SELECT company_id, partner_id FROM contacts WHERE id = $1',
        [contactId],
      );
      expect(moved.rows[0]).toEqual({ company_id: null, partner_id: port.body.id });

      // A lead's partner on a phone, in English (the admin's language for this test).
      await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'admin@liaison.test'`);
      const phone = await newPage({ signIn: 'admin@liaison.test', width: 390, locale: 'en-GB' });
      await expectNoOverflow(phone, `/leads/new?companyId=${zwillingId}`);
      expect(await phone.locator('label[for="f-partnerId-find"]').innerText()).toContain(
        'Find another partner',
      );
      await phone.fill('#f-title', 'Knives for the harbour canteen');
      await pick(phone, 'partnerId', 'seehafen', 'Zzz Seehafen (海港集团)');
      await submit(
        phone,
        '#record-form button[type=submit]',
        /\/leads\/[0-9a-f-]{36}\?flash=created/,
      );
      const lead = await app.db.query('SELECT partner_id FROM leads WHERE id = $1', [idOf(phone)]);
      expect(lead.rows[0].partner_id).toBe(port.body.id);
      // A term nothing matches says so.
      await phone.goto(`${app.url}/leads/new?companyId=${zwillingId}`);
      await phone.fill('#f-partnerId-find', 'Qqqxyz');
      await phone.locator('#f-partnerId-found li.muted').waitFor();
      expect(await seriousViolations(phone)).toEqual([]);

      // An interaction's companies (boxes): the one found is added ticked beside those linked.
      const met = await app.http
        .post('/api/v1/interactions')
        .set(staffApi.auth)
        .send({
          occurredAt: '2026-03-04T09:00:00Z',
          kind: 'meeting',
          subject: 'Rundgang im Schleifwerk',
          companyIds: [zwillingId],
        });
      expect(met.status).toBe(201);
      await page.goto(`${app.url}/interactions/${met.body.id}/edit`);
      await pick(page, 'companyIds', 'schleifw', 'Zzz Schleifwerk');
      expect(
        await page.locator(`input[name="companyIds"][value="${works.body.id}"]`).isChecked(),
      ).toBe(true);
      // Found again: the box is there already, and stays the only one.
      await pick(page, 'companyIds', 'Schleifwerk', 'Zzz Schleifwerk');
      expect(await page.locator(`input[name="companyIds"][value="${works.body.id}"]`).count()).toBe(
        1,
      );
      await submit(page, '#record-form button[type=submit]', /flash=saved/);
      const after = await app.http.get(`/api/v1/interactions/${met.body.id}`).set(staffApi.auth);
      expect([...after.body.companyIds].sort()).toEqual([works.body.id, zwillingId].sort());

      // A follow-up's lead and agreement: the latest 50 offered, an older one found by its title.
      const older = await app.http
        .post('/api/v1/leads')
        .set(staffApi.auth)
        .send({ companyId: works.body.id, title: 'Schleifmaschinen für das Schleifwerk' });
      expect(older.status).toBe(201);
      const pact = await app.http
        .post('/api/v1/agreements')
        .set(staffApi.auth)
        .send({ partnerId: port.body.id, title: 'Seehafen-Abkommen' });
      expect(pact.status).toBe(201);
      await app.db.query(
        `INSERT INTO leads (company_id, title, created_at, updated_at)
         SELECT $1, 'Aaa Lead ' || g, now() + g * interval '1 second', now() + g * interval '1 second'
         FROM generate_series(1, 50) g`,
        [zwillingId],
      );
      await app.db.query(
        `INSERT INTO agreements (partner_id, title, created_at)
         SELECT $1, 'Aaa Abkommen ' || g, now() + g * interval '1 second'
         FROM generate_series(1, 50) g`,
        [port.body.id],
      );
      await page.goto(`${app.url}/follow-ups/new`);
      expect(await page.locator('#f-leadId option', { hasText: 'Schleifmaschinen' }).count()).toBe(
        0,
      );
      await page.fill('#f-title', 'Angebot für Schleifmaschinen nachfassen');
      await pick(page, 'leadId', 'Schleifmaschinen', 'Schleifmaschinen für das Schleifwerk');
      await pick(page, 'agreementId', 'Seehafen', 'Seehafen-Abkommen');
      // Suggestions shown under a field, as they are while someone picks.
      await page.fill('#f-companyId-find', 'schleif');
      await page.locator('#f-companyId-found [data-pick]').first().waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      await submit(
        page,
        '#record-form button[type=submit]',
        /\/follow-ups\/[0-9a-f-]{36}\?flash=created/,
      );
      const followUp = await app.db.query(
        'SELECT lead_id, agreement_id FROM follow_ups WHERE id = $1',
        [idOf(page)],
      );
      expect(followUp.rows[0]).toEqual({ lead_id: older.body.id, agreement_id: pact.body.id });
    } finally {
      await app.db.query(
        `DELETE FROM follow_ups WHERE title = 'Angebot für Schleifmaschinen nachfassen'`,
      );
      await app.db.query(`DELETE FROM leads WHERE title LIKE 'Aaa Lead %'`);
      await app.db.query(`DELETE FROM agreements WHERE title LIKE 'Aaa Abkommen %'`);
      await app.db.query(`UPDATE users SET locale = 'de' WHERE email = 'admin@liaison.test'`);
      await app.db.query(`DELETE FROM companies WHERE name LIKE 'Aaa Firma %'`);
      await app.db.query(`DELETE FROM partners WHERE name LIKE 'Aaa Partner %'`);
    }
  });

  it('finds a trip older than those offered with the search box under its field, and its appointments follow (German and English, desktop and phone)', async () => {
    const trip = await app.http.post('/api/v1/trips').set(staffApi.auth).send({
      title: 'Zzz Messereise Qingdao',
      startsOn: '2018-05-14',
      endsOn: '2018-05-16',
      status: 'completed',
    });
    expect(trip.status).toBe(201);
    const reception = await app.http
      .post(`/api/v1/trips/${trip.body.id}/appointments`)
      .set(staffApi.auth)
      .send({
        title: 'Empfang im Hafenamt',
        kind: 'networking',
        startsAt: '2018-05-15T18:00:00+08:00',
        endsAt: '2018-05-15T20:00:00+08:00',
        timeZone: 'Asia/Shanghai',
      });
    expect(reception.status).toBe(201);
    const page = await newPage({ signIn: 'staff@liaison.test' });
    // While a field offers every trip there is nothing to find (the lead form offers 100).
    await page.goto(`${app.url}/leads/new?companyId=${zwillingId}`);
    expect(await page.locator('#f-tripId option', { hasText: 'Zzz Messereise' }).count()).toBe(1);
    expect(await page.locator('#f-tripId-find').count()).toBe(0);
    // A hundred and one later trips: the lead form offers the latest 100, the others 50 or 20.
    await app.db.query(
      `INSERT INTO trips (title, starts_on, ends_on)
       SELECT 'Aaa Reise ' || lpad(g::text, 3, '0'), DATE '2030-01-01' + g, DATE '2030-01-01' + g
       FROM generate_series(1, 101) g`,
    );
    const subject = 'Abendessen mit dem Hafenamt';
    const title = 'Knives for the port authority';
    try {
      const pick = async (on: Page, term: string, expected: string) => {
        await on.fill('#f-tripId-find', term);
        const found = on.locator('#f-tripId-found [data-pick]', { hasText: expected });
        await found.waitFor();
        await found.click();
      };
      // An interaction (German, desktop): the trip found, chosen, and its appointments offered.
      await page.goto(`${app.url}/interactions/new`);
      expect(await page.locator('#f-tripId option', { hasText: 'Zzz Messereise' }).count()).toBe(0);
      expect(await page.locator('label[for="f-tripId-find"]').innerText()).toBe(
        'Weitere Reisen suchen (Wörter des Titels)',
      );
      await page.fill('#f-occurredAt', '2018-05-15T14:00');
      await page.fill('#f-subject', subject);
      await page.locator('#f-companyIds label', { hasText: 'Zwilling' }).click();
      await pick(page, 'qingdao', 'Zzz Messereise Qingdao (14.05.2018)');
      expect(await page.locator('#f-tripId').inputValue()).toBe(trip.body.id);
      const appointment = page.locator('#f-appointmentId option', {
        hasText: 'Empfang im Hafenamt',
      });
      await appointment.waitFor({ state: 'attached' });
      await page.selectOption('#f-appointmentId', reception.body.id);
      await submit(
        page,
        '#record-form button[type=submit]',
        /\/interactions\/[0-9a-f-]{36}\?flash=created/,
      );
      const logged = await app.db.query(
        'SELECT trip_id, appointment_id FROM interactions WHERE id = $1',
        [idOf(page)],
      );
      expect(logged.rows[0]).toEqual({ trip_id: trip.body.id, appointment_id: reception.body.id });

      // A lead on a phone, in English (the admin's language for this test).
      await app.db.query(`UPDATE users SET locale = 'en' WHERE email = 'admin@liaison.test'`);
      const phone = await newPage({ signIn: 'admin@liaison.test', width: 390, locale: 'en-GB' });
      await expectNoOverflow(phone, `/leads/new?companyId=${zwillingId}`);
      expect(await phone.locator('label[for="f-tripId-find"]').innerText()).toBe(
        'Find another trip (words of its title)',
      );
      await phone.fill('#f-title', title);
      await phone.fill('#f-tripId-find', 'Messereise');
      await phone.locator('#f-tripId-found [data-pick]').first().waitFor();
      expect(await seriousViolations(phone)).toEqual([]);
      await pick(phone, 'Messereise', 'Zzz Messereise Qingdao (14 May 2018)');
      await submit(
        phone,
        '#record-form button[type=submit]',
        /\/leads\/[0-9a-f-]{36}\?flash=created/,
      );
      const lead = await app.db.query('SELECT trip_id FROM leads WHERE id = $1', [idOf(phone)]);
      expect(lead.rows[0].trip_id).toBe(trip.body.id);
      // The trip the lead keeps is offered and named when it is edited, found or not.
      await phone.click('#edit');
      expect(await phone.locator('#f-tripId option:checked').innerText()).toBe(
        'Zzz Messereise Qingdao (14 May 2018)',
      );
    } finally {
      await app.db.query(`UPDATE users SET locale = 'de' WHERE email = 'admin@liaison.test'`);
      await app.db.query('UPDATE leads SET trip_id = NULL WHERE trip_id = $1', [trip.body.id]);
      await app.db.query(
        'UPDATE interactions SET trip_id = NULL, appointment_id = NULL WHERE trip_id = $1',
        [trip.body.id],
      );
      await app.db.query('DELETE FROM appointments WHERE trip_id = $1', [trip.body.id]);
      await app.db.query(`DELETE FROM trips WHERE title LIKE 'Aaa Reise %' OR id = $1`, [
        trip.body.id,
      ]);
    }
  });

  it('filters the board by owner from the directory, and names the owner on the cards and the lead', async () => {
    const admin = await login(app, 'admin@liaison.test', 'liaison-demo');
    const res = await app.http
      .post('/api/v1/leads')
      .set(admin.auth)
      .send({ companyId: zwillingId, title: 'Messerblöcke für Hotels', valueEur: 900 });
    expect(res.status).toBe(201); // owned by the admin who created it
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/leads`);
    expect(await card(page, res.body.id).innerText()).toContain('Demo Admin');
    await page.selectOption('#filter-ownerId', { label: 'Demo Admin' });
    await submit(page, 'form.filters button[type=submit]', /ownerId=/);
    const shown = await page
      .locator('.lead-card')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-lead')));
    const owned = (
      await app.db.query<{ id: string }>(
        `SELECT l.id FROM leads l JOIN users u ON u.id = l.owner_id
         WHERE u.email = 'admin@liaison.test' AND l.deleted_at IS NULL`,
      )
    ).rows.map((r) => r.id);
    expect(shown.sort()).toEqual(owned.sort());
    await page.goto(`${app.url}/leads?ownerId=me`);
    expect(await card(page, res.body.id).count()).toBe(0);
    await page.goto(`${app.url}/leads/${res.body.id}`);
    expect(await page.locator('dl.facts').innerText()).toContain('Demo Admin');
    await page.click('#edit');
    await page.selectOption('#f-ownerId', { label: 'Anna Beispiel (Wirtschaftsförderung)' });
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('dl.facts').innerText()).toContain('Anna Beispiel');
  });

  it('fits a phone (390 px), has no serious accessibility violation, and printed nothing', async () => {
    const { rows } = await app.db.query<{ id: string }>(`SELECT id FROM agreements LIMIT 1`);
    const paths = [
      '/leads',
      '/leads/list',
      `/leads/${dovoLead}`,
      `/leads/${dovoLead}/edit`,
      '/leads/new',
      '/agreements',
      `/agreements/${rows[0].id}`,
      `/agreements/${rows[0].id}/edit`,
      '/profile',
    ];
    const phone = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    const problems: string[] = [];
    for (const path of paths) {
      await expectNoOverflow(phone, path);
      for (const v of await seriousViolations(phone)) problems.push(`${path}: ${v}`);
    }
    await phone.goto(`${app.url}/leads`);
    await screenshot(phone, 'leads-board-390');
    const admin = await newPage({ signIn: 'admin@liaison.test', width: 390 });
    for (const path of ['/users', '/users/new']) {
      await expectNoOverflow(admin, path);
      for (const v of await seriousViolations(admin)) problems.push(`${path}: ${v}`);
    }
    await screenshot(admin, 'users-new-390');
    const dovo = await newPage({ signIn: 'dovo@liaison.test', width: 390 });
    await expectNoOverflow(dovo, '/leads');
    await expectNoOverflow(dovo, `/leads/${dovoLead}`);
    expect(problems).toEqual([]);
    // Pages answered 400 (a refused form), 403 (a viewer's „new“), 404 (another company's lead)
    // or 409 (a lost race) on purpose; the browser notes such statuses itself. Anything else (a
    // CSP refusal, a script error, a hint) is a fault.
    const deliberate = /Failed to load resource: the server responded with a status of 40[0349]/;
    expect(consoleLines.filter((line) => !deliberate.test(line))).toEqual([]);
  });
});
