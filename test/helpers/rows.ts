import { randomBytes } from 'node:crypto';
import type { TestApp } from './app';

/**
 * Rows of modules built elsewhere (contacts, partners, trips, …), written straight to the test
 * database: a test of leads or follow-ups needs something to link to, not those modules' API.
 */
export function rows(app: TestApp) {
  const unique = () => randomBytes(4).toString('hex');
  const one = async (sql: string, params: unknown[]): Promise<{ id: string }> =>
    (await app.db.query<{ id: string }>(sql, params)).rows[0];
  return {
    contact: (companyId: string | null = null) =>
      one(`INSERT INTO contacts (family_name, company_id) VALUES ($1, $2) RETURNING id`, [
        `Kontakt ${unique()}`,
        companyId,
      ]),
    partner: () =>
      one(`INSERT INTO partners (name, country) VALUES ($1, 'CN') RETURNING id`, [
        `Technologiepark ${unique()}`,
      ]),
    trip: () =>
      one(
        `INSERT INTO trips (title, starts_on, ends_on) VALUES ($1, '2026-10-18', '2026-10-22') RETURNING id`,
        [`Delegationsreise ${unique()}`],
      ),
    appointment: (tripId: string) =>
      one(
        `INSERT INTO appointments (trip_id, title, starts_at, ends_at, time_zone)
         VALUES ($1, $2, '2026-10-19T02:00:00Z', '2026-10-19T03:30:00Z', 'Asia/Shanghai') RETURNING id`,
        [tripId, `Termin ${unique()}`],
      ),
    interaction: (authorId: string) =>
      one(
        `INSERT INTO interactions (occurred_at, subject, author_id) VALUES (now(), $1, $2) RETURNING id`,
        [`Gespräch ${unique()}`, authorId],
      ),
    agreement: (partnerId: string) =>
      one(`INSERT INTO agreements (partner_id, title) VALUES ($1, $2) RETURNING id`, [
        partnerId,
        `Kooperationsvereinbarung ${unique()}`,
      ]),
    /** Soft-deletes any CRM record, as its own module's DELETE would. */
    softDelete: async (
      table:
        | 'companies'
        | 'contacts'
        | 'partners'
        | 'trips'
        | 'appointments'
        | 'interactions'
        | 'agreements'
        | 'leads',
      id: string,
    ) => {
      await app.db.query(`UPDATE ${table} SET deleted_at = now() WHERE id = $1`, [id]);
    },
  };
}
