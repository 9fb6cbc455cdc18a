import { MigrationInterface, QueryRunner } from 'typeorm';
import { contactMatchColumns } from '../../contacts/match-keys';

/**
 * What finds one person entered twice (src/contacts/match-keys.ts): a contact's phone in E.164
 * (`phone_key`) and its name in any script and order (`name_key`), kept by the contacts service,
 * each with an index of the live contacts, as is the WeChat id; the e-mail has one since the
 * contacts were made. A merged record (contact, company, partner) points to the one it was
 * merged into.
 */
export class MatchKeys1764250000000 implements MigrationInterface {
  name = 'MatchKeys1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE contacts ADD COLUMN name_key text, ADD COLUMN phone_key text');
    for (const table of ['contacts', 'companies', 'partners'])
      await q.query(
        `ALTER TABLE ${table} ADD COLUMN merged_into_id uuid REFERENCES ${table} (id) ON DELETE SET NULL`,
      );
    const rows = (await q.query(
      'SELECT id, family_name, given_name, native_name, phone, country FROM contacts',
    )) as {
      id: string;
      family_name: string;
      given_name: string | null;
      native_name: string | null;
      phone: string | null;
      country: string | null;
    }[];
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000).map((r) => ({
        id: r.id,
        ...contactMatchColumns({
          familyName: r.family_name,
          givenName: r.given_name,
          nativeName: r.native_name,
          phone: r.phone,
          country: r.country,
        }),
      }));
      await q.query(
        `UPDATE contacts c SET name_key = k.name_key, phone_key = k.phone_key
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k (id, name_key, phone_key)
         WHERE c.id = k.id`,
        [batch.map((b) => b.id), batch.map((b) => b.nameKey), batch.map((b) => b.phoneKey)],
      );
    }
    await q.query(
      'CREATE INDEX contacts_name_key_idx ON contacts (name_key) WHERE deleted_at IS NULL',
    );
    await q.query(
      'CREATE INDEX contacts_phone_key_idx ON contacts (phone_key) WHERE deleted_at IS NULL AND phone_key IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX contacts_wechat_id_idx ON contacts (wechat_id) WHERE deleted_at IS NULL AND wechat_id IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX contacts_wechat_id_idx');
    for (const table of ['contacts', 'companies', 'partners'])
      await q.query(`ALTER TABLE ${table} DROP COLUMN merged_into_id`);
    await q.query('ALTER TABLE contacts DROP COLUMN phone_key, DROP COLUMN name_key');
  }
}
