import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { Api, apiClient } from './api';
import type { TestApp } from './app';
import { PASSWORD, Session, login } from './auth';
import type { LocalSpan } from '../../src/trips/time';
import type { AppointmentView, ParticipantView, TripView } from '../../src/web/kit/views';

// The app's own search-key code, as built: rows written here are found exactly as the API's are.
/* eslint-disable @typescript-eslint/no-require-imports */
const { searchColumns } =
  require('../../dist/common/search') as typeof import('../../src/common/search');
const { contactSearchParts } =
  require('../../dist/contacts/contact-search') as typeof import('../../src/contacts/contact-search');
const { contactMatchColumns } =
  require('../../dist/contacts/match-keys') as typeof import('../../src/contacts/match-keys');
const { organisationMatchKeys } =
  require('../../dist/common/organisation-keys') as typeof import('../../src/common/organisation-keys');
/* eslint-enable @typescript-eslint/no-require-imports */

type Body = Record<string, unknown>;
/** A record as the API answers it: an id, a version and whatever else its DTO has. */
export type Made = { id: string; version: number; [field: string]: unknown };

/** The API's answers, typed as the pages read them. */
export type Trip = TripView;
export type Participant = ParticipantView & { version: number };
export type Appointment = AppointmentView & {
  attendeeIds: string[];
  local: LocalSpan;
  home: LocalSpan;
  version: number;
};
export interface User {
  id: string;
  email: string;
  password: string;
  version: number;
  role: string;
}

export const unique = () => randomBytes(4).toString('hex');

/** The body of `res` if it has `status`, else an error that shows what the API said. */
export function expectStatus<T>(res: Response, status: number, what: string): T {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as T;
}

export type SoftDeletable =
  | 'companies'
  | 'contacts'
  | 'partners'
  | 'trips'
  | 'appointments'
  | 'interactions'
  | 'agreements'
  | 'leads'
  | 'follow-ups';

/**
 * Test data with defaults you override, each call a new, distinct record, made through the API as
 * `session`: `const make = kit(app, admin); await make.lead({ companyId })`. `make.row` writes
 * rows straight into the database (with the app's own search keys) for what the API will not make
 * as a test needs it; `make.api` is the caller's HTTP client.
 */
export function kit(app: TestApp, session: Session) {
  const api: Api = apiClient(app, session);
  const created = async <T = Made>(path: string, body: Body, what: string): Promise<T> =>
    expectStatus<T>(await api.post(path, body), 201, `creating ${what}`);
  const one = async <T>(sql: string, params: unknown[]): Promise<T> =>
    (await app.db.query(sql, params)).rows[0] as T;

  const make = {
    api,
    company: (o: Body = {}) =>
      created<Made & { name: string }>(
        '/api/v1/companies',
        { name: `Firma ${unique()}`, city: 'Solingen', country: 'DE', ...o },
        'a company',
      ),
    partner: (o: Body = {}) =>
      created<Made & { name: string }>(
        '/api/v1/partners',
        { name: `Partner ${unique()}`, country: 'CN', ...o },
        'a partner',
      ),
    contact: (o: Body = {}) =>
      created<Made & { familyName: string }>(
        '/api/v1/contacts',
        { familyName: `Person ${unique()}`, ...o },
        'a contact',
      ),
    lead: (o: Body & { companyId: string }) =>
      created<Made & { companyId: string; title: string; stage: string }>(
        '/api/v1/leads',
        { title: `Lead ${unique()}`, ...o },
        'a lead',
      ),
    followUp: (o: Body = {}) =>
      created<Made & { title: string }>(
        '/api/v1/follow-ups',
        { title: 'Nachfassen', ...o },
        'a follow-up',
      ),
    interaction: (o: Body = {}) =>
      created<Made & { subject: string }>(
        '/api/v1/interactions',
        { occurredAt: new Date().toISOString(), subject: `Gespräch ${unique()}`, ...o },
        'an interaction',
      ),
    async agreement(o: Body = {}) {
      const partnerId = o.partnerId ?? (await make.partner()).id;
      return created<Made & { title: string }>(
        '/api/v1/agreements',
        { title: `Kooperationsvereinbarung ${unique()}`, ...o, partnerId },
        'an agreement',
      );
    },
    /** The article's dates: five days in Beijing and Shanghai, October 2019. */
    trip: (o: Body = {}) =>
      created<Trip>(
        '/api/v1/trips',
        {
          title: 'Wirtschaftsreise China 2019',
          destinations: [
            { country: 'CN', city: 'Peking' },
            { country: 'CN', city: 'Shanghai' },
          ],
          startsOn: '2019-10-20',
          endsOn: '2019-10-24',
          status: 'confirmed',
          ...o,
        },
        'a trip',
      ),
    participant: ({ tripId, ...o }: Body & { tripId: string }) =>
      created<Participant>(
        `/api/v1/trips/${tripId}/participants`,
        { name: 'Delegate', costBearer: 'self', estimatedCostEur: 2500, ...o },
        'a participant',
      ),
    appointment: ({ tripId, ...o }: Body & { tripId: string }) =>
      created<Appointment>(
        `/api/v1/trips/${tripId}/appointments`,
        {
          title: 'Termin',
          kind: 'meeting',
          startsAt: '2019-10-21T09:00:00+08:00',
          endsAt: '2019-10-21T10:00:00+08:00',
          timeZone: 'Asia/Shanghai',
          city: 'Peking',
          ...o,
        },
        'an appointment',
      ),
    async user(
      o: {
        role?: string;
        companyId?: string;
        email?: string;
        displayName?: string;
        password?: string;
      } = {},
    ): Promise<User> {
      const password = o.password ?? PASSWORD;
      const body = await created<Omit<User, 'password'>>(
        '/api/v1/users',
        {
          email: o.email ?? `user-${unique()}@test.liaison`,
          displayName: o.displayName ?? `Test User ${unique()}`,
          role: o.role ?? 'staff',
          ...(o.companyId && { companyId: o.companyId }),
          password,
        },
        'a user',
      );
      return { ...body, password };
    },
    /** A user of the given role, signed in. */
    async session(role = 'staff', companyId?: string): Promise<Session> {
      const user = await make.user({ role, companyId });
      return login(app, user.email, user.password);
    },

    /** Soft-deletes a record behind the API's back, as its module's DELETE would. */
    async softDelete(table: SoftDeletable, id: string): Promise<void> {
      await app.db.query(
        `UPDATE "${table.replace('-', '_')}" SET deleted_at = now(), version = version + 1 WHERE id = $1`,
        [id],
      );
      api.forget(id);
    },

    /** Rows written straight into the database, with the search keys the services compute. */
    row: {
      async company(
        o: {
          id?: string;
          name?: string;
          legalName?: string;
          industry?: string;
          city?: string;
        } = {},
      ): Promise<{ id: string; name: string }> {
        const name = o.name ?? `Firma ${unique()}`;
        const s = searchColumns([name, o.legalName]);
        return one(
          `INSERT INTO companies (id, name, legal_name, industry, city, country, search_key, search_prefixes, match_keys)
           VALUES (coalesce($7::uuid, gen_random_uuid()), $1, $2, $3, $4, 'DE', $5, $6, $8) RETURNING id, name`,
          [
            name,
            o.legalName ?? null,
            o.industry ?? null,
            o.city ?? 'Solingen',
            s.searchKey,
            s.searchPrefixes,
            o.id ?? null,
            organisationMatchKeys({ names: [name, o.legalName] }),
          ],
        );
      },

      /** Gives an existing company (e.g. one of the cast) a new name and its search keys. */
      async renameCompany(id: string, name: string): Promise<void> {
        const s = searchColumns([name]);
        await app.db.query(
          'UPDATE companies SET name = $2, search_key = $3, search_prefixes = $4, match_keys = $5 WHERE id = $1',
          [id, name, s.searchKey, s.searchPrefixes, organisationMatchKeys({ names: [name] })],
        );
        api.forget(id);
      },

      async partner(
        o: {
          name?: string;
          nativeName?: string;
          kind?: string;
          city?: string;
          country?: string;
        } = {},
      ): Promise<{ id: string; name: string }> {
        const name = o.name ?? `Partner ${unique()}`;
        const s = searchColumns([name, o.nativeName]);
        return one(
          `INSERT INTO partners (name, native_name, kind, city, country, search_key, search_prefixes, match_keys)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, name`,
          [
            name,
            o.nativeName ?? null,
            o.kind ?? 'other',
            o.city ?? 'Beijing',
            o.country ?? 'CN',
            s.searchKey,
            s.searchPrefixes,
            organisationMatchKeys({ names: [name, o.nativeName] }),
          ],
        );
      },

      async contact(
        o: {
          familyName?: string;
          givenName?: string;
          nativeName?: string;
          email?: string;
          position?: string;
          companyId?: string | null;
          partnerId?: string;
        } = {},
      ): Promise<{ id: string }> {
        const familyName = o.familyName ?? `Person ${unique()}`;
        const organisation = o.companyId
          ? (
              await app.db.query<{ name: string; legal_name: string | null }>(
                'SELECT name, legal_name FROM companies WHERE id = $1',
                [o.companyId],
              )
            ).rows.flatMap((r) => [r.name, r.legal_name])
          : o.partnerId
            ? (
                await app.db.query<{ name: string; native_name: string | null }>(
                  'SELECT name, native_name FROM partners WHERE id = $1',
                  [o.partnerId],
                )
              ).rows.flatMap((r) => [r.name, r.native_name])
            : [];
        const s = searchColumns(
          contactSearchParts({
            familyName,
            givenName: o.givenName,
            nativeName: o.nativeName,
            email: o.email,
            organisation,
          }),
        );
        const keys = contactMatchColumns({
          familyName,
          givenName: o.givenName,
          nativeName: o.nativeName,
        });
        return one(
          `INSERT INTO contacts (family_name, given_name, native_name, email, position, company_id, partner_id, country, search_key, search_prefixes, name_key)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'CN', $8, $9, $10) RETURNING id`,
          [
            familyName,
            o.givenName ?? null,
            o.nativeName ?? null,
            o.email ?? null,
            o.position ?? null,
            o.companyId ?? null,
            o.partnerId ?? null,
            s.searchKey,
            s.searchPrefixes,
            keys.nameKey,
          ],
        );
      },

      trip: (o: { title?: string } = {}): Promise<{ id: string }> =>
        one(
          `INSERT INTO trips (title, starts_on, ends_on, status)
           VALUES ($1, '2026-10-19', '2026-10-23', 'confirmed') RETURNING id`,
          [o.title ?? `Delegationsreise ${unique()}`],
        ),

      appointment: (tripId: string, o: { title?: string } = {}): Promise<{ id: string }> =>
        one(
          `INSERT INTO appointments (trip_id, title, kind, starts_at, ends_at, time_zone, city)
           VALUES ($1, $2, 'meeting', '2026-10-20T09:00:00+08:00', '2026-10-20T10:00:00+08:00', 'Asia/Shanghai', 'Beijing')
           RETURNING id`,
          [tripId, o.title ?? `Termin ${unique()}`],
        ),

      lead: (o: {
        companyId: string;
        title?: string;
        stage?: string;
        contactId?: string;
        partnerId?: string;
      }): Promise<{ id: string }> =>
        one(
          `INSERT INTO leads (company_id, title, stage, contact_id, partner_id)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [
            o.companyId,
            o.title ?? `Lead ${unique()}`,
            o.stage ?? 'new',
            o.contactId ?? null,
            o.partnerId ?? null,
          ],
        ),

      interaction: (authorId: string): Promise<{ id: string }> =>
        one(
          `INSERT INTO interactions (occurred_at, subject, author_id) VALUES (now(), $1, $2) RETURNING id`,
          [`Gespräch ${unique()}`, authorId],
        ),

      agreement: (partnerId: string): Promise<{ id: string }> =>
        one(`INSERT INTO agreements (partner_id, title) VALUES ($1, $2) RETURNING id`, [
          partnerId,
          `Kooperationsvereinbarung ${unique()}`,
        ]),
    },
  };
  return make;
}

export type Kit = ReturnType<typeof kit>;
