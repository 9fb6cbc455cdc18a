import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { BadInput, NotFound } from '../common/errors';
import { Page, Paginator, Sorts } from '../common/pagination';
import { whereScope } from '../common/scope';
import { transaction } from '../common/transaction';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { type LegalBasis } from '../contacts/contact.entity';
import { personName } from '../contacts/names';
import { contactScope } from '../contacts/scope';
import { Jobs, SCHEDULE_ZONE } from '../jobs/jobs.service';
import { localDay } from '../trips/time';
import { activeSince, lastActivity } from './activity';
import { RetentionReview } from './retention-review.entity';
import {
  ExtendDto,
  Review,
  REVIEW_DEFAULT_SORT,
  ReviewListQuery,
  ReviewSort,
} from './retention.dto';

export const RETENTION_QUEUE = 'retention-review';

export interface ReviewRun {
  found: number;
  closed: number;
}

/**
 * The retention review of contacts (GDPR art. 5(1)(e)): every night (RETENTION_CRON, once per
 * tick across instances) the contacts without activity (`lastActivity`) for RETENTION_MONTHS
 * get an open review; someone with `contact:privacy` then extends the retention with a reason
 * or erases the contact (the access report's erasure). The reviews are listed through the
 * contact scope, so a restricted contact is an admin's to review.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
    jobs: Jobs,
  ) {
    jobs.define({
      name: RETENTION_QUEUE,
      run: async () => void (await this.run(null)),
      retryLimit: 3,
      retryDelay: 60,
      expireInSeconds: 30 * 60,
    });
    jobs.schedule({ queue: RETENTION_QUEUE, cron: config.retention.cron });
  }

  /**
   * One review, in one transaction: open reviews whose contact is gone or active again are
   * closed, then every live contact quiet for RETENTION_MONTHS without an open review or an
   * extension beyond today gets one. Two runs at once cannot open two (the unique index on the
   * open review; the second's rows are skipped). Audited as the caller's (the schedule: none).
   */
  run(actor: Actor | null): Promise<ReviewRun> {
    return transaction(this.db, async (em) => {
      // The first review of a large database writes a review per quiet contact (3 s for 68,000
      // of 200,000 on two busy cores); a bigger one must not end at a request's timeout.
      await em.query(`SET LOCAL statement_timeout = '5min'`);
      const months = this.config.retention.months;
      const today = localDay(new Date(), SCHEDULE_ZONE);
      const cutoff = `now() - make_interval(months => $1::int)`;
      // Inlined where it is used, so the planner knows its size and hashes it (an anti-join).
      const recent = `recent AS (${activeSince(cutoff)})`;
      const [, closed] = (await em.query(
        `WITH ${recent}
         DELETE FROM retention_reviews r USING contacts c
         WHERE r.decision = 'open' AND c.id = r.contact_id
           AND (c.deleted_at IS NOT NULL OR c.updated_at >= ${cutoff}
                OR EXISTS (SELECT 1 FROM recent WHERE recent.contact_id = c.id))`,
        [months],
      )) as [unknown, number];
      // Quiet: its own change is older and no linked record is among the recent ones; the last
      // activity is computed for those found only. The sort reads every candidate before the
      // first insert: a scan of retention_reviews while this statement fills it would read each
      // new row again for every candidate (77 s instead of 3 for 68,000 of 200,000 contacts).
      const found = (await em.query(
        `WITH ${recent}
         INSERT INTO retention_reviews (contact_id, last_activity_at)
         SELECT c.id, ${lastActivity('c')}
         FROM contacts c
         WHERE c.deleted_at IS NULL AND c.updated_at < ${cutoff}
           AND NOT EXISTS (SELECT 1 FROM recent WHERE recent.contact_id = c.id)
           AND NOT EXISTS (SELECT 1 FROM retention_reviews r
                           WHERE r.contact_id = c.id AND r.decision = 'open')
           AND NOT EXISTS (SELECT 1 FROM retention_reviews r
                           WHERE r.contact_id = c.id AND r.decision = 'extended'
                             AND r.extended_until > $2::date)
         ORDER BY c.id
         ON CONFLICT (contact_id) WHERE decision = 'open' DO NOTHING
         RETURNING id`,
        [months, today],
      )) as { id: string }[];
      const result = { found: found.length, closed };
      await this.audit.record(em, {
        actorId: actor?.userId ?? null,
        action: 'run',
        entity: 'retentionReview',
        entityId: null,
        changes: { ...result, months },
      });
      this.logger.log(`retention review: ${result.found} found, ${result.closed} closed`);
      return result;
    });
  }

  /** The open reviews of the contacts the caller sees, keyset-paginated (the quietest first). */
  async list(actor: Actor, query: ReviewListQuery): Promise<Page<Review>> {
    const qb = this.db.manager
      .getRepository(RetentionReview)
      .createQueryBuilder('r')
      .innerJoin('contacts', 'c', 'c.id = r.contact_id AND c.deleted_at IS NULL')
      .where(`r.decision = 'open'`);
    whereScope(qb, contactScope(actor, 'c'));
    const sorts: Sorts<RetentionReview, ReviewSort> = {
      lastActivityAt: {
        sql: 'r.last_activity_at',
        type: 'timestamptz',
        value: (r) => r.lastActivityAt,
      },
      foundAt: { sql: 'r.found_at', type: 'timestamptz', value: (r) => r.foundAt },
    };
    const page = await this.paginator.page(qb, query, {
      sorts,
      defaultSort: REVIEW_DEFAULT_SORT,
      idColumn: 'r.id',
    });
    return {
      items: await this.withContacts(this.db.manager, page.items),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Keeps a contact under review until `until` (a day after today) for `reason`: its open review
   * becomes the extension; it is not listed again before that day. Audited on the contact.
   */
  extend(actor: Actor, contactId: string, dto: ExtendDto): Promise<RetentionReview> {
    const today = localDay(new Date(), SCHEDULE_ZONE);
    if (dto.until <= today)
      throw BadInput.field('until', 'when', 'until must be a day after today');
    return transaction(this.db, async (em) => {
      const qb = em
        .getRepository(RetentionReview)
        .createQueryBuilder('r')
        .innerJoin('contacts', 'c', 'c.id = r.contact_id AND c.deleted_at IS NULL')
        .where(`r.decision = 'open' AND r.contact_id = :contactId`, { contactId })
        .setLock('pessimistic_write', undefined, ['r']);
      whereScope(qb, contactScope(actor, 'c'));
      const review = await qb.getOne();
      if (!review) throw new NotFound('open retention review of contact', contactId);
      const decidedAt = new Date();
      await em.update(RetentionReview, review.id, {
        decision: 'extended',
        extendedUntil: dto.until,
        reason: dto.reason,
        decidedBy: actor.userId,
        decidedAt,
      });
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'retention-extend',
        entity: 'contact',
        entityId: contactId,
        changes: {
          reviewId: review.id,
          extendedUntil: dto.until,
          reason: dto.reason,
          lastActivityAt: review.lastActivityAt.toISOString(),
        },
      });
      return Object.assign(review, {
        decision: 'extended' as const,
        extendedUntil: dto.until,
        reason: dto.reason,
        decidedBy: actor.userId,
        decidedAt,
      });
    });
  }

  /** A page's contacts and owners, in one query. */
  private async withContacts(em: EntityManager, reviews: RetentionReview[]): Promise<Review[]> {
    if (reviews.length === 0) return [];
    const rows = (await em.query(
      `SELECT c.id, c.family_name AS "familyName", c.given_name AS "givenName",
              c.native_name AS "nativeName", c.legal_basis AS "legalBasis",
              c.owner_id AS "ownerId", u.display_name AS "ownerName",
              c.restricted_at AS "restrictedAt"
       FROM contacts c LEFT JOIN users u ON u.id = c.owner_id
       WHERE c.id = ANY($1::uuid[])`,
      [reviews.map((r) => r.contactId)],
    )) as {
      id: string;
      familyName: string;
      givenName: string | null;
      nativeName: string | null;
      legalBasis: LegalBasis | null;
      ownerId: string | null;
      ownerName: string | null;
      restrictedAt: Date | null;
    }[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return reviews.flatMap((r) => {
      const c = byId.get(r.contactId);
      if (!c) return [];
      return [
        {
          id: r.id,
          contactId: r.contactId,
          contactName: personName(c),
          foundAt: r.foundAt,
          lastActivityAt: r.lastActivityAt,
          legalBasis: c.legalBasis,
          ownerId: c.ownerId,
          ownerName: c.ownerName,
          restrictedAt: c.restrictedAt,
        },
      ];
    });
  }
}
