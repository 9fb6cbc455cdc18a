import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Mailer } from '../mail/mailer.service';
import type { Locale } from '../users/user.entity';
import { type Notice, noticeMail, noticePath } from './notices';

interface Recipient {
  id: string;
  email: string;
  display_name: string;
  locale: Locale;
  mail_off: string[];
}

/**
 * Tells users about a change, in the transaction of the change: a notification for the web app's
 * header per recipient, and a mail to those who did not turn the kind off. Recipients are chosen
 * by who may see the record (a lead's: the users of its company), never the one who acted.
 */
@Injectable()
export class Notifications {
  constructor(private readonly mailer: Mailer) {}

  /** Notifies the active users of `companyId` about one of its leads. */
  async toCompany(
    em: EntityManager,
    actor: Actor,
    companyId: string,
    notice: Notice,
  ): Promise<void> {
    const recipients: Recipient[] = await em.query(
      `SELECT id, email, display_name, locale, mail_off FROM users
       WHERE company_id = $1 AND role = 'company' AND active AND id <> $2`,
      [companyId, actor.userId],
    );
    await this.notify(em, recipients, notice);
  }

  /** Notifies one user (a lead's owner), when active and not the one who acted. */
  async toUser(
    em: EntityManager,
    actor: Actor,
    userId: string | null,
    notice: Notice,
  ): Promise<void> {
    if (!userId || userId === actor.userId) return;
    const recipients: Recipient[] = await em.query(
      `SELECT id, email, display_name, locale, mail_off FROM users WHERE id = $1 AND active`,
      [userId],
    );
    await this.notify(em, recipients, notice);
  }

  private async notify(em: EntityManager, recipients: Recipient[], notice: Notice): Promise<void> {
    if (recipients.length === 0) return;
    await em.query(
      `INSERT INTO notifications (user_id, kind, record_kind, record_id, params, actor_id)
       SELECT unnest($1::uuid[]), $2, $3, $4, $5, $6`,
      [
        recipients.map((r) => r.id),
        notice.kind,
        notice.recordKind,
        notice.recordId,
        notice.params,
        notice.actorId,
      ],
    );
    const url = this.mailer.link(noticePath(notice));
    for (const r of recipients) {
      if (r.mail_off.includes(notice.kind)) continue;
      await this.mailer.queue(em, {
        kind: notice.kind,
        userId: r.id,
        to: r.email,
        locale: r.locale,
        content: noticeMail(r.locale, notice, r.display_name, url),
      });
    }
  }
}
