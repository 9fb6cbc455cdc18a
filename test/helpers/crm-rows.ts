import { randomBytes } from 'node:crypto';
import { contactSearchParts } from '../../src/contacts/contact-search';
import { searchColumns } from '../../src/common/search';
import type { TestApp } from './app';

/**
 * CRM rows written straight into the test database, for tests of modules that link to records
 * other modules own. Search keys are computed with the same functions the services use.
 */
export function crmRows(app: TestApp) {
  const unique = () => randomBytes(4).toString('hex');
  const one = async <T>(sql: string, params: unknown[]): Promise<T> =>
    (await app.db.query(sql, params)).rows[0] as T;

  return {
    async company(
      o: { id?: string; name?: string; legalName?: string; industry?: string; city?: string } = {},
    ): Promise<{ id: string; name: string }> {
      const name = o.name ?? `Firma ${unique()}`;
      const s = searchColumns([name, o.legalName]);
      return one(
        `INSERT INTO companies (id, name, legal_name, industry, city, country, search_key, search_prefixes)
         VALUES (coalesce($7::uuid, gen_random_uuid()), $1, $2, $3, $4, 'DE', $5, $6) RETURNING id, name`,
        [
          name,
          o.legalName ?? null,
          o.industry ?? null,
          o.city ?? 'Solingen',
          s.searchKey,
          s.searchPrefixes,
          o.id ?? null,
        ],
      );
    },

    /** Gives an existing company (e.g. one of the cast) a new name and its search keys. */
    async renameCompany(id: string, name: string): Promise<void> {
      const s = searchColumns([name]);
      await app.db.query(
        'UPDATE companies SET name = $2, search_key = $3, search_prefixes = $4 WHERE id = $1',
        [id, name, s.searchKey, s.searchPrefixes],
      );
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
        `INSERT INTO partners (name, native_name, kind, city, country, search_key, search_prefixes)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, name`,
        [
          name,
          o.nativeName ?? null,
          o.kind ?? 'other',
          o.city ?? 'Beijing',
          o.country ?? 'CN',
          s.searchKey,
          s.searchPrefixes,
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
        companyId?: string;
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
      return one(
        `INSERT INTO contacts (family_name, given_name, native_name, email, position, company_id, partner_id, country, search_key, search_prefixes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'CN', $8, $9) RETURNING id`,
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
        ],
      );
    },

    async trip(o: { title?: string } = {}): Promise<{ id: string }> {
      return one(
        `INSERT INTO trips (title, starts_on, ends_on, status)
         VALUES ($1, '2026-10-19', '2026-10-23', 'confirmed') RETURNING id`,
        [o.title ?? `Delegationsreise ${unique()}`],
      );
    },

    async appointment(tripId: string, o: { title?: string } = {}): Promise<{ id: string }> {
      return one(
        `INSERT INTO appointments (trip_id, title, kind, starts_at, ends_at, time_zone, city)
         VALUES ($1, $2, 'meeting', '2026-10-20T09:00:00+08:00', '2026-10-20T10:00:00+08:00', 'Asia/Shanghai', 'Beijing')
         RETURNING id`,
        [tripId, o.title ?? `Termin ${unique()}`],
      );
    },

    async lead(o: {
      companyId: string;
      title?: string;
      stage?: string;
      contactId?: string;
      partnerId?: string;
    }): Promise<{ id: string }> {
      return one(
        `INSERT INTO leads (company_id, title, stage, contact_id, partner_id)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [
          o.companyId,
          o.title ?? `Lead ${unique()}`,
          o.stage ?? 'new',
          o.contactId ?? null,
          o.partnerId ?? null,
        ],
      );
    },

    async softDelete(
      table: 'contacts' | 'companies' | 'partners' | 'leads' | 'trips' | 'appointments',
      id: string,
    ): Promise<void> {
      await app.db.query(
        `UPDATE ${table} SET deleted_at = now(), version = version + 1 WHERE id = $1`,
        [id],
      );
    },
  };
}
