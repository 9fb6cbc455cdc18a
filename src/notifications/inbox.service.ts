import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { NotFound } from '../common/errors';
import { type Page, Paginator, type Sorts } from '../common/pagination';
import { transaction } from '../common/transaction';
import type { Locale } from '../users/user.entity';
import { Notification } from './notification.entity';
import type { NotificationListQuery, NOTIFICATION_SORTS } from './notifications.dto';

const SORTS: Sorts<Notification, (typeof NOTIFICATION_SORTS)[number]> = {
  createdAt: { sql: 'n.created_at', type: 'timestamptz', value: (n) => n.createdAt },
};

/**
 * A user's own notifications: every query is the caller's rows only (`user_id`), so another
 * user's notification is not found, whatever its id.
 */
@Injectable()
export class Inbox {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly paginator: Paginator,
  ) {}

  async list(actor: Actor, query: NotificationListQuery): Promise<Page<Notification>> {
    const qb = this.db.manager
      .createQueryBuilder(Notification, 'n')
      .where('n.user_id = :userId', { userId: actor.userId });
    if (query.unread === true) qb.andWhere('n.read_at IS NULL');
    if (query.unread === false) qb.andWhere('n.read_at IS NOT NULL');
    return this.paginator.page(qb, query, {
      sorts: SORTS,
      defaultSort: '-createdAt',
      idColumn: 'n.id',
    });
  }

  /** The header's bell: one count over the partial index of unread rows. */
  async unreadCount(actor: Actor): Promise<number> {
    const [row] = (await this.db.query(
      'SELECT count(*)::int AS count FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [actor.userId],
    )) as { count: number }[];
    return row.count;
  }

  /** Marks one read (again: it keeps its first reading's time). */
  async read(actor: Actor, id: string): Promise<Notification> {
    return transaction(this.db, async (em) => {
      await em.query(
        `UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 AND read_at IS NULL`,
        [id, actor.userId],
      );
      const found = await em.findOneBy(Notification, { id, userId: actor.userId });
      if (!found) throw new NotFound('notification', id);
      return found;
    });
  }

  /** Marks every unread one read; how many were. */
  async readAll(actor: Actor): Promise<number> {
    return transaction(this.db, async (em) => {
      const rows: unknown[] = await em.query(
        `WITH marked AS (
           UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL
           RETURNING 1)
         SELECT 1 FROM marked`,
        [actor.userId],
      );
      return rows.length;
    });
  }

  /** The caller's language, for the lines of its notifications. */
  async localeOf(actor: Actor): Promise<Locale> {
    const [row] = (await this.db.query('SELECT locale FROM users WHERE id = $1', [
      actor.userId,
    ])) as { locale: Locale }[];
    return row?.locale ?? 'de';
  }
}
