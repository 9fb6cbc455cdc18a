import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { userIdOrMe } from '../common/dto';
import { BadInput, fieldError, NotFound, VersionConflict } from '../common/errors';
import { Page, Sorts } from '../common/pagination';
import {
  auditCreated,
  listScope,
  LIVE,
  RecordService,
  ServiceSpec,
  ScopedLookup,
} from '../common/records';
import { deadLinks } from '../common/references';
import { escapeLike, MAX_SEARCH_WORDS, normalize } from '../common/search';
import { inTransaction } from '../common/transaction';
import { visibleContactIds } from '../contacts/scope';
import { Interaction, InteractionLinks, InteractionRecord } from './interaction.entity';
import { interactionScope } from './scope';
import {
  CreateInteractionDto,
  INTERACTION_DEFAULT_SORT,
  InteractionListQuery,
  InteractionSort,
  UpdateInteractionDto,
} from './interactions.dto';

const AUDITED = [
  'occurredAt',
  'kind',
  'subject',
  'summary',
  'location',
  'contactIds',
  'companyIds',
  'partnerIds',
  'tripId',
  'appointmentId',
  'confidential',
  'deletedAt',
] as const;

/** The three lists of linked records, each kept in its own join table. */
const LINKS = [
  {
    field: 'contactIds',
    table: 'interaction_contacts',
    column: 'contact_id',
    target: 'contacts',
  },
  {
    field: 'companyIds',
    table: 'interaction_companies',
    column: 'company_id',
    target: 'companies',
  },
  {
    field: 'partnerIds',
    table: 'interaction_partners',
    column: 'partner_id',
    target: 'partners',
  },
] as const;

/** The subject and summary as the trigram index interactions_search_idx holds them. */
const SEARCH_TEXT = `immutable_unaccent(lower(i.subject || ' ' || coalesce(i.summary, '')))`;

/** Agency staff see every interaction, a viewer only the ones that are not confidential. */
const INTERACTION: ServiceSpec<Interaction> = {
  entity: Interaction,
  table: 'interactions',
  kind: 'interaction',
  alias: 'i',
  scope: interactionScope,
};

@Injectable()
export class InteractionsService extends RecordService<Interaction, InteractionRecord> {
  protected readonly spec = INTERACTION;

  async list(actor: Actor, query: InteractionListQuery): Promise<Page<InteractionRecord>> {
    const qb = listScope(actor, query, 'interaction:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );

    for (const [param, table, column] of [
      ['contactId', 'interaction_contacts', 'contact_id'],
      ['companyId', 'interaction_companies', 'company_id'],
      ['partnerId', 'interaction_partners', 'partner_id'],
    ] as const) {
      const value = query[param];
      if (value === undefined) continue;
      qb.andWhere(
        `EXISTS (SELECT 1 FROM ${table} l WHERE l.interaction_id = i.id AND l.${column} = :${param})`,
        { [param]: value },
      );
    }
    if (query.tripId) qb.andWhere('i.trip_id = :tripId', { tripId: query.tripId });
    if (query.appointmentId)
      qb.andWhere('i.appointment_id = :appointmentId', { appointmentId: query.appointmentId });
    if (query.kind) qb.andWhere('i.kind = :kind', { kind: query.kind });
    if (query.authorId)
      qb.andWhere('i.author_id = :authorId', {
        authorId: userIdOrMe(query.authorId, actor),
      });
    const from = query.from !== undefined ? new Date(query.from) : undefined;
    const to = query.to !== undefined ? new Date(query.to) : undefined;
    if (from && to && from > to) throw BadInput.field('to', 'order', 'to must not be before from');
    if (from) qb.andWhere('i.occurred_at >= :from', { from });
    if (to) qb.andWhere('i.occurred_at < :to', { to });
    if (query.confidential !== undefined)
      qb.andWhere('i.confidential = :confidential', { confidential: query.confidential });
    if (query.q !== undefined) {
      // Every word must occur; punctuation separates words, and `%`/`_` are never wildcards.
      const words = normalize(query.q).split(' ').filter(Boolean).slice(0, MAX_SEARCH_WORDS);
      if (words.length === 0) qb.andWhere('FALSE');
      words.forEach((word, n) =>
        qb.andWhere(`${SEARCH_TEXT} LIKE :q${n}`, { [`q${n}`]: `%${escapeLike(word)}%` }),
      );
    }

    const sorts: Sorts<Interaction, InteractionSort> = {
      occurredAt: { sql: 'i.occurred_at', type: 'timestamptz', value: (i) => i.occurredAt },
      subject: { sql: 'lower(i.subject)', type: 'text', value: (i) => i.subject.toLowerCase() },
      createdAt: { sql: 'i.created_at', type: 'timestamptz', value: (i) => i.createdAt },
      updatedAt: { sql: 'i.updated_at', type: 'timestamptz', value: (i) => i.updatedAt },
    };
    const page = await this.paginator.page(qb, query, {
      sorts,
      defaultSort: INTERACTION_DEFAULT_SORT,
      idColumn: 'i.id',
    });
    return {
      items: await this.withLinks(this.db.manager, page.items, actor),
      nextCursor: page.nextCursor,
    };
  }

  override async get(
    actor: Actor,
    id: string,
    manager: EntityManager = this.db.manager,
    options: { forUpdate?: boolean; links?: InteractionLinks } = {},
  ): Promise<InteractionRecord> {
    const qb = this.scoped(actor, manager).andWhere('i.id = :id', { id });
    if (options.forUpdate) qb.setLock('pessimistic_write');
    const interaction = await qb.getOne();
    if (!interaction) throw new NotFound('interaction', id);
    if (options.links) return Object.assign(interaction, options.links);
    const [record] = await this.withLinks(manager, [interaction], actor);
    return record;
  }

  async create(
    actor: Actor,
    dto: CreateInteractionDto,
    manager?: EntityManager,
  ): Promise<InteractionRecord> {
    return inTransaction(this.db, manager, async (em) => {
      const { tripId, appointmentId } = await this.checkReferences(em, dto);
      const { identifiers } = await em.insert(Interaction, {
        occurredAt: new Date(dto.occurredAt),
        kind: dto.kind ?? 'meeting',
        subject: dto.subject,
        summary: dto.summary ?? null,
        location: dto.location ?? null,
        tripId,
        appointmentId,
        confidential: dto.confidential ?? false,
        authorId: actor.userId,
      });
      const id = identifiers[0].id as string;
      await this.writeLinks(em, id, dto, { created: true });
      // The links are the ones just written; read back, they would come sorted by id (the
      // lower-case UUIDs sort the same as strings), so they are not read again.
      return auditCreated(
        em,
        this.audit,
        actor,
        INTERACTION,
        await this.get(actor, id, em, {
          links: {
            contactIds: [...(dto.contactIds ?? [])].sort(),
            companyIds: [...(dto.companyIds ?? [])].sort(),
            partnerIds: [...(dto.partnerIds ?? [])].sort(),
          },
        }),
        AUDITED,
      );
    });
  }

  async update(
    actor: Actor,
    id: string,
    version: number,
    dto: UpdateInteractionDto,
  ): Promise<InteractionRecord> {
    return this.edit(actor, id, version, async (before, em) => {
      if (before.version !== version) throw new VersionConflict(before.version);
      const { tripId, appointmentId } = await this.checkReferences(em, dto, before);
      const values: Partial<Interaction> = { tripId, appointmentId };
      if (dto.occurredAt !== undefined) values.occurredAt = new Date(dto.occurredAt);
      if (dto.kind !== undefined) values.kind = dto.kind;
      if (dto.subject !== undefined) values.subject = dto.subject;
      if (dto.summary !== undefined) values.summary = dto.summary;
      if (dto.location !== undefined) values.location = dto.location;
      if (dto.confidential !== undefined) values.confidential = dto.confidential;
      return {
        values,
        scope: LIVE,
        audited: AUDITED,
        alsoWrite: () => this.writeLinks(em, id, dto, { actor }),
      };
    });
  }

  /** Updates read it locked: concurrent writers queue, and each sees the version the one before left. */
  protected override lookup(
    actor: Actor,
    id: string,
    em: EntityManager,
  ): ScopedLookup<InteractionRecord> {
    return {
      get: () => this.get(actor, id, em),
      locked: () => this.get(actor, id, em, { forUpdate: true }),
    };
  }

  /**
   * The linked ids of a whole page, in one query (never one per row); of the contacts, only those
   * the caller sees (a restricted contact is named to admins only).
   */
  private async withLinks(
    manager: EntityManager,
    interactions: Interaction[],
    actor: Actor,
  ): Promise<InteractionRecord[]> {
    if (interactions.length === 0) return [];
    const rows = (await manager.query(
      `SELECT i.id::text AS id,
              ${LINKS.map(
                (l) =>
                  `coalesce((SELECT array_agg(j.${l.column}::text ORDER BY j.${l.column})
                             FROM ${l.table} j WHERE j.interaction_id = i.id), '{}') AS ${l.column}s`,
              ).join(',\n')}
       FROM unnest($1::uuid[]) AS i(id)`,
      [interactions.map((i) => i.id)],
    )) as { id: string; contact_ids: string[]; company_ids: string[]; partner_ids: string[] }[];
    const visible = visibleContactIds(manager, actor);
    if (visible) {
      const seen = await visible([...new Set(rows.flatMap((r) => r.contact_ids))]);
      for (const r of rows) r.contact_ids = r.contact_ids.filter((c) => seen.has(c));
    }
    const byId = new Map<string, InteractionLinks>(
      rows.map((r) => [
        r.id,
        { contactIds: r.contact_ids, companyIds: r.company_ids, partnerIds: r.partner_ids },
      ]),
    );
    return interactions.map((i) =>
      Object.assign(i, byId.get(i.id) ?? { contactIds: [], companyIds: [], partnerIds: [] }),
    );
  }

  /**
   * Replaces each list the request gives; lists it leaves out stay as they are. A record just
   * created has no links yet, so there is nothing to delete first (two statements fewer on the
   * busiest write).
   */
  private async writeLinks(
    manager: EntityManager,
    id: string,
    dto: Partial<InteractionLinks>,
    options: { created?: boolean; actor?: Actor } = {},
  ): Promise<void> {
    for (const link of LINKS) {
      let ids = dto[link.field];
      if (ids === undefined) continue;
      if (!options.created) {
        const removed = (await manager.query(
          `DELETE FROM ${link.table} WHERE interaction_id = $1 RETURNING ${link.column} AS id`,
          [id],
        )) as [{ id: string }[], number];
        // The contacts the caller was not shown (restricted ones) stay linked.
        const visible =
          link.field === 'contactIds' && options.actor
            ? visibleContactIds(manager, options.actor)
            : undefined;
        if (visible) {
          const before = removed[0].map((r) => r.id);
          const seen = await visible(before);
          ids = [...new Set([...ids, ...before.filter((c) => !seen.has(c))])];
        }
      }
      if (ids.length === 0) continue;
      await manager.query(
        `INSERT INTO ${link.table} (interaction_id, ${link.column})
         SELECT $1, unnest($2::uuid[])`,
        [id, ids],
      );
    }
  }

  /**
   * Checks every record the request links to, and answers 400 naming each bad field.
   * A newly linked record must exist and not be deleted; one that was linked before may stay
   * linked even if it has since been deleted (a client sends back what it read).
   * An appointment given without a trip brings its trip; given with one, it must belong to it.
   */
  private async checkReferences(
    manager: EntityManager,
    dto: CreateInteractionDto | UpdateInteractionDto,
    before?: InteractionRecord,
  ): Promise<{ tripId: string | null; appointmentId: string | null }> {
    let tripId = dto.tripId !== undefined ? dto.tripId : (before?.tripId ?? null);
    const appointmentId =
      dto.appointmentId !== undefined ? dto.appointmentId : (before?.appointmentId ?? null);
    const tripChanged = dto.tripId !== undefined && tripId !== before?.tripId;
    const appointmentChanged =
      dto.appointmentId !== undefined && appointmentId !== before?.appointmentId;

    const errors = await deadLinks(manager, [
      // Of each list, the newly linked records.
      ...LINKS.map(({ field, target }) => {
        const linked = new Set(before?.[field] ?? []);
        return { field, table: target, id: dto[field]?.filter((x) => !linked.has(x)) };
      }),
      {
        field: 'appointmentId',
        table: 'appointments',
        id: appointmentChanged ? appointmentId : null,
      },
      { field: 'tripId', table: 'trips', id: tripChanged ? tripId : null },
    ]);
    if (appointmentId !== null && !errors.some((e) => e.field === 'appointmentId')) {
      const [appointment] = (await manager.query(
        'SELECT trip_id::text AS trip_id FROM appointments WHERE id = $1',
        [appointmentId],
      )) as { trip_id: string }[];
      if (dto.appointmentId !== undefined && dto.tripId === undefined) {
        tripId = appointment.trip_id;
      } else if (appointment.trip_id !== tripId) {
        errors.push(
          fieldError(
            'appointmentId',
            'sameTrip',
            'appointmentId must be an appointment of the trip tripId',
          ),
        );
      }
    }

    if (errors.length > 0) throw new BadInput(errors);
    return { tripId, appointmentId };
  }
}
