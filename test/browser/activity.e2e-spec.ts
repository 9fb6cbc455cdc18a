import type { Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';
import { describeInBrowser, screenshot, seriousViolations, useBrowser } from './browser';

/**
 * The contact log, follow-ups and the dashboard in a browser: each record kind through create,
 * edit, a lost race, delete, undo and restore; filters kept in the URL; a follow-up marked done
 * from the list and by a company user; what a viewer and a company user may not see.
 */
let app: TestApp;
/** Everything any page wrote to its console (or threw): it must stay empty. */
const { consoleLines, newPage } = useBrowser((a) => (app = a));

/**
 * A lost race answers 409 with the form (the status says what happened); Chromium notes any
 * error status of a page in its console. That one line is expected, and taken out; any other
 * stays and fails the test.
 */
function expectConflictStatus(page: Page): void {
  const line = `${page.url()} error: Failed to load resource: the server responded with a status of 409 (Conflict)`;
  const at = consoleLines.indexOf(line);
  expect(at).toBeGreaterThanOrEqual(0);
  consoleLines.splice(at, 1);
}

const idOf = (page: Page) => new URL(page.url()).pathname.split('/')[2];
const RECORD = (kind: string) => new RegExp(`/${kind}/[0-9a-f-]{36}(\\?.*)?$`);

async function submit(page: Page, selector: string, url: RegExp | string): Promise<void> {
  await Promise.all([page.waitForURL(url), page.click(selector)]);
}

const dayOffset = (days: number) => new Date(Date.now() + days * 864e5).toISOString().slice(0, 10);

describeInBrowser('contact log, follow-ups and dashboard in a browser', () => {
  afterEach(() => {
    expect(consoleLines.splice(0)).toEqual([]);
  });

  let interactionId: string;

  it('staff logs an interaction on a trip appointment, with a contact picked by pinyin, and sees it in both clocks', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/interactions`);
    await submit(page, '#new-record', /\/interactions\/new$/);
    expect(await page.locator('label[for=f-occurredAt]').innerText()).toContain('Berliner Zeit');
    await page.fill('#f-occurredAt', '2019-10-21T03:30');
    await page.selectOption('#f-kind', 'call');
    await page.fill('#f-subject', 'Rückfrage zum Marktbriefing');
    await page.fill('#f-location', 'Peking, Auslandshandelskammer');
    await page.fill('#f-summary', 'Zahlen zum Schneidwarenmarkt.\nFolien kommen per E-Mail.');
    // Choosing the trip refills the appointments with that trip's.
    expect(await page.locator('#f-appointmentId option').count()).toBe(1);
    await page.selectOption('#f-tripId', {
      label: 'Wirtschaftsreise China 2019: Peking und Shanghai (20.10.2019)',
    });
    await page.waitForFunction(
      () => document.querySelectorAll('#f-appointmentId option').length > 1,
    );
    const briefing = await page
      .locator('#f-appointmentId option', { hasText: 'Briefing' })
      .getAttribute('value');
    await page.selectOption('#f-appointmentId', briefing!);
    await page.locator('#f-companyIds label', { hasText: 'Zwilling' }).click();
    await page.fill('#contact-search', 'wangfang');
    const suggestion = page.locator('#suggestions [data-pick]').first();
    await suggestion.waitFor();
    await suggestion.click();
    expect(await page.locator('#picked-contacts input[name=contactIds]:checked').count()).toBe(1);
    await screenshot(page, 'activity-interaction-new');
    await submit(page, '#record-form button[type=submit]', RECORD('interactions'));
    interactionId = idOf(page);
    expect(await page.locator('#flash').innerText()).toContain('Angelegt');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Rückfrage zum Marktbriefing');
    expect(main).toContain('Telefonat'); // the kind, translated
    // Its own clock in the appointment's zone, Berlin beside it.
    expect(main).toContain('21.10.2019, 09:30 (Asia/Shanghai) · Berlin 03:30');
    expect(main).toContain('Briefing zum chinesischen Markt');
    expect(await page.locator('dl.facts a[href^="/contacts/"]').innerText()).toBe('Wang Fang 王芳');
    expect(await page.locator('dl.facts a[href^="/companies/"]').innerText()).toBe('Zwilling');
    expect(await page.locator('dl.facts a[href^="/trips/"]').first().innerText()).toContain(
      'Wirtschaftsreise China 2019',
    );
    await screenshot(page, 'activity-interaction-detail');
    const { rows } = await app.db.query(
      `SELECT kind, occurred_at, appointment_id FROM interactions WHERE id = $1`,
      [interactionId],
    );
    expect(rows[0]).toMatchObject({ kind: 'call', appointment_id: briefing });
    expect(new Date(rows[0].occurred_at).toISOString()).toBe('2019-10-21T01:30:00.000Z');
  });

  it('edits it, and a lost race shows whose value is whose and keeps the other change', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/interactions/${interactionId}`);
    await submit(page, '#edit', /\/edit$/);
    await page.fill('#f-location', 'Peking, AHK-Büro');
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('main').innerText()).toContain('Peking, AHK-Büro');

    const first = await newPage({ signIn: 'staff@liaison.test' });
    const second = await newPage({ signIn: 'admin@liaison.test' });
    await first.goto(`${app.url}/interactions/${interactionId}/edit`);
    await second.goto(`${app.url}/interactions/${interactionId}/edit`);
    await first.fill('#f-subject', 'Rückfrage zum Marktbriefing (AHK)');
    await submit(first, '#record-form button[type=submit]', /flash=saved/);
    await second.fill('#f-location', 'Videocall');
    await second.click('#record-form button[type=submit]');
    await second.locator('#stale').waitFor();
    expectConflictStatus(second);
    expect(await second.locator('#stale').innerText()).toContain(
      'Rückfrage zum Marktbriefing (AHK)',
    );
    expect(await second.locator('#f-location').inputValue()).toBe('Videocall');
    await screenshot(second, 'activity-interaction-stale');
    await submit(second, '#record-form button[type=submit]', /flash=saved/);
    const main = await second.locator('main').innerText();
    expect(main).toContain('Rückfrage zum Marktbriefing (AHK)'); // the other person's change
    expect(main).toContain('Videocall'); // this user's change
  });

  it('deletes it, undoes that, deletes it again and restores it from the deleted view', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/interactions/${interactionId}`);
    await submit(page, '#delete', /\/interactions\?flash=deleted/);
    expect(await page.locator(`#row-${interactionId}`).count()).toBe(0);
    await submit(page, '#undo', /flash=restored/);
    expect(await page.locator('h1').innerText()).toContain('Rückfrage zum Marktbriefing');

    await submit(page, '#delete', /\/interactions\?flash=deleted/);
    await submit(page, '#show-deleted', /deleted=true/);
    await submit(page, `#row-${interactionId} button.restore`, /flash=restored/);
    expect(idOf(page)).toBe(interactionId);
    const { rows } = await app.db.query(`SELECT deleted_at FROM interactions WHERE id = $1`, [
      interactionId,
    ]);
    expect(rows[0].deleted_at).toBeNull();
  });

  it('keeps the filters of the contact log in the URL, also when sorting', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/interactions`);
    await page.selectOption('#filter-kind', 'call');
    await page.fill('#filter-from', '2019-10-21');
    await page.fill('#filter-to', '2019-10-21');
    await submit(page, 'form.filters button[type=submit]', /kind=call/);
    let url = new URL(page.url());
    expect(url.searchParams.get('from')).toBe('2019-10-21');
    expect(url.searchParams.get('to')).toBe('2019-10-21'); // the whole day, included
    expect(await page.locator('#list tbody tr[id^=row-]').count()).toBe(1);
    expect(await page.locator('#list').innerText()).toContain('Rückfrage zum Marktbriefing');
    await submit(page, 'th a.sort', /sort=/);
    url = new URL(page.url());
    expect(url.searchParams.get('kind')).toBe('call');
    expect(url.searchParams.get('from')).toBe('2019-10-21');
    expect(await page.locator('#filter-kind').inputValue()).toBe('call');
    // A day without calls lists none.
    await page.goto(`${app.url}/interactions?kind=call&from=2019-10-22&to=2019-10-22`);
    expect(await page.locator('#empty').count()).toBe(1);
    // Only confidential ones: the state reception.
    await page.goto(`${app.url}/interactions?confidential=true`);
    expect(await page.locator('#list').innerText()).toContain('Staatsempfang');
    expect(await page.locator('#list tbody tr[id^=row-]').count()).toBe(1);
    await screenshot(page, 'activity-interactions-list');
  });

  let followUpId: string;

  it('creates a follow-up from the interaction, prefilled and named, then edits it', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/interactions/${interactionId}`);
    await submit(page, '#new-follow-up', /\/follow-ups\/new\?/);
    expect(await page.locator('#f-interactionId option:checked').innerText()).toContain(
      'Rückfrage zum Marktbriefing',
    );
    expect(await page.locator('#f-contactId option:checked').innerText()).toBe('Wang Fang 王芳');
    expect(await page.locator('#f-assigneeId option:checked').innerText()).toContain(
      'Anna Beispiel',
    );
    await page.fill('#f-title', 'Folien der AHK an Zwilling weitergeben');
    await page.fill('#f-dueOn', dayOffset(-2));
    await page.selectOption('#f-priority', 'high');
    await screenshot(page, 'activity-follow-up-new');
    await submit(page, '#record-form button[type=submit]', RECORD('follow-ups'));
    followUpId = idOf(page);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Offen');
    expect(main).toContain('Hoch');
    expect(main).toContain('überfällig');
    expect(main).toContain('Anna Beispiel');
    expect(await page.locator(`dl.facts a[href^="/interactions/"]`).innerText()).toContain(
      'Rückfrage zum Marktbriefing',
    );
    expect(await page.locator(`dl.facts a[href^="/contacts/"]`).innerText()).toBe('Wang Fang 王芳');
    expect(await page.locator(`dl.facts a[href^="/trips/"]`).innerText()).toContain('China 2019');

    await submit(page, '#edit', /\/edit$/);
    await page.fill('#f-notes', 'Mit Grüßen von der AHK.');
    // Another contact, picked by Chinese script.
    await page.fill('#contact-search', '李伟');
    await page.locator('#suggestions [data-pick]').first().click();
    expect(await page.locator('#f-contactId option:checked').innerText()).toContain('李伟');
    await submit(page, '#record-form button[type=submit]', /flash=saved/);
    expect(await page.locator('main').innerText()).toContain('Mit Grüßen von der AHK.');
    expect(await page.locator(`dl.facts a[href^="/contacts/"]`).innerText()).toContain('李伟');
    // The interaction lists its follow-up.
    await page.goto(`${app.url}/interactions/${interactionId}`);
    expect(await page.locator(`main a[href="/follow-ups/${followUpId}"]`).count()).toBe(1);
  });

  it('shows the follow-up on the dashboard as a link, overdue first, and the open pipeline', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    const card = page.locator('#h-followups').locator('..');
    const links = card.locator('li > a[href^="/follow-ups/"]');
    expect(await links.count()).toBeGreaterThan(1);
    expect(await card.locator(`a[href="/follow-ups/${followUpId}"]`).count()).toBe(1);
    // Overdue ones come first: no overdue entry after one that is not.
    const overdue = await card
      .locator('li')
      .evaluateAll((items) => items.map((li) => !!li.querySelector('.overdue')));
    const firstNot = overdue.indexOf(false);
    expect(firstNot === -1 ? [] : overdue.slice(firstNot).filter(Boolean)).toEqual([]);
    expect(await page.locator('#pipeline-total').innerText()).toContain('Offene Pipeline');
    expect(await page.locator('#h-interactions').locator('..').innerText()).toContain(
      '(Asia/Shanghai) · Berlin',
    );
    await screenshot(page, 'activity-dashboard');
    await submit(
      page,
      `#h-followups ~ ul a[href="/follow-ups/${followUpId}"]`,
      RECORD('follow-ups'),
    );
  });

  it('a lost race on a follow-up keeps the other change; delete, undo and restore', async () => {
    const first = await newPage({ signIn: 'staff@liaison.test' });
    const second = await newPage({ signIn: 'admin@liaison.test' });
    await first.goto(`${app.url}/follow-ups/${followUpId}/edit`);
    await second.goto(`${app.url}/follow-ups/${followUpId}/edit`);
    await first.selectOption('#f-priority', 'low');
    await submit(first, '#record-form button[type=submit]', /flash=saved/);
    await second.fill('#f-title', 'Folien der AHK an Zwilling und DOVO weitergeben');
    await second.click('#record-form button[type=submit]');
    await second.locator('#stale').waitFor();
    expectConflictStatus(second);
    expect(await second.locator('#stale tr[data-field=priority]').innerText()).toContain('Niedrig');
    await submit(second, '#record-form button[type=submit]', /flash=saved/);
    expect(await second.locator('h1').innerText()).toBe(
      'Folien der AHK an Zwilling und DOVO weitergeben',
    );
    expect(await second.locator('main').innerText()).toContain('Niedrig');
    // The assignee by name, from the directory, for another agency user too.
    expect(await second.locator('main').innerText()).toContain('Anna Beispiel');

    await submit(second, '#delete', /\/follow-ups\?flash=deleted/);
    await submit(second, '#undo', /flash=restored/);
    await submit(second, '#delete', /\/follow-ups\?flash=deleted/);
    await submit(second, '#show-deleted', /deleted=true/);
    expect(await second.locator(`#row-${followUpId} button.purge`).count()).toBe(1); // admin
    await submit(second, `#row-${followUpId} button.restore`, /flash=restored/);
    expect(idOf(second)).toBe(followUpId);
  });

  it('marks a follow-up done from the filtered list and comes back to the same view', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test' });
    await page.goto(`${app.url}/follow-ups`);
    await page.selectOption('#filter-status', 'open');
    await page.check('#filter-overdue');
    await page.selectOption('#filter-assigneeId', 'me');
    await submit(page, 'form.filters button[type=submit]', /status=open/);
    const listUrl = new URL(page.url());
    expect(listUrl.searchParams.get('overdue')).toBe('true');
    expect(listUrl.searchParams.get('assigneeId')).toBe('me');
    expect(await page.locator(`#row-${followUpId} .overdue`).count()).toBe(1);
    expect(
      await page.locator(`#row-${followUpId} a[href="/follow-ups/${followUpId}"]`).count(),
    ).toBe(1);
    await screenshot(page, 'activity-follow-ups-list');
    await submit(page, `#done-${followUpId}`, /flash=saved/);
    const back = new URL(page.url());
    for (const key of ['status', 'overdue', 'assigneeId'])
      expect(back.searchParams.get(key)).toBe(listUrl.searchParams.get(key));
    expect(await page.locator(`#row-${followUpId}`).count()).toBe(0); // done: no longer open
    const { rows } = await app.db.query(
      `SELECT status, completed_at FROM follow_ups WHERE id = $1`,
      [followUpId],
    );
    expect(rows[0].status).toBe('done');
    expect(rows[0].completed_at).not.toBeNull();
    await page.goto(`${app.url}/follow-ups/${followUpId}`);
    expect(await page.locator('#follow-up-status').innerText()).toBe('Erledigt');
  });

  it('DOVO marks its follow-up done in the portal and sees no edit form, nor Zwilling’s', async () => {
    const page = await newPage({ signIn: 'dovo@liaison.test' });
    const { rows } = await app.db.query<{ id: string; company: string }>(
      `SELECT f.id, c.name AS company FROM follow_ups f JOIN companies c ON c.id = f.company_id
        WHERE f.status = 'open'`,
    );
    const own = rows.find((r) => r.company === 'DOVO Stahlwaren')!;
    const other = rows.find((r) => r.company === 'Zwilling')!;
    const card = page.locator('#h-followups').locator('..');
    expect(await card.locator(`a[href="/follow-ups/${own.id}"]`).count()).toBe(1);
    expect(await page.locator(`a[href="/follow-ups/${other.id}"]`).count()).toBe(0);
    await submit(page, `#done-${own.id}`, /flash=saved/);
    expect(await card.locator(`a[href="/follow-ups/${own.id}"]`).count()).toBe(0);
    await page.goto(`${app.url}/follow-ups/${own.id}`);
    expect(await page.locator('#follow-up-status').innerText()).toBe('Erledigt');
    expect(await page.locator('#edit').count()).toBe(0);
    expect(await page.locator('#delete').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('DOVO Stahlwaren');
    expect((await page.request.get(`${app.url}/follow-ups/${own.id}/edit`)).status()).toBe(403);
    expect((await page.request.get(`${app.url}/follow-ups/new`)).status()).toBe(403);
    expect((await page.request.get(`${app.url}/follow-ups/${other.id}`)).status()).toBe(404);
    await page.goto(`${app.url}/follow-ups`);
    expect(await page.locator('#new-record').count()).toBe(0);
    expect(await page.locator('#show-deleted').count()).toBe(0);
    expect(await page.locator('#filter-companyId').count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain('Zwilling');
    const { rows: after } = await app.db.query(`SELECT status FROM follow_ups WHERE id = $1`, [
      own.id,
    ]);
    expect(after[0].status).toBe('done');
  });

  it('lets an admin purge a deleted interaction for good, after asking', async () => {
    const page = await newPage({ signIn: 'admin@liaison.test' });
    await page.goto(`${app.url}/interactions/new`);
    await page.fill('#f-subject', 'Doppelt erfasst');
    await submit(page, '#record-form button[type=submit]', RECORD('interactions'));
    const id = idOf(page);
    await submit(page, '#delete', /flash=deleted/);
    await submit(page, '#show-deleted', /deleted=true/);
    page.once('dialog', (dialog) => void dialog.accept());
    await submit(page, `#row-${id} button.purge`, /flash=purged/);
    expect(await page.locator(`#row-${id}`).count()).toBe(0);
    const { rows } = await app.db.query(`SELECT id FROM interactions WHERE id = $1`, [id]);
    expect(rows).toEqual([]);
  });

  it('shows a viewer no confidential interaction and no write controls', async () => {
    const page = await newPage({ signIn: 'viewer@liaison.test' });
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM interactions WHERE confidential LIMIT 1`,
    );
    await page.goto(`${app.url}/interactions`);
    expect(await page.locator('main').innerText()).not.toContain('Staatsempfang');
    expect(await page.locator('#filter-confidential').count()).toBe(0);
    expect((await page.request.get(`${app.url}/interactions/${rows[0].id}`)).status()).toBe(404);
    for (const path of [
      '/',
      '/interactions',
      `/interactions/${interactionId}`,
      '/follow-ups',
      `/follow-ups/${followUpId}`,
    ]) {
      await page.goto(`${app.url}${path}`);
      const controls = await page
        .locator(
          'main form[method=post], #new-record, #edit, #delete, #show-deleted, #new-follow-up',
        )
        .count();
      expect({ path, controls }).toEqual({ path, controls: 0 });
    }
    expect((await page.request.get(`${app.url}/interactions/new`)).status()).toBe(403);
    expect((await page.request.get(`${app.url}/follow-ups/${followUpId}/edit`)).status()).toBe(403);
  });

  it('fits a 390 px phone without sideways scrolling, with no serious accessibility violation', async () => {
    const page = await newPage({ signIn: 'staff@liaison.test', width: 390 });
    const problems: string[] = [];
    for (const path of [
      '/',
      '/interactions',
      '/interactions?deleted=true',
      `/interactions/${interactionId}`,
      `/interactions/${interactionId}/edit`,
      '/interactions/new',
      '/follow-ups',
      `/follow-ups/${followUpId}`,
      `/follow-ups/${followUpId}/edit`,
      '/follow-ups/new',
    ]) {
      await page.goto(`${app.url}${path}`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect({ path, overflow: overflow > 0 }).toEqual({ path, overflow: false });
      for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
    }
    await page.goto(`${app.url}/interactions/${interactionId}`);
    await screenshot(page, 'activity-interaction-phone');
    await page.goto(`${app.url}/follow-ups`);
    await screenshot(page, 'activity-follow-ups-phone');
    expect(problems).toEqual([]);
  });
});
