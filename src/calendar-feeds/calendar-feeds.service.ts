import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/permissions';
import { NotFound } from '../common/errors';
import { transaction } from '../common/transaction';
import { APP_CONFIG, AppConfig } from '../config/config';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { AppointmentsService } from '../trips/appointments.service';
import { calendar, CalendarLocale } from '../trips/itinerary';
import type { Locale } from '../users/user.entity';
import { CalendarFeed } from './calendar-feed.entity';
import { CALENDAR_FEED_KEY, CALENDAR_FEED_PATH, feedIdOf, feedToken } from './feed-token';

/** How often a calendar program should fetch the feed again. */
const REFRESH = 'PT1H';
/** More than anyone has open; past that, the latest due. */
const MAX_FOLLOW_UPS = 1000;
/** last_used_at is written at most this often per feed, not on every fetch. */
const USED_PRECISION_MS = 60 * 60 * 1000;

const CALENDAR_NAME: Record<Locale, string> = {
  de: 'Liaison: Reisen und Wiedervorlagen',
  en: 'Liaison: trips and follow-ups',
};

const FEED_COLUMNS =
  'id, user_id AS "userId", created_at AS "createdAt", last_used_at AS "lastUsedAt"';

/**
 * Calendar subscriptions: a secret URL per user that Outlook, Google Calendar and Apple Calendar
 * fetch without a session, answering what the API would show that user (its scope, as of now).
 */
@Injectable()
export class CalendarFeedsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CALENDAR_FEED_KEY) private readonly key: Buffer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly appointments: AppointmentsService,
    private readonly followUps: FollowUpsService,
  ) {}

  /** The feed's public URL, recomputed from its id (never stored). */
  urlOf(feed: CalendarFeed): string {
    return `${this.config.publicUrl}${CALENDAR_FEED_PATH}${feedToken(this.key, feed.id)}.ics`;
  }

  /** The caller's subscription, or NotFound when it has none. */
  async get(actor: Actor): Promise<CalendarFeed> {
    const [feed] = (await this.db.query(
      `SELECT ${FEED_COLUMNS} FROM calendar_feeds WHERE user_id = $1`,
      [actor.userId],
    )) as CalendarFeed[];
    if (!feed) throw new NotFound('calendar feed');
    return feed;
  }

  /** A subscription with a new secret: the first, or one that replaces the old (dead at once). */
  renew(actor: Actor): Promise<CalendarFeed> {
    return transaction(this.db, async (em) => {
      const [feed] = (await em.query(
        `WITH before AS (SELECT id FROM calendar_feeds WHERE user_id = $1)
         INSERT INTO calendar_feeds (user_id) VALUES ($1)
         ON CONFLICT (user_id) DO UPDATE
           SET id = gen_random_uuid(), created_at = now(), last_used_at = NULL
         RETURNING ${FEED_COLUMNS}, (SELECT id FROM before) AS "replaced"`,
        [actor.userId],
      )) as (CalendarFeed & { replaced: string | null })[];
      await this.audit.record(em, {
        actorId: actor.userId,
        action: feed.replaced ? 'calendarFeed.rotate' : 'calendarFeed.create',
        entity: 'user',
        entityId: actor.userId,
      });
      const { replaced: _, ...created } = feed;
      return created;
    });
  }

  /** Ends the caller's subscription (none is fine: the answer is the same). */
  async revoke(actor: Actor): Promise<void> {
    await transaction(this.db, async (em) => {
      const [rows] = (await em.query('DELETE FROM calendar_feeds WHERE user_id = $1', [
        actor.userId,
      ])) as [unknown, number];
      if (rows === 0) return;
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'calendarFeed.revoke',
        entity: 'user',
        entityId: actor.userId,
      });
    });
  }

  /**
   * The calendar a feed's file name (`<token>.ics`) opens: its user's trips and open follow-ups,
   * read as that user. Anything but a live feed of an active user is NotFound, the same for a
   * malformed, forged, rotated or revoked token, so the answer tells a guesser nothing.
   */
  async calendar(file: string): Promise<string> {
    const feedId = file.endsWith('.ics') ? feedIdOf(this.key, file.slice(0, -4)) : null;
    if (!feedId) throw new NotFound('calendar feed');
    const [owner] = (await this.db.query(
      `SELECT f.last_used_at AS "lastUsedAt", u.id AS "userId", u.role, u.company_id AS "companyId",
              u.locale
       FROM calendar_feeds f JOIN users u ON u.id = f.user_id
       WHERE f.id = $1 AND u.active`,
      [feedId],
    )) as {
      lastUsedAt: Date | null;
      userId: string;
      role: Role;
      companyId: string | null;
      locale: CalendarLocale;
    }[];
    if (!owner) throw new NotFound('calendar feed');
    // The feed acts as its user without a session; the feed's id stands in for one.
    const actor: Actor = {
      userId: owner.userId,
      role: owner.role,
      companyId: owner.companyId,
      sessionId: feedId,
    };
    const [appointments, followUps] = await Promise.all([
      this.appointments.travelled(actor),
      this.followUps.openDueFor(actor, MAX_FOLLOW_UPS),
      this.markUsed(feedId, owner.lastUsedAt),
    ]);
    return calendar(
      { name: CALENDAR_NAME[owner.locale], refresh: REFRESH },
      appointments,
      followUps.map((f) => ({
        id: f.id,
        title: f.title,
        day: f.dueOn!,
        notes: f.notes,
        url: `${this.config.publicUrl}/follow-ups/${f.id}`,
        version: f.version,
        createdAt: f.createdAt,
        updatedAt: f.updatedAt,
      })),
      owner.locale,
    );
  }

  /** At most one write an hour per feed, however often calendar programs poll. */
  private async markUsed(feedId: string, lastUsedAt: Date | null): Promise<void> {
    if (lastUsedAt && Date.now() - lastUsedAt.getTime() < USED_PRECISION_MS) return;
    await this.db.query(
      `UPDATE calendar_feeds SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 hour')`,
      [feedId],
    );
  }
}
