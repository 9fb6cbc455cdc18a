import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { VersionConflict } from '../common/errors';
import { andPositional, positionalParams } from '../common/scope';
import { transaction } from '../common/transaction';
import { Contact } from '../contacts/contact.entity';
import { AUDITED } from '../contacts/contacts.service';
import { ContactsService } from '../contacts/contacts.service';
import { contactScope } from '../contacts/scope';
import { interactionScope } from '../interactions/scope';
import { linksTo } from '../merge/links';
import { ERASED, erasurePattern, linkedPattern, PersonValues } from './needles';

/** A place a person's record is named: a table's column and how many of its rows. */
export interface Place {
  table: string;
  column: string;
  count: number;
}

/**
 * Where a contact is named by its id without a foreign key (so the catalogue does not list them):
 * import rows (the record a row made or updated, the record it duplicated), the audit trail and
 * notifications (any record kind), pairs marked "not a duplicate".
 */
const UNLINKED_PLACES: { table: string; column: string; where?: string }[] = [
  { table: 'import_rows', column: 'record_id' },
  { table: 'import_rows', column: 'duplicate_of' },
  { table: 'audit_events', column: 'entity_id', where: `entity = 'contact'` },
  { table: 'notifications', column: 'record_id' },
  { table: 'not_duplicates', column: 'a', where: `kind = 'contact'` },
  { table: 'not_duplicates', column: 'b', where: `kind = 'contact'` },
];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The person's fields that an erasure names when they held a value (never the values). */
const PERSONAL_FIELDS = AUDITED.filter((f) => f !== 'deletedAt');

/** Everything stored about a person, as `personalData` reads it (the DTO maps it). */
export interface PersonalData {
  contact: Contact;
  merged: Contact[];
  interactions: Record<string, unknown>[];
  followUps: Record<string, unknown>[];
  leads: Record<string, unknown>[];
  trips: Record<string, unknown>[];
  appointments: Record<string, unknown>[];
  delegates: Record<string, unknown>[];
  importRows: Record<string, unknown>[];
  cards: Record<string, unknown>[];
  history: AuditEvent[];
  places: Place[];
}

/** What an erasure changed: fields, and rows per table — never a value. */
export interface ErasureReport {
  id: string;
  contacts: number;
  fields: string[];
  rows: Record<string, number>;
}

/** The ids a person is linked to, read once before an erasure changes anything. */
interface Linked {
  interactions: string[];
  leads: string[];
  followUps: string[];
  appointments: string[];
  trips: string[];
  partners: string[];
  imports: string[];
}

/**
 * The rights of a person (GDPR art. 15 and 17) for contacts: everything stored about one, and
 * its erasure everywhere it is stored. Reading other modules' tables directly (like src/merge/
 * moving links) is the point here: erasure must reach every table in one transaction, by the
 * catalogue's foreign keys, so that a table added later is covered without a change here.
 */
@Injectable()
export class PrivacyService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contacts: ContactsService,
    private readonly audit: AuditService,
  ) {}

  /** The contact and the ones merged into it (and into those), all one person. */
  private async personIds(em: EntityManager, id: string): Promise<string[]> {
    const rows = (await em.query(
      `WITH RECURSIVE person AS (
         SELECT id FROM contacts WHERE id = $1
         UNION SELECT c.id FROM contacts c JOIN person p ON c.merged_into_id = p.id)
       SELECT id FROM person`,
      [id],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async personalData(actor: Actor, id: string): Promise<PersonalData> {
    const contact = await this.contacts.get(actor, id);
    const em = this.db.manager;
    const ids = await this.personIds(em, id);
    const others = ids.filter((other) => other !== id);
    const merged = others.length
      ? await em.getRepository(Contact).find({ where: { id: In(others) }, withDeleted: true })
      : [];
    const { values, param } = positionalParams(ids);
    const interactions = (await em.query(
      `SELECT i.id, i.occurred_at AS "occurredAt", i.kind, i.subject, i.summary, i.location,
              i.confidential, i.trip_id AS "tripId", i.appointment_id AS "appointmentId",
              i.deleted_at AS "deletedAt",
              coalesce((SELECT json_agg(json_build_object('id', o.id, 'familyName', o.family_name,
                          'givenName', o.given_name, 'nativeName', o.native_name)
                          ORDER BY o.family_name, o.id)
                        FROM interaction_contacts oc JOIN contacts o ON o.id = oc.contact_id
                        WHERE oc.interaction_id = i.id AND oc.contact_id <> ALL ($1)
                          AND o.deleted_at IS NULL ${andPositional(contactScope(actor, 'o'), param)}),
                       '[]') AS "otherParticipants"
       FROM interactions i
       WHERE i.id IN (SELECT interaction_id FROM interaction_contacts WHERE contact_id = ANY ($1))
         ${andPositional(interactionScope(actor, 'i'), param)}
       ORDER BY i.occurred_at, i.id`,
      values,
    )) as Record<string, unknown>[];
    const leads = (await em.query(
      `SELECT l.id, l.title, l.description, l.stage, l.company_id AS "companyId",
              l.lost_reason AS "lostReason", l.trip_id AS "tripId",
              l.appointment_id AS "appointmentId", l.created_at AS "createdAt",
              l.deleted_at AS "deletedAt",
              coalesce((SELECT json_agg(json_build_object('id', n.id, 'body', n.body,
                          'createdAt', n.created_at) ORDER BY n.created_at, n.id)
                        FROM lead_notes n WHERE n.lead_id = l.id), '[]') AS notes
       FROM leads l WHERE l.contact_id = ANY ($1) ORDER BY l.created_at, l.id`,
      [ids],
    )) as Record<string, unknown>[];
    const followUps = (await em.query(
      `SELECT id, title, notes, status, priority, due_on AS "dueOn", completed_at AS "completedAt",
              lead_id AS "leadId", created_at AS "createdAt", deleted_at AS "deletedAt"
       FROM follow_ups WHERE contact_id = ANY ($1) ORDER BY created_at, id`,
      [ids],
    )) as Record<string, unknown>[];
    const linked = await this.linked(em, ids);
    const appointments = (await em.query(
      `SELECT id, trip_id AS "tripId", title, kind, starts_at AS "startsAt", ends_at AS "endsAt",
              city, venue, notes, deleted_at AS "deletedAt"
       FROM appointments WHERE id = ANY ($1) ORDER BY starts_at, id`,
      [linked.appointments],
    )) as Record<string, unknown>[];
    const trips = (await em.query(
      `SELECT id, title, starts_on AS "startsOn", ends_on AS "endsOn", deleted_at AS "deletedAt"
       FROM trips WHERE id = ANY ($1) ORDER BY starts_on, id`,
      [linked.trips],
    )) as Record<string, unknown>[];
    const people = await this.values(em, ids);
    const pattern = erasurePattern(people);
    // A trip's delegates are named, not linked: those of the person's trips bearing the name.
    const delegates = pattern
      ? ((await em.query(
          `SELECT id, trip_id AS "tripId", name, function FROM participants
           WHERE trip_id = ANY ($1) AND name ~* $2 ORDER BY trip_id, id`,
          [linked.trips, pattern],
        )) as Record<string, unknown>[])
      : [];
    const importRows = (await em.query(
      `SELECT r.import_id AS "importId", i.file_name AS "fileName", i.created_at AS "importedAt",
              r.row, r.values, r.outcome, r.record_id AS "recordId",
              r.duplicate_of AS "duplicateOf"
       FROM import_rows r JOIN imports i ON i.id = r.import_id
       WHERE r.record_id = ANY ($1) OR r.duplicate_of = ANY ($1)
       ORDER BY i.created_at, r.import_id, r.row`,
      [ids],
    )) as Record<string, unknown>[];
    const cards = (await em.query(
      `SELECT contact_id AS "contactId", 'photo' AS kind, side, media_type AS "mediaType",
              octet_length(image) AS bytes, created_at AS "createdAt", NULL::jsonb AS proposal
       FROM contact_cards WHERE contact_id = ANY ($1)
       UNION ALL
       SELECT contact_id, 'scan', NULL, NULL, NULL, created_at, proposal
       FROM card_scans WHERE contact_id = ANY ($1)
       ORDER BY kind, "createdAt"`,
      [ids],
    )) as Record<string, unknown>[];
    const history = await em.getRepository(AuditEvent).find({
      where: { entity: 'contact', entityId: In(ids) },
      order: { at: 'ASC', id: 'ASC' },
    });
    const places = await this.places(em, ids);
    // Handing out everything about a person is itself a disclosure: who did, and when.
    await this.audit.record(em, {
      actorId: actor.userId,
      action: 'access',
      entity: 'contact',
      entityId: id,
      changes: { contacts: ids.length, places: places.length },
    });
    return {
      contact,
      merged,
      interactions,
      followUps,
      leads,
      trips,
      appointments,
      delegates,
      importRows,
      cards,
      history,
      places,
    };
  }

  /** Every table and column naming the person, with how many rows: the catalogue's and the rest. */
  private async places(em: EntityManager, ids: string[]): Promise<Place[]> {
    const places: Place[] = [];
    const count = async (table: string, column: string, where?: string) => {
      const [row] = (await em.query(
        `SELECT count(*)::int AS n FROM ${quote(table)}
         WHERE ${quote(column)} = ANY ($1) ${where ? `AND ${where}` : ''}`,
        [ids],
      )) as { n: number }[];
      if (row.n > 0) places.push({ table, column, count: row.n });
    };
    for (const link of await linksTo(em, 'contacts')) await count(link.table, link.column);
    for (const p of UNLINKED_PLACES) await count(p.table, p.column, p.where);
    return places;
  }

  private async values(em: EntityManager, ids: string[]): Promise<PersonValues[]> {
    return (await em.query(
      `SELECT family_name, given_name, native_name, email, phone, phone_key, wechat_id
       FROM contacts WHERE id = ANY ($1)`,
      [ids],
    )) as PersonValues[];
  }

  private async linked(em: EntityManager, ids: string[]): Promise<Linked> {
    const list = async (sql: string, params: unknown[]) =>
      ((await em.query(sql, params)) as { id: string | null }[])
        .map((r) => r.id)
        .filter((id): id is string => id !== null);
    const interactions = await list(
      'SELECT DISTINCT interaction_id AS id FROM interaction_contacts WHERE contact_id = ANY ($1)',
      [ids],
    );
    const leads = await list('SELECT id FROM leads WHERE contact_id = ANY ($1)', [ids]);
    const followUps = await list(
      `SELECT id FROM follow_ups
       WHERE contact_id = ANY ($1) OR lead_id = ANY ($2) OR interaction_id = ANY ($3)`,
      [ids, leads, interactions],
    );
    const appointments = await list(
      `SELECT appointment_id AS id FROM interactions WHERE id = ANY ($1)
       UNION SELECT appointment_id FROM leads WHERE id = ANY ($2)`,
      [interactions, leads],
    );
    const trips = await list(
      `SELECT trip_id AS id FROM interactions WHERE id = ANY ($1)
       UNION SELECT trip_id FROM leads WHERE id = ANY ($2)
       UNION SELECT trip_id FROM appointments WHERE id = ANY ($3)`,
      [interactions, leads, appointments],
    );
    const partners = await list(
      'SELECT DISTINCT partner_id AS id FROM contacts WHERE id = ANY ($1)',
      [ids],
    );
    const imports = await list(
      `SELECT DISTINCT import_id AS id FROM import_rows
       WHERE record_id = ANY ($1) OR duplicate_of = ANY ($1)`,
      [ids],
    );
    return { interactions, leads, followUps, appointments, trips, partners, imports };
  }

  /**
   * Erases the person everywhere it is stored, in one transaction, at the version the caller
   * read (412 otherwise; 404 when the caller cannot see the contact). What is removed and what is
   * kept, table by table, is in the README ("Erasure: what is removed and what is kept").
   *
   * The contact row is deleted, not kept as a tombstone: a tombstone would be a contact without a
   * name (family_name is required) that every list, search, export, duplicate check and import
   * match would have to leave out, and an id is all that is left to keep. The audit trail keeps
   * the id on its events, and this erasure's own event says that the record existed and went.
   */
  async erase(actor: Actor, id: string, version: number): Promise<ErasureReport> {
    return transaction(this.db, async (em) => {
      await em.query('SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE', [id]);
      const contact = await this.contacts.get(actor, id, em);
      if (contact.version !== version) throw new VersionConflict(contact.version);
      const ids = await this.personIds(em, id);
      await em.query('SELECT 1 FROM contacts WHERE id = ANY ($1) ORDER BY id FOR UPDATE', [ids]);
      const people = await this.values(em, ids);
      const pattern = erasurePattern(people);
      const linked = await this.linked(em, ids);
      const rows: Record<string, number> = {};
      const run = async (name: string, sql: string, params: unknown[]) => {
        const [, count] = (await em.query(sql, params)) as [unknown, number];
        if (count > 0) rows[name] = (rows[name] ?? 0) + count;
      };
      // What names the person in the texts of the records linked to it (by their ids, indexed).
      const own = linkedPattern(people);
      if (pattern && own) await this.eraseLinkedTexts(run, linked, own, pattern);

      // The scans saved into the person hold what its card said: they go (the photos kept with
      // the contact, contact_cards, go by their foreign key below). A scan not saved that
      // matched the person is about the person (its name alone counts), others lose the values.
      await run('card_scans', 'DELETE FROM card_scans WHERE contact_id = ANY ($1)', [ids]);
      if (pattern && own) {
        await run(
          'card_scans',
          `UPDATE card_scans SET proposal = erase_matches(proposal, $2), version = version + 1,
             updated_at = now()
           WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(proposal->'matches') m
                         WHERE m->>'id' = ANY ($1::text[]))`,
          [ids, own],
        );
        await run(
          'card_scans',
          `UPDATE card_scans SET proposal = erase_matches(proposal, $1), version = version + 1,
             updated_at = now()
           WHERE proposal::text ~* $1`,
          [pattern],
        );
      }

      // Every row that links to the person loses the link (a record of its own: leads,
      // follow-ups) or goes (a join row: an interaction's participant; the interaction stays
      // with its other participants), by the catalogue's foreign keys.
      for (const link of await linksTo(em, 'contacts')) {
        const t = quote(link.table);
        const c = quote(link.column);
        if (link.nullable) {
          const stamp = await this.stamp(em, link.table);
          await run(
            `${link.table}.${link.column}`,
            `UPDATE ${t} SET ${c} = NULL${stamp} WHERE ${c} = ANY ($1)`,
            [ids],
          );
        } else {
          await run(`${link.table}.${link.column}`, `DELETE FROM ${t} WHERE ${c} = ANY ($1)`, [
            ids,
          ]);
        }
      }
      await run(
        'not_duplicates',
        `DELETE FROM not_duplicates WHERE kind = 'contact' AND (a = ANY ($1) OR b = ANY ($1))`,
        [ids],
      );

      // The import rows that held the person: every value of theirs is erased (the row stays, so
      // the import's report and counts stay true); other rows of those imports lose the matches;
      // the imports' samples too, and their files (read only by the check and the run).
      await run(
        'import_rows',
        `UPDATE import_rows SET
           values = (SELECT coalesce(jsonb_object_agg(k, to_jsonb($2::text)), '{}'::jsonb)
                     FROM jsonb_each(values) AS v (k, x)),
           before = CASE WHEN before IS NULL THEN NULL ELSE
                      (SELECT coalesce(jsonb_object_agg(k, to_jsonb($2::text)), '{}'::jsonb)
                       FROM jsonb_each(before) AS v (k, x)) END,
           duplicate_name = CASE WHEN duplicate_name IS NULL THEN NULL ELSE $2 END
         WHERE record_id = ANY ($1) OR duplicate_of = ANY ($1)`,
        [ids, ERASED],
      );
      if (pattern) {
        await run(
          'import_rows',
          `UPDATE import_rows SET values = erase_matches(values, $2),
             before = erase_matches(before, $2), errors = erase_matches(errors, $2),
             duplicate_name = regexp_replace(duplicate_name, $2, '[erased]', 'gi')
           WHERE import_id = ANY ($1)
             AND (values::text ~* $2 OR before::text ~* $2 OR errors::text ~* $2
                  OR duplicate_name ~* $2)`,
          [linked.imports, pattern],
        );
        await run(
          'imports',
          `UPDATE imports SET sample = erase_matches(sample, $2)
           WHERE id = ANY ($1) AND sample::text ~* $2`,
          [linked.imports, pattern],
        );
      }
      await run('import_files', 'DELETE FROM import_files WHERE import_id = ANY ($1)', [
        linked.imports,
      ]);

      // The person's own history keeps who, when, what and which fields; no value.
      await run(
        'audit_events',
        `UPDATE audit_events SET changes = (
           SELECT coalesce(jsonb_object_agg(k, CASE
                    WHEN jsonb_typeof(v) = 'object' AND (v ? 'before' OR v ? 'after')
                      THEN '{"erased": true}'::jsonb
                    WHEN $2::text IS NULL THEN v
                    ELSE erase_matches(v, $2) END), '{}'::jsonb)
           FROM jsonb_each(changes) AS c (k, v))
         WHERE entity = 'contact' AND entity_id = ANY ($1)`,
        [ids, pattern],
      );
      if (pattern && own) await this.eraseUnlinkedTexts(run, ids, linked, own, pattern);
      // A scan of the stored answers by text too: the table holds a day of them (idempotency.ts
      // deletes older ones), and an answer that named the person must not be replayed.
      await run(
        'idempotency_keys',
        `DELETE FROM idempotency_keys WHERE body ~* $1 ${pattern ? 'OR body ~* $2' : ''}`,
        pattern ? [ids.join('|'), pattern] : [ids.join('|')],
      );

      await run('contacts', 'DELETE FROM contacts WHERE id = ANY ($1)', [ids]);
      const fields = PERSONAL_FIELDS.filter((field) => {
        const value = contact[field];
        return value !== null && !(Array.isArray(value) && value.length === 0);
      });
      const report: ErasureReport = { id, contacts: ids.length, fields, rows };
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'erase',
        entity: 'contact',
        entityId: id,
        changes: { fields, contacts: ids.length, rows },
      });
      return report;
    });
  }

  /** `, version = version + 1, updated_at = now()` as far as the table has them. */
  private async stamp(em: EntityManager, table: string): Promise<string> {
    const columns = (await em.query(
      `SELECT attname FROM pg_attribute
       WHERE attrelid = $1::regclass AND attname IN ('version', 'updated_at') AND NOT attisdropped`,
      [table],
    )) as { attname: string }[];
    const has = new Set(columns.map((c) => c.attname));
    return (
      (has.has('version') ? ', version = version + 1' : '') +
      (has.has('updated_at') ? ', updated_at = now()' : '')
    );
  }

  /** The texts of the records linked to the person: matches become `[erased]`. */
  private async eraseLinkedTexts(
    run: (name: string, sql: string, params: unknown[]) => Promise<void>,
    linked: Linked,
    own: string,
    pattern: string,
  ): Promise<void> {
    // The person's own records (where a name alone is the person), then those that others share.
    const texts: [string, string[], string[], string][] = [
      ['interactions', ['subject', 'summary', 'location'], linked.interactions, own],
      ['leads', ['title', 'description', 'lost_reason'], linked.leads, own],
      ['follow_ups', ['title', 'notes'], linked.followUps, own],
      ['appointments', ['title', 'venue', 'notes'], linked.appointments, pattern],
      ['trips', ['title', 'purpose'], linked.trips, pattern],
    ];
    for (const [table, columns, ids, p] of texts) {
      if (ids.length === 0) continue;
      const set = columns.map((c) => `${c} = regexp_replace(${c}, $2, '[erased]', 'gi')`);
      await run(
        table,
        `UPDATE ${table} SET ${set.join(', ')}, version = version + 1, updated_at = now()
         WHERE id = ANY ($1) AND (${columns.map((c) => `${c} ~* $2`).join(' OR ')})`,
        [ids, p],
      );
    }
    await run(
      'lead_notes',
      `UPDATE lead_notes SET body = regexp_replace(body, $2, '[erased]', 'gi')
       WHERE lead_id = ANY ($1) AND body ~* $2`,
      [linked.leads, own],
    );
    await run(
      'participants',
      `UPDATE participants SET name = regexp_replace(name, $2, '[erased]', 'gi'),
         function = regexp_replace(function, $2, '[erased]', 'gi'),
         version = version + 1, updated_at = now()
       WHERE trip_id = ANY ($1) AND (name ~* $2 OR function ~* $2)`,
      [linked.trips, pattern],
    );
    await run(
      'agreements',
      `UPDATE agreements SET title = regexp_replace(title, $3, '[erased]', 'gi'),
         summary = regexp_replace(summary, $3, '[erased]', 'gi'),
         signatories = ARRAY(SELECT regexp_replace(s, $3, '[erased]', 'gi')
                             FROM unnest(signatories) WITH ORDINALITY AS a (s, i) ORDER BY i),
         version = version + 1, updated_at = now()
       WHERE (partner_id = ANY ($1) OR appointment_id = ANY ($2))
         AND (title ~* $3 OR summary ~* $3 OR array_to_string(signatories, ' ') ~* $3)`,
      [linked.partners, linked.appointments, pattern],
    );
  }

  /**
   * Where the person may be named without a link: every other audit event (an edit of another
   * record, an export's filter, a search), kept mails and notifications. The audit trail and the
   * mails have no index on their text (none serves a regular expression over any text): these
   * are scans of the whole table, which an erasure (rare, and one transaction) pays once.
   * Notifications are found by their records.
   */
  private async eraseUnlinkedTexts(
    run: (name: string, sql: string, params: unknown[]) => Promise<void>,
    ids: string[],
    linked: Linked,
    own: string,
    pattern: string,
  ): Promise<void> {
    // A scan of audit_events by text (no index can serve a regular expression over JSON).
    await run(
      'audit_events',
      `UPDATE audit_events SET changes = erase_matches(changes, $2)
       WHERE changes::text ~* $2
         AND NOT (entity = 'contact' AND coalesce(entity_id = ANY ($1), false))`,
      [ids, pattern],
    );
    const records = [...ids, ...linked.interactions, ...linked.leads, ...linked.followUps];
    await run(
      'notifications',
      `UPDATE notifications SET params = erase_matches(params, $2)
       WHERE record_id = ANY ($1) AND params::text ~* $2`,
      [records, own],
    );
    // A scan of the kept mails by text: a mail is addressed to a user, its text may name anyone.
    await run(
      'mails',
      `UPDATE mails SET subject = regexp_replace(subject, $1, '[erased]', 'gi'),
         text_body = regexp_replace(text_body, $1, '[erased]', 'gi'),
         html_body = regexp_replace(html_body, $1, '[erased]', 'gi'),
         recipient = regexp_replace(recipient, $1, '[erased]', 'gi'),
         headers = erase_matches(headers, $1)
       WHERE subject ~* $1 OR text_body ~* $1 OR html_body ~* $1 OR recipient ~* $1
          OR headers::text ~* $1`,
      [pattern],
    );
  }
}
