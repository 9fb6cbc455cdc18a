import { expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, c, make, api } = w));

interface Review {
  id: string;
  contactId: string;
  contactName: string;
  lastActivityAt: string;
  legalBasis: string | null;
  ownerName: string | null;
}

const fields = (body: { errors?: { field: string }[] }) => [
  ...new Set((body.errors ?? []).map((e) => e.field)),
];
/** Sets a row's times `months` back, behind the API's back. */
const age = async (table: string, id: string, months: number, column = 'updated_at') => {
  await app.db.query(
    `UPDATE ${table} SET ${column} = now() - make_interval(months => $2), created_at = now() - make_interval(months => $2) WHERE id = $1`,
    [id, months],
  );
  api.forget(id);
};
const run = async (session?: Session) => {
  const res = await (session ? api.as(session) : api).post('/api/v1/retention/run');
  expect(res.status).toBe(200);
  return res.body as { found: number; closed: number };
};
const due = async (session?: Session): Promise<Review[]> => {
  const items: Review[] = [];
  let cursor: string | null = null;
  do {
    const res = await (session ? api.as(session) : api).get(
      `/api/v1/retention?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    items.push(...(res.body.items as Review[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return items;
};
const dayAfter = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('retention review', () => {
  let quiet: string, oldLead: string, activeAgain: string, recent: string;

  beforeAll(async () => {
    quiet = (await make.contact({ familyName: 'Still', legalBasis: { basis: 'public_task' } })).id;
    oldLead = (await make.contact({ familyName: 'Altlead' })).id;
    activeAgain = (await make.contact({ familyName: 'Wieder' })).id;
    recent = (await make.contact({ familyName: 'Frisch' })).id;
    const lead = await make.lead({ companyId: c.ownCompany.id, contactId: oldLead });
    const interaction = await make.interaction({ contactIds: [activeAgain] });
    await age('contacts', quiet, 40);
    await age('contacts', oldLead, 45);
    await age('leads', lead.id, 38);
    await age('contacts', activeAgain, 40);
    await age('interactions', interaction.id, 40, 'occurred_at');
    // The interaction was changed last month: activity.
    await app.db.query(
      `UPDATE interactions SET updated_at = now() - interval '1 month' WHERE id = $1`,
      [interaction.id],
    );
  });

  it('finds contacts without activity for RETENTION_MONTHS, the quietest first', async () => {
    const first = await run();
    expect(first.found).toBe(2);
    const listed = await due();
    expect(listed.map((r) => r.contactId)).toEqual([quiet, oldLead]);
    expect(listed[0]).toMatchObject({ legalBasis: 'public_task', contactName: 'Still' });
    expect(listed[0].ownerName).toEqual(expect.any(String));
    // Not listed: the one whose interaction changed last month, the recent one.
    expect(listed.map((r) => r.contactId)).not.toContain(activeAgain);
    expect(listed.map((r) => r.contactId)).not.toContain(recent);
    // The lead's change (38 months ago) is the later activity of `oldLead`, 45 months quiet itself.
    const months = (iso: string) => (Date.now() - Date.parse(iso)) / (30.44 * 86_400_000);
    expect(months(listed[1].lastActivityAt)).toBeCloseTo(38, 0);
    // A second run finds nothing new: one open review per contact.
    expect((await run()).found).toBe(0);
    expect(await due()).toHaveLength(2);
  });

  it('is for agency staff with contact:privacy; its run is audited', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 403, own: 403, foreign: 403 },
      async (_, s) => (await api.as(s).get('/api/v1/retention')).status,
    );
    await expectStatuses(
      c,
      { staff: 200, viewer: 403, own: 403 },
      async (_, s) => (await api.as(s).post('/api/v1/retention/run')).status,
      ['staff', 'viewer', 'own'],
    );
    const audit = await api.get('/api/v1/audit?entity=retentionReview');
    expect(audit.status).toBe(200);
    expect((audit.body.items as { action: string }[]).some((e) => e.action === 'run')).toBe(true);
  });

  it('extends with a reason: not listed again before that day', async () => {
    const path = `/api/v1/retention/${quiet}/extend`;
    const missing = await api.post(path, {});
    expect(missing.status).toBe(400);
    expect(fields(missing.body).sort()).toEqual(['reason', 'until']);
    const today = await api.post(path, { until: dayAfter(0), reason: 'Projekt läuft' });
    expect(today.status).toBe(400);
    expect(fields(today.body)).toEqual(['until']);
    const noReason = await api.post(path, { until: dayAfter(30), reason: ' ' });
    expect(fields(noReason.body)).toEqual(['reason']);
    expect(
      (await api.as(c.sessions.viewer).post(path, { until: dayAfter(30), reason: 'x' })).status,
    ).toBe(403);

    const until = dayAfter(30);
    const extended = await api.as(c.sessions.staff).post(path, { until, reason: 'Projekt läuft' });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({
      contactId: quiet,
      extendedUntil: until,
      reason: 'Projekt läuft',
    });
    expect((await due()).map((r) => r.contactId)).toEqual([oldLead]);
    expect((await run()).found).toBe(0);
    expect((await due()).map((r) => r.contactId)).toEqual([oldLead]);
    // No open review left to extend.
    expect((await api.post(path, { until, reason: 'again' })).status).toBe(404);

    const audit = await api.get(`/api/v1/audit?entity=contact&entityId=${quiet}`);
    expect(audit.body.items[0]).toMatchObject({
      action: 'retention-extend',
      changes: { extendedUntil: until, reason: 'Projekt läuft' },
    });

    // The day has come: listed again.
    await app.db.query(
      `UPDATE retention_reviews SET extended_until = CURRENT_DATE - 1 WHERE contact_id = $1`,
      [quiet],
    );
    expect((await run()).found).toBe(1);
    expect((await due()).map((r) => r.contactId)).toEqual([quiet, oldLead]);
  });

  it('closes a review when the contact is active again, and keeps restricted ones to admins', async () => {
    await api.patch(`/api/v1/contacts/${oldLead}`, { position: 'CEO' });
    expect((await run()).closed).toBe(1);
    expect((await due()).map((r) => r.contactId)).toEqual([quiet]);

    const staff = c.sessions.staff;
    await api.post(`/api/v1/contacts/${quiet}/restriction`, { reason: 'disputed' });
    await age('contacts', quiet, 40);
    await run();
    expect((await due()).map((r) => r.contactId)).toEqual([quiet]);
    expect(await due(staff)).toEqual([]);
    expect(
      (
        await api
          .as(staff)
          .post(`/api/v1/retention/${quiet}/extend`, { until: dayAfter(5), reason: 'x' })
      ).status,
    ).toBe(404);
  });

  it('runs as the queue `retention-review` (what the schedule sends each night)', async () => {
    const schedule = await app.db.query(
      `SELECT cron, timezone FROM pgboss.schedule WHERE name = 'retention-review'`,
    );
    expect(schedule.rows).toEqual([{ cron: '30 2 * * *', timezone: 'Europe/Berlin' }]);
    const night = (await make.contact({ familyName: 'Nachtlauf' })).id;
    await age('contacts', night, 37);
    await app.db.query(`INSERT INTO pgboss.job (name, data) VALUES ('retention-review', '{}')`);
    let state = '';
    for (let waited = 0; waited < 15_000 && state !== 'completed'; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const { rows } = await app.db.query<{ state: string }>(
        `SELECT state FROM pgboss.job WHERE name = 'retention-review' ORDER BY created_on DESC LIMIT 1`,
      );
      state = rows[0]?.state ?? '';
    }
    expect(state).toBe('completed');
    expect((await due()).map((r) => r.contactId)).toContain(night);
    const audit = await api.get('/api/v1/audit?entity=retentionReview');
    expect(audit.body.items[0]).toMatchObject({ action: 'run', actorId: null });
  });
});
