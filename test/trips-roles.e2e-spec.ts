import { AGENCY_CREATES, AGENCY_WRITES, ROLE_NAMES, expectStatuses } from './helpers/roles';
import type { Appointment, Participant, Trip } from './helpers/world';
import { Api, Cast, Kit, RoleCheck, RoleName, Session, TestApp, useWorld } from './helpers/world';

/**
 * Every trip route × admin, staff, viewer, a company user whose company has a delegate on the
 * trip ("own") and one whose company has none ("foreign"), with the status the permission table
 * and the scope promise.
 */
let app: TestApp, admin: Session, c: Cast, make: Kit, api: Api;
useWorld((w) => ({ app, admin, c, make, api } = w));
let trip: Trip, ownDelegate: Participant, mayor: Participant;
/** An open appointment, and the state reception only the mayor attends. */
let open: Appointment, reception: Appointment;

beforeAll(async () => {
  trip = await make.trip();
  ownDelegate = await make.participant({
    tripId: trip.id,
    name: 'Delegierter Own',
    companyId: c.ownCompany.id,
  });
  mayor = await make.participant({
    tripId: trip.id,
    name: 'Oberbürgermeister',
    costBearer: 'agency',
  });
  open = await make.appointment({ tripId: trip.id, title: 'Offen' });
  reception = await make.appointment({
    tripId: trip.id,
    title: 'Staatsempfang',
    kind: 'state_reception',
    restricted: true,
    attendeeIds: [mayor.id],
    startsAt: '2019-10-21T18:00:00+08:00',
    endsAt: '2019-10-21T20:00:00+08:00',
  });
});
/** The status a caller gets; the client sends If-Match on PATCH and DELETE. */
const status =
  (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object): RoleCheck =>
  async (_, s) => {
    const as = api.as(s);
    return (
      await (method === 'get' || method === 'delete' ? as[method](path) : as[method](path, body))
    ).status;
  };
const READ = { admin: 200, staff: 200, viewer: 200, own: 200, foreign: 404 };
const WRITE_FORBIDDEN = { viewer: 403, own: 403, foreign: 403 } as const;
const FORBIDDEN_ROLES = ['viewer', 'own', 'foreign'] as const;

describe('trips', () => {
  const path = () => `/api/v1/trips/${trip.id}`;

  it('GET /trips?travellerId= lists the trips a login travels on; a company user learns only of its own company', async () => {
    // Staff travels on a trip of its own; the own company's login on a trip both companies join.
    const alone = await make.trip({ title: 'Reise mit Staff' });
    await make.participant({ tripId: alone.id, name: 'Staff', userId: c.sessions.staff.user.id });
    const shared = await make.trip({ title: 'Gemeinsame Reise' });
    await make.participant({
      tripId: shared.id,
      name: 'Own',
      companyId: c.ownCompany.id,
      userId: c.sessions.own.user.id,
    });
    await make.participant({ tripId: shared.id, name: 'Foreign', companyId: c.foreignCompany.id });
    const listed = async (role: RoleName, travellerId: string) => {
      const res = await app.http
        .get(`/api/v1/trips?travellerId=${travellerId}`)
        .set(c.sessions[role].auth);
      expect(res.status).toBe(200);
      return res.body.items.map((t: { id: string }) => t.id);
    };
    expect(await listed('staff', 'me')).toEqual([alone.id]);
    expect(await listed('admin', c.sessions.staff.user.id)).toEqual([alone.id]);
    expect(await listed('admin', 'me')).toEqual([]);
    expect(await listed('own', 'me')).toEqual([shared.id]);
    expect(await listed('viewer', c.sessions.own.user.id)).toEqual([shared.id]);
    // The other company sees the shared trip, but not who travels on it for the own company.
    expect((await listed('foreign', 'me')).includes(shared.id)).toBe(false);
    const all = await app.http.get('/api/v1/trips').set(c.sessions.foreign.auth);
    expect(all.body.items.map((t: { id: string }) => t.id)).toContain(shared.id);
    expect(await listed('foreign', c.sessions.own.user.id)).toEqual([]);
    const bad = await app.http.get('/api/v1/trips?travellerId=nobody').set(c.sessions.staff.auth);
    expect(bad.status).toBe(400);
  });

  it('GET /trips lists the trip for the agency and its company, not for others', async () => {
    for (const role of ROLE_NAMES) {
      const res = await app.http.get('/api/v1/trips').set(c.sessions[role].auth);
      expect({ role, status: res.status }).toEqual({ role, status: 200 });
      const ids = res.body.items.map((t: { id: string }) => t.id);
      expect({ role, listed: ids.includes(trip.id) }).toEqual({ role, listed: role !== 'foreign' });
    }
  });

  it('GET /trips/:id', async () => {
    await expectStatuses(c, READ, status('get', path()));
  });

  it('POST /trips', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      status('post', '/api/v1/trips', {
        title: 'Neu',
        startsOn: '2020-01-01',
        endsOn: '2020-01-02',
      }),
    );
  });

  it('PATCH /trips/:id (even the trip its own company takes part in)', async () => {
    await expectStatuses(c, AGENCY_WRITES, status('patch', path(), { purpose: 'x' }));
  });

  it('DELETE, restore, purge', async () => {
    const doomed = await make.trip({ title: 'Weg' });
    await make.participant({ tripId: doomed.id, companyId: c.ownCompany.id });
    const p = `/api/v1/trips/${doomed.id}`;
    await expectStatuses(c, WRITE_FORBIDDEN, status('delete', p), FORBIDDEN_ROLES);
    expect((await api.as(c.sessions.staff).delete(p)).status).toBe(204);
    await expectStatuses(c, WRITE_FORBIDDEN, status('post', `${p}/restore`), FORBIDDEN_ROLES);
    expect(
      (await app.http.get('/api/v1/trips?deleted=true').set(c.sessions.viewer.auth)).status,
    ).toBe(403);
    expect((await app.http.get('/api/v1/trips?deleted=true').set(c.sessions.own.auth)).status).toBe(
      403,
    );
    await app.http.post(`${p}/restore`).set(c.sessions.staff.auth).expect(200);
    expect((await api.delete(p)).status).toBe(204);
    await expectStatuses(
      c,
      { staff: 403, viewer: 403, own: 403, foreign: 403, admin: 204 },
      status('post', `${p}/purge`),
      ['staff', 'viewer', 'own', 'foreign', 'admin'],
    );
  });

  it('GET /trips/:id/costs: no viewer; a company user only with a delegate on it', async () => {
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 403, own: 200, foreign: 404 },
      status('get', `${path()}/costs`),
    );
    const own = await app.http.get(`${path()}/costs`).set(c.sessions.own.auth);
    expect(own.body.lines.map((l: { participantId: string }) => l.participantId)).toEqual([
      ownDelegate.id,
    ]);
  });

  it('GET /trips/:id/itinerary.ics', async () => {
    await expectStatuses(c, READ, status('get', `${path()}/itinerary.ics`));
  });

  it('a company user loses the trip when its last delegate leaves', async () => {
    const t = await make.trip({ title: 'Einmalig' });
    const only = await make.participant({ tripId: t.id, companyId: c.ownCompany.id });
    const p = `/api/v1/trips/${t.id}`;
    expect((await app.http.get(p).set(c.sessions.own.auth)).status).toBe(200);
    expect((await api.delete(`${p}/participants/${only.id}`)).status).toBe(204);
    expect((await app.http.get(p).set(c.sessions.own.auth)).status).toBe(404);
    expect((await app.http.get(`${p}/costs`).set(c.sessions.own.auth)).status).toBe(404);
  });
});

describe('participants', () => {
  const base = () => `/api/v1/trips/${trip.id}/participants`;

  it('GET list and one', async () => {
    await expectStatuses(c, READ, status('get', base()));
    await expectStatuses(c, READ, status('get', `${base()}/${mayor.id}`));
  });

  it('POST', async () => {
    await expectStatuses(c, AGENCY_CREATES, status('post', base(), { name: 'Neu' }));
  });

  it('PATCH (a company user may not even change its own delegate)', async () => {
    await expectStatuses(
      c,
      AGENCY_WRITES,
      status('patch', `${base()}/${ownDelegate.id}`, { function: 'Vertrieb' }),
    );
  });

  it('DELETE', async () => {
    const p = await make.participant({ tripId: trip.id, name: 'Absage' });
    await expectStatuses(
      c,
      WRITE_FORBIDDEN,
      status('delete', `${base()}/${p.id}`),
      FORBIDDEN_ROLES,
    );
    expect((await api.as(c.sessions.staff).delete(`${base()}/${p.id}`)).status).toBe(204);
    expect((await app.http.get(`${base()}/${p.id}`).set(admin.auth)).status).toBe(404);
  });
});

describe('appointments', () => {
  const base = () => `/api/v1/trips/${trip.id}/appointments`;

  it('GET list: all for the agency, without the restricted reception for its company', async () => {
    await expectStatuses(c, READ, status('get', base()));
    const ids = async (role: RoleName) =>
      (await app.http.get(base()).set(c.sessions[role].auth)).body.items.map(
        (a: { id: string }) => a.id,
      );
    expect(await ids('viewer')).toEqual([open.id, reception.id]);
    expect(await ids('own')).toEqual([open.id]);
  });

  it('GET one: the restricted reception is 404 to a company user', async () => {
    await expectStatuses(c, READ, status('get', `${base()}/${open.id}`));
    await expectStatuses(
      c,
      { admin: 200, staff: 200, viewer: 200, own: 404, foreign: 404 },
      status('get', `${base()}/${reception.id}`),
    );
  });

  it('POST', async () => {
    await expectStatuses(
      c,
      AGENCY_CREATES,
      status('post', base(), {
        title: 'Neu',
        startsAt: '2019-10-22T09:00:00+08:00',
        endsAt: '2019-10-22T10:00:00+08:00',
        timeZone: 'Asia/Shanghai',
      }),
    );
  });

  it('PATCH', async () => {
    await expectStatuses(c, AGENCY_WRITES, status('patch', `${base()}/${open.id}`, { venue: 'X' }));
  });

  it('DELETE', async () => {
    const a = await make.appointment({ tripId: trip.id, title: 'Abgesagt' });
    await expectStatuses(
      c,
      WRITE_FORBIDDEN,
      status('delete', `${base()}/${a.id}`),
      FORBIDDEN_ROLES,
    );
    expect((await api.as(c.sessions.staff).delete(`${base()}/${a.id}`)).status).toBe(204);
  });
});
