/**
 * The record lists and gets (and a contact's timeline) are serialised by their DTO's schema
 * (fast-json-stringify, src/common/response-schema.ts), which writes what the schema says, not
 * what the value is: a property it lacks is dropped, a null may become "" or 0. So every such
 * route, as each kind of caller, answers the same with the schemas as a second process of the same
 * build on the same database answers without them (RESPONSE_SCHEMAS=false, JSON.stringify):
 * records with every field set and with every optional field null, nested objects, arrays, enums,
 * dates, soft-deleted ones, the company user's view of contacts and leads.
 */
import { isDeepStrictEqual } from 'node:util';
import { startTestApp } from './helpers/app';
import { Made, Session, TestApp, useApp } from './helpers/world';
import type { Kit } from './helpers/world';

let app: TestApp, admin: Session, make: Kit;
let plain: TestApp;
useApp((w) => ({ app, admin, make } = w));
beforeAll(async () => {
  plain = await startTestApp({
    databaseUrl: app.databaseUrl,
    env: { RESPONSE_SCHEMAS: 'false' },
  });
});
afterAll(() => plain?.stop());

const paths: string[] = [];
const callers = {} as Record<'admin' | 'staff' | 'company', Session>;

beforeAll(async () => {
  const company = await make.company({
    legalName: 'Wuppertaler Kunststofftechnik KG',
    industry: 'Kunststoffverarbeitung',
    website: 'https://www.example.de',
    description: 'Spritzguss, „Qualität“ & <Service>\n',
    branchCountries: ['CN', 'IN'],
  });
  const bare = await make.company({ city: null });
  const partner = await make.partner({ nativeName: '北京朝阳商会', city: 'Beijing' });
  const full = await make.contact({
    givenName: 'Fang',
    nativeName: '王芳',
    salutation: 'Frau',
    position: 'Direktorin',
    companyId: company.id,
    email: 'wang.fang@example.cn',
    phone: '+86 10 1234 5678',
    wechatId: 'wangfang_tp',
    languages: ['zh-CN', 'en'],
    country: 'CN',
    city: 'Beijing',
    notes: 'Ein "Zitat" und ein Backslash \\ und 🙂',
    tags: ['delegation-2026', 'signing'],
    legalBasis: { basis: 'consent', recordedAt: '2026-10-20T09:30:00+08:00', source: 'Messe' },
  });
  const minimal = await make.contact({});
  const atPartner = await make.contact({ partnerId: partner.id, legalBasis: null });
  const trip = await make.trip({ purpose: 'Messe' });
  const [participant, appointment] = await Promise.all([
    make.participant({ tripId: trip.id, companyId: company.id }),
    make.appointment({ tripId: trip.id }),
  ]);
  const lead = await make.lead({
    companyId: company.id,
    contactId: full.id,
    valueEur: 250000.5,
    expectedCloseOn: '2027-01-10',
    description: 'Großauftrag',
    tripId: trip.id,
  });
  await make.api.patch(`/api/v1/leads/${lead.id}`, { stage: 'qualified' });
  await make.lead({ companyId: company.id, contactId: full.id });
  const interaction = await make.interaction({
    contactIds: [full.id, minimal.id],
    companyIds: [company.id],
    summary: 'x'.repeat(600),
    location: 'Beijing',
  });
  await make.interaction({ contactIds: [full.id] });
  const followUp = await make.followUp({ contactId: full.id, dueOn: '2026-12-01' });
  await make.followUp({ contactId: full.id });
  const agreement = await make.agreement({ partnerId: partner.id });
  const gone = await make.contact({ familyName: 'Gelöscht' });
  await make.softDelete('contacts', gone.id);

  const one: Record<string, Made> = {
    companies: company,
    partners: partner,
    contacts: full,
    leads: lead,
    interactions: interaction,
    'follow-ups': followUp,
    agreements: agreement,
    trips: trip as unknown as Made,
  };
  for (const [kind, record] of Object.entries(one)) {
    paths.push(`/api/v1/${kind}`, `/api/v1/${kind}?limit=1`, `/api/v1/${kind}/${record.id}`);
  }
  paths.push(
    `/api/v1/companies/${bare.id}`,
    `/api/v1/contacts/${minimal.id}`,
    `/api/v1/contacts/${atPartner.id}`,
    `/api/v1/contacts?deleted=true`,
    `/api/v1/contacts/${full.id}/timeline`,
    `/api/v1/contacts/${full.id}/timeline?limit=2`,
    `/api/v1/contacts/${minimal.id}/timeline`,
    `/api/v1/trips/${trip.id}/participants`,
    `/api/v1/trips/${trip.id}/participants/${participant.id}`,
    `/api/v1/trips/${trip.id}/appointments`,
    `/api/v1/trips/${trip.id}/appointments/${appointment.id}`,
  );
  callers.admin = admin;
  [callers.staff, callers.company] = await Promise.all([
    make.session('staff'),
    make.session('company', company.id),
  ]);
});

describe('answers serialised by their schema', () => {
  it.each(['admin', 'staff', 'company'] as const)(
    'are the same as JSON.stringify writes them, as %s',
    async (who) => {
      const differences: string[] = [];
      let answered = 0;
      for (const path of paths) {
        const [schema, stringify] = await Promise.all(
          [app, plain].map((a) => a.http.get(path).set(callers[who].auth)),
        );
        if (schema.status === 200) answered++;
        // Property order may differ (the schema's), nothing else: not a value, not an escape.
        const same =
          schema.status === stringify.status &&
          schema.headers['content-type'] === stringify.headers['content-type'] &&
          schema.text.length === stringify.text.length &&
          (schema.status !== 200 || isDeepStrictEqual(schema.body, stringify.body));
        if (!same)
          differences.push(
            `${path}: ${schema.status} ${schema.text} ≠ ${stringify.status} ${stringify.text}`,
          );
      }
      expect(differences).toEqual([]);
      // The company user reads only some kinds; everyone reads most of these.
      expect(answered).toBeGreaterThan(who === 'company' ? 10 : paths.length - 2);
    },
  );
});
