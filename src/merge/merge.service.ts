import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { updateIfVersion } from '../common/concurrency';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { asPartOf, BadInput, FieldError, fieldError, VersionConflict } from '../common/errors';
import { CURSOR_KEY, Page } from '../common/pagination';
import { LIVE } from '../common/records';
import { inRequestTransaction, transaction } from '../common/transaction';
import { CompaniesService } from '../companies/companies.service';
import { Company } from '../companies/company.entity';
import { refreshContactSearchKeys } from '../contacts/contact-search';
import { Contact } from '../contacts/contact.entity';
import { toContactDto } from '../contacts/contacts.dto';
import { ContactsService } from '../contacts/contacts.service';
import { visibleContactIds } from '../contacts/scope';
import { toCompanyDto } from '../companies/companies.dto';
import { Partner } from '../partners/partner.entity';
import { toPartnerDto } from '../partners/partners.dto';
import { PartnersService } from '../partners/partners.service';
import {
  CONTACT_PAIRS,
  notMarked,
  organisationPairs,
  SCORE_SQL,
  strongestFirst,
} from './duplicates';
import { countLinks, moveLinks } from './links';
import { DuplicateReason, DuplicatesQuery, MERGE_SOURCES, MergeDto } from './merge.dto';
import { isUuid } from '../common/ids';

/** The kinds that can be merged. */
export type MergeKindName = 'contact' | 'company' | 'partner';

interface MergedRecord extends ObjectLiteral {
  id: string;
  version: number;
  deletedAt: Date | null;
  mergedIntoId: string | null;
}

/** What a kind's service offers a merge: its scoped read and its update with all its rules. */
interface KindService {
  get(actor: Actor, id: string, manager?: EntityManager): Promise<MergedRecord>;
  update(actor: Actor, id: string, version: number, dto: object): Promise<MergedRecord>;
}

/** One kind as the duplicate list and the merge see it. */
interface MergeKind {
  kind: MergeKindName;
  entity: new () => MergedRecord;
  table: 'contacts' | 'companies' | 'partners';
  noun: string;
  /** The fields a merge may take from the other record: those its PATCH takes. */
  fields: readonly string[];
  /** The record as its PATCH takes it back: a field's value is read from this. */
  asBody: (record: MergedRecord) => Record<string, unknown>;
  /** The pairs of live records that may be one (columns a, b, reasons). */
  pairs: string;
  /** Contacts carry this organisation's names in their search keys. */
  organisationOf?: 'companyId' | 'partnerId';
}

const KINDS: Record<MergeKindName, Omit<MergeKind, 'kind'>> = {
  contact: {
    entity: Contact,
    table: 'contacts',
    noun: 'contact',
    fields: [
      'familyName',
      'givenName',
      'nativeName',
      'salutation',
      'position',
      'companyId',
      'partnerId',
      'email',
      'phone',
      'wechatId',
      'languages',
      'country',
      'city',
      'notes',
      'tags',
      'ownerId',
      'legalBasis',
    ],
    asBody: (c) => ({ ...toContactDto(c as unknown as Contact, 'agency') }),
    pairs: CONTACT_PAIRS,
  },
  company: {
    entity: Company,
    table: 'companies',
    noun: 'company',
    fields: [
      'name',
      'legalName',
      'industry',
      'city',
      'country',
      'website',
      'description',
      'branchCountries',
    ],
    asBody: (c) => ({ ...toCompanyDto(c as unknown as Company) }),
    pairs: organisationPairs('companies'),
    organisationOf: 'companyId',
  },
  partner: {
    entity: Partner,
    table: 'partners',
    noun: 'partner',
    fields: ['name', 'nativeName', 'kind', 'country', 'city', 'address', 'website', 'description'],
    asBody: (p) => ({ ...toPartnerDto(p as unknown as Partner) }),
    pairs: organisationPairs('partners'),
    organisationOf: 'partnerId',
  },
};

/** A possible duplicate as the service finds it. */
export interface DuplicatePair<R> {
  reasons: DuplicateReason[];
  records: [R, R];
}

/** What a merge of two records may take (its fields) and what each has linked, per `table.column`. */
export interface MergeLinks {
  fields: readonly string[];
  kept: Record<string, number>;
  other: Record<string, number>;
}

const CURSOR_SORT = 'duplicates';

/** The other record's version changed since it was read: 412, naming it. */
class OtherVersionConflict extends VersionConflict {
  readonly errors: FieldError[];
  constructor(current: number) {
    super();
    this.errors = [
      fieldError('otherVersion', 'stale', `the other record is at version ${current} now`),
    ];
  }
}

/**
 * Possible duplicates of contacts, companies and partners, and their merge: the kept record
 * updated through its kind's own update (rules, keys, audit), every link of the other moved to
 * it, the other soft-deleted pointing to it, all in one transaction.
 */
@Injectable()
export class MergeService {
  private readonly services: Record<MergeKindName, KindService>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    @Inject(CURSOR_KEY) private readonly cursorKey: Buffer,
    contacts: ContactsService,
    companies: CompaniesService,
    partners: PartnersService,
  ) {
    this.services = {
      contact: contacts as unknown as KindService,
      company: companies as unknown as KindService,
      partner: partners as unknown as KindService,
    };
  }

  /**
   * The pairs of live records that may be one, strongest reasons first (then by ids), in keyset
   * pages: the cursor holds the last pair's score and both ids.
   */
  async duplicates<R>(
    kindName: MergeKindName,
    query: DuplicatesQuery,
    actor: Actor,
  ): Promise<Page<DuplicatePair<R>>> {
    const kind = { kind: kindName, ...KINDS[kindName] };
    const params: unknown[] = [query.limit + 1];
    let after = '';
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(this.cursorKey, query.cursor);
      const [score, b] = typeof cursor?.value === 'string' ? cursor.value.split(' ') : [];
      if (
        !cursor ||
        cursor.sort !== `${CURSOR_SORT}:${kindName}` ||
        !isUuid(cursor.id) ||
        !isUuid(b ?? '') ||
        !/^\d+$/.test(score)
      )
        throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
      params.push(Number(score), cursor.id, b);
      after = `WHERE score < $2 OR (score = $2 AND (a, b) > ($3::uuid, $4::uuid))`;
    }
    const rows = (await this.db.query(
      `SELECT a, b, reasons, score FROM (
         SELECT pairs.*, ${SCORE_SQL} AS score FROM (${kind.pairs}) pairs
         WHERE ${notMarked(kindName)}
       ) scored ${after}
       ORDER BY score DESC, a, b LIMIT $1`,
      params,
    )) as { a: string; b: string; reasons: string[]; score: number }[];
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    // A pair with a contact the caller may not see (a restricted one) is left out of the page;
    // the cursor still follows the page as read.
    const visible = kindName === 'contact' ? visibleContactIds(this.db.manager, actor) : undefined;
    const seen = visible && (await visible([...new Set(page.flatMap((r) => [r.a, r.b]))]));
    const shown = seen ? page.filter((r) => seen.has(r.a) && seen.has(r.b)) : page;
    const ids = [...new Set(shown.flatMap((r) => [r.a, r.b]))];
    const records = new Map(
      (ids.length ? await this.db.getRepository(kind.entity).findBy({ id: In(ids) }) : []).map(
        (r) => [r.id, r as unknown as R],
      ),
    );
    const last = page[page.length - 1];
    return {
      items: shown.map((r) => ({
        reasons: strongestFirst(r.reasons),
        records: [records.get(r.a)!, records.get(r.b)!],
      })),
      nextCursor:
        hasMore && last
          ? encodeCursor(this.cursorKey, {
              sort: `${CURSOR_SORT}:${kindName}`,
              value: `${last.score} ${last.b}`,
              id: last.a,
            })
          : null,
    };
  }

  /** What is linked to each of two records, for the merge page (404 for one the caller cannot see). */
  async links(
    kindName: MergeKindName,
    actor: Actor,
    keptId: string,
    otherId: string,
  ): Promise<MergeLinks> {
    const kind = KINDS[kindName];
    const service = this.services[kindName];
    await service.get(actor, keptId);
    await service.get(actor, otherId);
    return {
      fields: kind.fields,
      kept: await countLinks(this.db.manager, kind.table, keptId),
      other: await countLinks(this.db.manager, kind.table, otherId),
    };
  }

  /**
   * Marks two records as not one: their pair leaves the duplicate list for good (until either is
   * merged or deleted, which ends the pair anyway). Audited on both. 404 for one the caller cannot
   * see; marking a pair twice changes nothing.
   */
  async notDuplicate(
    kindName: MergeKindName,
    actor: Actor,
    id: string,
    otherId: string,
  ): Promise<void> {
    if (otherId === id)
      throw BadInput.field('otherId', 'sameRecord', 'otherId must name another record');
    const service = this.services[kindName];
    const [a, b] = [id, otherId].sort();
    await transaction(this.db, async (em) => {
      await service.get(actor, id, em);
      await service.get(actor, otherId, em);
      const inserted = (await em.query(
        `INSERT INTO not_duplicates (kind, a, b, marked_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING a`,
        [kindName, a, b, actor.userId],
      )) as unknown[];
      if (inserted.length === 0) return;
      for (const [record, other] of [
        [id, otherId],
        [otherId, id],
      ])
        await this.audit.record(em, {
          actorId: actor.userId,
          action: 'notDuplicate',
          entity: kindName,
          entityId: record,
          changes: { notDuplicateOf: other },
        });
    });
  }

  async merge<R>(
    kindName: MergeKindName,
    actor: Actor,
    keptId: string,
    keptVersion: number,
    dto: MergeDto,
  ): Promise<R> {
    const kind = { kind: kindName, ...KINDS[kindName] };
    const service = this.services[kindName];
    if (dto.otherId === keptId)
      throw BadInput.field(
        'otherId',
        'sameRecord',
        'otherId must name another record than the kept one',
      );
    const choices = checkedChoices(kind, dto.fields ?? {});
    return transaction(this.db, (em) =>
      // The kind's update joins this transaction (it opens its own through `transaction()`).
      inRequestTransaction(em, async () => {
        // Both rows locked, in the order of their ids: two merges of the same pair queue.
        const rows = (await em.query(
          `SELECT id, version, deleted_at, merged_into_id FROM ${kind.table}
           WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`,
          [[keptId, dto.otherId]],
        )) as {
          id: string;
          version: number;
          deleted_at: Date | null;
          merged_into_id: string | null;
        }[];
        const otherRow = rows.find((r) => r.id === dto.otherId);
        if (otherRow?.deleted_at)
          throw BadInput.field(
            'otherId',
            'reference',
            otherRow.merged_into_id
              ? `otherId names a ${kind.noun} merged already (into ${otherRow.merged_into_id})`
              : `otherId names a deleted ${kind.noun}`,
          );
        const kept = await service.get(actor, keptId, em);
        const other = await service.get(actor, dto.otherId, em);
        if (kept.version !== keptVersion) throw new VersionConflict(kept.version);
        if (other.version !== dto.otherVersion) throw new OtherVersionConflict(other.version);

        const keptBody = kind.asBody(kept);
        const otherBody = kind.asBody(other);
        const taken: Record<string, unknown> = {};
        for (const field of choices)
          if (JSON.stringify(keptBody[field] ?? null) !== JSON.stringify(otherBody[field] ?? null))
            taken[field] = otherBody[field] ?? null;
        // The kept record changes by its kind's own rules: validation, keys, the audit's diff.
        await asPartOf('fields', () => service.update(actor, keptId, keptVersion, taken));

        const moved = await moveLinks(em, kind.table, dto.otherId, keptId);
        if (
          !(await updateIfVersion(
            em,
            kind.entity,
            dto.otherId,
            other.version,
            {
              deletedAt: () => 'now()',
              mergedIntoId: keptId,
            } as unknown as QueryDeepPartialEntity<MergedRecord>,
            LIVE,
          ))
        )
          throw new OtherVersionConflict(other.version);
        if (kind.organisationOf)
          await refreshContactSearchKeys(em, { [kind.organisationOf]: keptId } as
            { companyId: string } | { partnerId: string });

        const [gone] = (await em.query(`SELECT deleted_at FROM ${kind.table} WHERE id = $1`, [
          dto.otherId,
        ])) as { deleted_at: Date }[];
        await this.audit.record(em, {
          actorId: actor.userId,
          action: 'merge',
          entity: kind.kind,
          entityId: keptId,
          changes: { mergedFrom: dto.otherId, taken: Object.keys(taken), moved },
        });
        await this.audit.record(em, {
          actorId: actor.userId,
          action: 'merge',
          entity: kind.kind,
          entityId: dto.otherId,
          changes: { mergedInto: keptId, deletedAt: { before: null, after: gone.deleted_at } },
        });
        return (await service.get(actor, keptId, em)) as unknown as R;
      }),
    );
  }
}

/** The fields to take from the other record; 400 naming each unknown field or source. */
function checkedChoices(kind: MergeKind, fields: Record<string, unknown>): string[] {
  const errors: FieldError[] = [];
  const taken: string[] = [];
  for (const [field, source] of Object.entries(fields)) {
    if (!kind.fields.includes(field))
      errors.push(
        fieldError(
          `fields.${field}`,
          'unknown',
          `${field} is not a field a ${kind.noun} merge can take`,
        ),
      );
    else if (!MERGE_SOURCES.includes(source as never))
      errors.push(fieldError(`fields.${field}`, 'isIn', `fields.${field} must be kept or other`));
    else if (source === 'other') taken.push(field);
  }
  if (errors.length) throw new BadInput(errors);
  return taken;
}
