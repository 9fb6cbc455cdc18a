import { randomUUID } from 'node:crypto';
import { Route, fillPath, listRoutes } from './helpers/routes';
import { Kit, Session, TestApp, useApp } from './helpers/world';

/* eslint-disable @typescript-eslint/no-require-imports */
const { ROLES, PERMISSIONS, can } =
  require('../dist/auth/permissions') as typeof import('../src/auth/permissions');
/* eslint-enable @typescript-eslint/no-require-imports */
type Role = (typeof ROLES)[number];
type Action = keyof typeof PERMISSIONS;

/**
 * Every API route × every role, from the route list and the permission table alone: a role the
 * table refuses gets 403, a role it allows never 401, 403 or a 5xx (its 400, 404, 412 or 428 is the
 * business of each module's own tests). Calls are empty-bodied and without If-Match, so no
 * allowed call changes anything; ids are real records of their kind, so scope is not all one sees.
 */
let app: TestApp, admin: Session, make: Kit;
useApp((w) => ({ app, admin, make } = w));
let routes: Route[];
const sessions = {} as Record<Role, Session>;
/** The id a `:param` of a route under `/api/v1/<resource>` is filled with. */
let ids: Record<string, string>;

beforeAll(async () => {
  routes = listRoutes(app).filter(
    (r) => r.path.startsWith('/api/') && r.access && 'action' in r.access,
  );
  const company = await make.company();
  const partner = await make.partner();
  const contact = await make.contact({ companyId: company.id });
  const trip = await make.trip();
  const [participant, appointment, lead, followUp, interaction, agreement, user] =
    await Promise.all([
      make.participant({ tripId: trip.id, companyId: company.id }),
      make.appointment({ tripId: trip.id }),
      make.lead({ companyId: company.id, contactId: contact.id }),
      make.followUp({ companyId: company.id }),
      make.interaction({ contactIds: [contact.id] }),
      make.agreement({ partnerId: partner.id }),
      make.user(),
    ]);
  ids = {
    companies: company.id,
    partners: partner.id,
    contacts: contact.id,
    trips: trip.id,
    tripId: trip.id,
    participantId: participant.id,
    appointmentId: appointment.id,
    leads: lead.id,
    'follow-ups': followUp.id,
    interactions: interaction.id,
    agreements: agreement.id,
    users: user.id,
  };
  sessions.admin = admin;
  [sessions.staff, sessions.viewer, sessions.company] = await Promise.all([
    make.session('staff'),
    make.session('viewer'),
    make.session('company', company.id),
  ]);
});

const actionOf = (route: Route) => (route.access as { action: Action }).action;
const resourceOf = (path: string) => path.split('/')[3];
/** Signing out ends the session the other calls use: it goes last. */
const signsOut = (route: Route) => route.path === '/api/v1/auth/logout';

async function statusOf(route: Route, session: Session): Promise<number> {
  const path = fillPath(
    route.path,
    (param) => ids[param === 'id' ? resourceOf(route.path) : param] ?? randomUUID(),
  );
  const req = app.http[route.method.toLowerCase() as 'get'](path).set(session.auth);
  return (await (route.method === 'GET' ? req : req.send({}))).status;
}

describe('route × role matrix', () => {
  it('covers the API and knows every action it names', () => {
    expect(routes.length).toBeGreaterThan(50);
    expect(routes.map(actionOf).filter((action) => !(action in PERMISSIONS))).toEqual([]);
  });

  it.each([...ROLES])('answers %s as the permission table says', async (role) => {
    const ordered = [...routes.filter((r) => !signsOut(r)), ...routes.filter(signsOut)];
    const wrong: string[] = [];
    for (const route of ordered) {
      const allowed = can(role, actionOf(route));
      const status = await statusOf(route, sessions[role]);
      const ok = allowed ? ![401, 403].includes(status) && status < 500 : status === 403;
      if (!ok) {
        wrong.push(
          `${route.method} ${route.path} (${actionOf(route)}): ${allowed ? 'allowed' : 'refused'}, got ${status}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });
});
