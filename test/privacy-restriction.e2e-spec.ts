import { AGENCY_WRITES, expectStatuses } from './helpers/roles';
import { Api, Cast, Kit, Session, TestApp, useWorld } from './helpers/world';
import { unique } from './helpers/make';

let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));

type Body = Record<string, unknown>;
const ids = (body: { items: { id: string }[] }) => body.items.map((x) => x.id);
const fields = (body: { errors?: { field: string }[] }) => [
  ...new Set((body.errors ?? []).map((e) => e.field)),
];

/** What each caller finds of the contact `id` named `name`, in every place contacts show. */
async function seenBy(session: Session, id: string, name: string) {
  const as = api.as(session);
  const list = await as.get(`/api/v1/contacts?limit=200&q=${encodeURIComponent(name)}`);
  const one = await as.get(`/api/v1/contacts/${id}`);
  const search = await as.get(`/api/v1/search?q=${encodeURIComponent(name)}`);
  const file = await fetch(
    `${app.url}/api/v1/contacts/export?format=csv&q=${encodeURIComponent(name)}`,
    { headers: session.auth },
  );
  return {
    list: list.status === 200 && ids(list.body).includes(id),
    get: one.status,
    search:
      search.status === 200 &&
      (search.body as { contacts: { id: string }[] }).contacts.some((h) => h.id === id),
    export: file.status === 200 && (await file.text()).includes(id),
  };
}

const VISIBLE = { list: true, get: 200, search: true, export: true };
const HIDDEN = { list: false, get: 404, search: false, export: false };

describe('restriction of processing (GDPR art. 18)', () => {
  it('hides a restricted contact from all but admins, everywhere contacts show, until lifted', async () => {
    const name = `Restrikt${unique()}`;
    const contact = await make.contact({ familyName: name, companyId: c.ownCompany.id });
    const lead = await make.lead({ companyId: c.ownCompany.id, contactId: contact.id });
    const interaction = await make.interaction({ contactIds: [contact.id] });
    const followUp = await make.followUp({ contactId: contact.id });
    const { staff, viewer, own } = c.sessions;

    for (const s of [admin, staff, viewer, own])
      expect(await seenBy(s, contact.id, name)).toEqual(VISIBLE);

    const restricted = await api
      .as(staff)
      .post(`/api/v1/contacts/${contact.id}/restriction`, { reason: 'Accuracy disputed' });
    expect(restricted.status).toBe(200);
    expect(restricted.body).toMatchObject({
      restrictionReason: 'Accuracy disputed',
      restrictedAt: expect.any(String),
    });

    for (const s of [staff, viewer, own]) expect(await seenBy(s, contact.id, name)).toEqual(HIDDEN);
    expect(await seenBy(admin, contact.id, name)).toEqual(VISIBLE);

    // What other records name of it: the id is hidden from all but admins.
    for (const s of [staff, viewer]) {
      const i = await api.as(s).get(`/api/v1/interactions/${interaction.id}`);
      expect(i.body.contactIds).toEqual([]);
      const f = await api.as(s).get(`/api/v1/follow-ups/${followUp.id}`);
      expect(f.body.contactId).toBeNull();
    }
    for (const s of [staff, viewer, own]) {
      const l = await api.as(s).get(`/api/v1/leads/${lead.id}`);
      expect(l.status).toBe(200);
      expect(l.body.contactId).toBeNull();
    }
    expect((await api.get(`/api/v1/interactions/${interaction.id}`)).body.contactIds).toEqual([
      contact.id,
    ]);
    expect((await api.get(`/api/v1/leads/${lead.id}`)).body.contactId).toBe(contact.id);

    // Staff editing the interaction does not drop the participant it was not shown.
    const edited = await api
      .as(staff)
      .patch(`/api/v1/interactions/${interaction.id}`, { contactIds: [], subject: 'Neu' });
    expect(edited.status).toBe(200);
    expect((await api.get(`/api/v1/interactions/${interaction.id}`)).body.contactIds).toEqual([
      contact.id,
    ]);

    // The admins' list filter and the mark.
    const marked = await api.get(`/api/v1/contacts?restricted=true&limit=200`);
    expect(ids(marked.body)).toContain(contact.id);
    expect((await api.get(`/api/v1/contacts?restricted=false&limit=200`)).body.items).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ id: contact.id })]),
    );
    expect(ids((await api.as(staff).get(`/api/v1/contacts?restricted=true`)).body)).toEqual([]);

    // Staff no longer see it, so only an admin lifts it.
    expect((await api.as(staff).delete(`/api/v1/contacts/${contact.id}/restriction`)).status).toBe(
      404,
    );
    const lifted = await api.delete(`/api/v1/contacts/${contact.id}/restriction`);
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ restrictedAt: null, restrictionReason: null });
    for (const s of [staff, viewer, own])
      expect(await seenBy(s, contact.id, name)).toEqual(VISIBLE);
    expect((await api.as(staff).get(`/api/v1/leads/${lead.id}`)).body.contactId).toBe(contact.id);

    const audit = await api.get(`/api/v1/audit?entity=contact&entityId=${contact.id}`);
    const actions = (audit.body.items as { action: string; changes: Body }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['restrict', 'lift-restriction']));
    const restrictEvent = (audit.body.items as { action: string; changes: Body }[]).find(
      (e) => e.action === 'restrict',
    );
    expect(restrictEvent?.changes).toMatchObject({
      restrictionReason: { before: null, after: 'Accuracy disputed' },
    });
  });

  it('leaves a restricted contact out of the possible duplicates, but for admins', async () => {
    const email = `twin-${unique()}@example.cn`;
    const a = await make.contact({ email });
    const b = await make.contact({ email });
    const pairs = async (session: Session) => {
      const res = await api.as(session).get('/api/v1/contacts/duplicates?limit=200');
      expect(res.status).toBe(200);
      return (res.body.items as { records: { id: string }[] }[]).map((p) =>
        p.records.map((r) => r.id).sort(),
      );
    };
    const pair = [a.id, b.id].sort();
    expect(await pairs(c.sessions.staff)).toContainEqual(pair);
    await api.post(`/api/v1/contacts/${b.id}/restriction`, { reason: 'disputed' });
    expect(await pairs(c.sessions.staff)).not.toContainEqual(pair);
    expect(await pairs(admin)).toContainEqual(pair);
  });

  it('is for the agency: 403 for viewer and company users, 400 naming reason', async () => {
    const contact = await make.contact({ companyId: c.ownCompany.id });
    await make.lead({ companyId: c.ownCompany.id, contactId: contact.id });
    const missing = await api.post(`/api/v1/contacts/${contact.id}/restriction`, {});
    expect(missing.status).toBe(400);
    expect(fields(missing.body)).toEqual(['reason']);
    const blank = await api.post(`/api/v1/contacts/${contact.id}/restriction`, { reason: '  ' });
    expect(fields(blank.body)).toEqual(['reason']);
    await expectStatuses(c, AGENCY_WRITES, async (role, session) => {
      const path = `/api/v1/contacts/${contact.id}/restriction`;
      const res = await api.as(session).post(path, { reason: `by ${role}` });
      if (res.status === 200) expect((await api.delete(path)).status).toBe(200);
      return res.status;
    });
    // Without If-Match: 428, as every write.
    const bare = await app.http
      .post(`/api/v1/contacts/${contact.id}/restriction`)
      .set(admin.auth)
      .send({ reason: 'x' });
    expect(bare.status).toBe(428);
  });
});

describe('objection (GDPR art. 21)', () => {
  it('is recorded and withdrawn, audited, shown in the answer, and hides nothing', async () => {
    const contact = await make.contact();
    const staff = c.sessions.staff;
    const objected = await api
      .as(staff)
      .post(`/api/v1/contacts/${contact.id}/objection`, { note: 'No more mail', at: '2026-01-15' });
    expect(objected.status).toBe(200);
    expect(objected.body).toMatchObject({ objectionNote: 'No more mail' });
    expect(objected.body.objectedAt.slice(0, 10)).toBe('2026-01-15');
    const read = await api.as(c.sessions.viewer).get(`/api/v1/contacts/${contact.id}`);
    expect(read.status).toBe(200);
    expect(read.body.objectionNote).toBe('No more mail');

    const today = await api.post(`/api/v1/contacts/${contact.id}/objection`, {});
    expect(today.status).toBe(200);
    expect(Date.now() - Date.parse(today.body.objectedAt)).toBeLessThan(60_000);
    expect(today.body.objectionNote).toBeNull();

    const future = await api.post(`/api/v1/contacts/${contact.id}/objection`, { at: '2999-01-01' });
    expect(future.status).toBe(400);
    expect(fields(future.body)).toEqual(['at']);
    const notADay = await api.post(`/api/v1/contacts/${contact.id}/objection`, { at: 'soon' });
    expect(fields(notADay.body)).toEqual(['at']);

    const withdrawn = await api.as(staff).delete(`/api/v1/contacts/${contact.id}/objection`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ objectedAt: null, objectionNote: null });

    const audit = await api.get(`/api/v1/audit?entity=contact&entityId=${contact.id}`);
    const actions = (audit.body.items as { action: string }[]).map((e) => e.action);
    expect(actions.filter((a) => a === 'object')).toHaveLength(2);
    expect(actions).toContain('withdraw-objection');

    expect(
      (await api.as(c.sessions.viewer).post(`/api/v1/contacts/${contact.id}/objection`, {})).status,
    ).toBe(403);
    // Not writable through the contact's own create and update.
    const patched = await api.patch(`/api/v1/contacts/${contact.id}`, { objectionNote: 'x' });
    expect(patched.status).toBe(400);
    expect(fields(patched.body)).toEqual(['objectionNote']);
  });
});
