import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

/**
 * What a visible record reveals of invisible ones (README, "Conventions of the API"): a company
 * user is shown no id of a record it may not see, and a filter by such an id finds nothing. The
 * own company (DOVO) shares a contact, a partner and a trip with a foreign one (Zwilling).
 */
let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w));
let own: Session;

type Body = Record<string, unknown>;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Every UUID anywhere in an answer (the problem's requestId aside). */
const uuidsIn = (body: unknown): string[] =>
  JSON.stringify(body, (key, value: unknown) => (key === 'requestId' ? undefined : value)).match(
    UUID,
  ) ?? [];

const post = async (path: string, body: Body): Promise<{ id: string }> => {
  const res = await app.http.post(`/api/v1${path}`).set(admin.auth).send(body);
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string };
};
const get = async (session: Session, path: string): Promise<unknown> => {
  const res = await app.http.get(`/api/v1${path}`).set(session.auth);
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const items = async (session: Session, path: string): Promise<Body[]> =>
  ((await get(session, path)) as { items: Body[] }).items;
const ids = (list: Body[]) => list.map((x) => x.id as string);

const the = {} as {
  sharedContact: string;
  foreignOnlyContact: string;
  partnerContact: string;
  sharedPartner: string;
  foreignPartner: string;
  sharedTrip: string;
  foreignTrip: string;
  openAppointment: string;
  restrictedAppointment: string;
  foreignAppointment: string;
  ownLead: string;
  ownLeadOnForeignTrip: string;
  foreignLead: string;
  interaction: string;
  confidentialInteraction: string;
  agreement: string;
  ownFollowUp: string;
  assignedFollowUp: string;
  confidentialFollowUp: string;
};

beforeAll(async () => {
  own = c.sessions.own;
  const crm = make.row;
  const raw = make.row;
  const ownId = c.ownCompany.id;
  const foreignId = c.foreignCompany.id;

  the.sharedPartner = (await crm.partner({ name: 'Klinge Park' })).id;
  the.foreignPartner = (await crm.partner({ name: 'Klinge Campus' })).id;
  // works at the foreign company; both companies have a lead with it
  the.sharedContact = (await crm.contact({ familyName: 'Klinge', companyId: foreignId })).id;
  the.foreignOnlyContact = (await crm.contact({ familyName: 'Klingenberg' })).id;
  // works at a partner only the foreign company's leads name
  the.partnerContact = (
    await crm.contact({ familyName: 'Klingler', partnerId: the.foreignPartner })
  ).id;

  the.sharedTrip = (await make.trip({ title: 'Klinge Reise' })).id;
  the.foreignTrip = (await make.trip({ title: 'Klinge Sonderreise' })).id;
  await make.participant({ tripId: the.sharedTrip, name: 'DOVO delegate', companyId: ownId });
  const foreignDelegate = await make.participant({
    tripId: the.sharedTrip,
    name: 'Zwilling delegate',
    companyId: foreignId,
  });
  await make.participant({
    tripId: the.foreignTrip,
    name: 'Zwilling delegate',
    companyId: foreignId,
  });
  the.openAppointment = (
    await make.appointment({ tripId: the.sharedTrip, title: 'Klinge Werk', companyId: ownId })
  ).id;
  the.restrictedAppointment = (
    await make.appointment({
      tripId: the.sharedTrip,
      title: 'Klinge Empfang',
      companyId: foreignId,
      partnerId: the.sharedPartner,
      restricted: true,
      attendeeIds: [foreignDelegate.id],
    })
  ).id;
  the.foreignAppointment = (
    await make.appointment({ tripId: the.foreignTrip, title: 'Klinge Termin' })
  ).id;

  const lead = async (companyId: string, title: string, links: Body) =>
    (await post('/leads', { companyId, title, ...links })).id;
  the.ownLead = await lead(ownId, 'Klinge Auftrag', {
    contactId: the.sharedContact,
    partnerId: the.sharedPartner,
    tripId: the.sharedTrip,
    // open to the foreign company's delegate only
    appointmentId: the.restrictedAppointment,
  });
  the.ownLeadOnForeignTrip = await lead(ownId, 'Klinge Folgeauftrag', {
    contactId: the.partnerContact,
    tripId: the.foreignTrip,
    appointmentId: the.foreignAppointment,
  });
  the.foreignLead = await lead(foreignId, 'Klinge Großauftrag', {
    contactId: the.sharedContact,
    partnerId: the.foreignPartner,
    tripId: the.sharedTrip,
  });
  await lead(foreignId, 'Klinge Nebenauftrag', {
    contactId: the.foreignOnlyContact,
    partnerId: the.sharedPartner,
  });

  the.interaction = (await raw.interaction(admin.user.id)).id;
  the.confidentialInteraction = (await raw.interaction(admin.user.id)).id;
  await app.db.query('UPDATE interactions SET confidential = true WHERE id = $1', [
    the.confidentialInteraction,
  ]);
  for (const interaction of [the.interaction, the.confidentialInteraction])
    await app.db.query(
      'INSERT INTO interaction_contacts (interaction_id, contact_id) VALUES ($1, $2)',
      [interaction, the.sharedContact],
    );
  the.agreement = (await raw.agreement(the.sharedPartner)).id;

  const followUp = async (title: string, links: Body) =>
    (await post('/follow-ups', { title, ...links })).id;
  // The own company's follow-up, linked to what only the foreign company (or the agency) sees.
  the.ownFollowUp = await followUp('Klinge nachfassen', {
    companyId: ownId,
    contactId: the.sharedContact,
    // none of these
    partnerId: the.foreignPartner,
    leadId: the.foreignLead,
    interactionId: the.interaction,
    agreementId: the.agreement,
    tripId: the.foreignTrip,
  });
  // assigned to the own company's user, about the foreign company
  the.assignedFollowUp = await followUp('Klinge anrufen', {
    assigneeId: own.user.id,
    companyId: foreignId,
    contactId: the.foreignOnlyContact,
    leadId: the.ownLead,
    tripId: the.sharedTrip,
  });
  the.confidentialFollowUp = await followUp('Klinge vertraulich', {
    interactionId: the.confidentialInteraction,
    contactId: the.sharedContact,
  });
});

describe('a company user is shown no id of a record it may not see', () => {
  /**
   * The ids the own company user may see: the records it can list (each kind by its own rule),
   * its company, itself and the agency's people (owners, authors, assignees).
   */
  async function visibleToOwn(): Promise<Set<string>> {
    const visible = new Set<string>([c.ownCompany.id, own.user.id, admin.user.id]);
    for (const path of ['/contacts', '/partners', '/leads', '/follow-ups', '/trips'])
      for (const id of ids(await items(own, `${path}?limit=200`))) visible.add(id);
    for (const trip of [the.sharedTrip]) {
      for (const id of ids(await items(own, `/trips/${trip}/appointments?limit=200`)))
        visible.add(id);
      for (const id of ids(await items(own, `/trips/${trip}/participants?limit=200`)))
        visible.add(id);
    }
    return visible;
  }

  /** Every answer the own company user gets that names other records. */
  async function answers(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    const read = async (path: string) => (out[path] = await get(own, path));
    await read('/search?q=klinge');
    for (const path of ['/contacts', '/partners', '/leads', '/follow-ups', '/trips']) {
      for (const id of ids(await items(own, `${path}?limit=200`))) await read(`${path}/${id}`);
      await read(`${path}?limit=200`);
    }
    await read('/leads/pipeline');
    await read('/leads/board?limit=50');
    for (const kind of ['companies', 'partners', 'contacts', 'trips']) {
      await read(`/${kind}/names?limit=200`);
      await read(`/${kind}/names?ids=${[...Object.values(the), c.foreignCompany.id].join(',')}`);
    }
    await read(`/contacts/${the.sharedContact}/timeline`);
    await read(`/contacts/${the.partnerContact}/timeline`);
    await read(`/trips/${the.sharedTrip}/appointments`);
    await read(`/trips/${the.sharedTrip}/participants`);
    await read(`/trips/${the.sharedTrip}/costs`);
    const log = await app.http
      .post('/api/v1/contact-log')
      .set(own.auth)
      .send({
        occurredAt: new Date().toISOString(),
        subject: 'Klinge',
        contactIds: [the.sharedContact],
      });
    expect(log.status).toBe(403);
    out['POST /contact-log'] = log.body;
    return out;
  }

  it('in search, lists and gets, the timeline, the trip summary and the contact log', async () => {
    const visible = await visibleToOwn();
    // the data does reach the user: what it may see is there
    for (const id of [the.ownLead, the.sharedContact, the.sharedPartner, the.sharedTrip])
      expect(visible).toContain(id);
    const leaks: string[] = [];
    for (const [path, body] of Object.entries(await answers()))
      for (const id of uuidsIn(body)) if (!visible.has(id)) leaks.push(`${path}: ${id}`);
    expect(leaks).toEqual([]);
  });

  it('of the records it sees, the links to what it may not see are null', async () => {
    const contact = (await get(own, `/contacts/${the.sharedContact}`)) as Body;
    expect(contact.companyId).toBeNull();
    expect(((await get(own, `/contacts/${the.partnerContact}`)) as Body).partnerId).toBeNull();

    const lead = (await get(own, `/leads/${the.ownLead}`)) as Body;
    expect(lead).toMatchObject({
      contactId: the.sharedContact,
      partnerId: the.sharedPartner,
      tripId: the.sharedTrip,
      appointmentId: null,
    });
    expect((await get(own, `/leads/${the.ownLeadOnForeignTrip}`)) as Body).toMatchObject({
      tripId: null,
      appointmentId: null,
    });

    expect((await get(own, `/follow-ups/${the.ownFollowUp}`)) as Body).toMatchObject({
      companyId: c.ownCompany.id,
      contactId: the.sharedContact,
      partnerId: null,
      leadId: null,
      interactionId: null,
      agreementId: null,
      tripId: null,
    });
    expect((await get(own, `/follow-ups/${the.assignedFollowUp}`)) as Body).toMatchObject({
      companyId: null,
      contactId: null,
      leadId: the.ownLead,
      tripId: the.sharedTrip,
    });
  });

  it('the agency sees every link as it is', async () => {
    expect(((await get(admin, `/contacts/${the.sharedContact}`)) as Body).companyId).toBe(
      c.foreignCompany.id,
    );
    expect((await get(admin, `/leads/${the.ownLeadOnForeignTrip}`)) as Body).toMatchObject({
      tripId: the.foreignTrip,
      appointmentId: the.foreignAppointment,
    });
    expect((await get(c.sessions.staff, `/follow-ups/${the.ownFollowUp}`)) as Body).toMatchObject({
      partnerId: the.foreignPartner,
      leadId: the.foreignLead,
      interactionId: the.interaction,
      agreementId: the.agreement,
      tripId: the.foreignTrip,
    });
  });
});

describe('a filter by a record the caller may not see finds nothing', () => {
  it('?companyId=<foreign company> on contacts', async () => {
    const path = `/contacts?companyId=${c.foreignCompany.id}`;
    expect(ids(await items(own, path))).toEqual([]);
    expect(ids(await items(admin, path))).toContain(the.sharedContact);
    // the own company's users do see the contact itself
    expect(ids(await items(own, '/contacts?limit=200'))).toContain(the.sharedContact);
  });

  it('?partnerId= on contacts, ?tripId= on leads, links on follow-ups', async () => {
    expect(ids(await items(own, `/contacts?partnerId=${the.foreignPartner}`))).toEqual([]);
    expect(ids(await items(own, `/leads?tripId=${the.foreignTrip}`))).toEqual([]);
    expect(ids(await items(admin, `/leads?tripId=${the.foreignTrip}`))).toEqual([
      the.ownLeadOnForeignTrip,
    ]);
    expect(await items(own, `/leads/pipeline?tripId=${the.foreignTrip}`)).toEqual([]);
    const board = (await get(own, `/leads/board?tripId=${the.foreignTrip}`)) as {
      stages: { count: number; items: unknown[] }[];
    };
    expect(board.stages.filter((s) => s.count > 0 || s.items.length > 0)).toEqual([]);
    for (const filter of [
      `leadId=${the.foreignLead}`,
      `interactionId=${the.interaction}`,
      `agreementId=${the.agreement}`,
      `tripId=${the.foreignTrip}`,
      `partnerId=${the.foreignPartner}`,
      `companyId=${c.foreignCompany.id}`,
    ])
      expect([filter, ids(await items(own, `/follow-ups?${filter}`))]).toEqual([filter, []]);
    // a filter by what it does see still finds
    expect(ids(await items(own, `/follow-ups?leadId=${the.ownLead}`))).toEqual([
      the.assignedFollowUp,
    ]);
  });

  it('a viewer lists no follow-up of a confidential interaction, nor sees its id', async () => {
    const viewer = c.sessions.viewer;
    const path = `/follow-ups?interactionId=${the.confidentialInteraction}`;
    expect(ids(await items(viewer, path))).toEqual([]);
    expect(ids(await items(c.sessions.staff, path))).toEqual([the.confidentialFollowUp]);
    const followUp = (await get(viewer, `/follow-ups/${the.confidentialFollowUp}`)) as Body;
    expect(followUp).toMatchObject({ interactionId: null, contactId: the.sharedContact });
    expect(((await get(viewer, `/follow-ups/${the.ownFollowUp}`)) as Body).interactionId).toBe(
      the.interaction,
    );
  });
});
