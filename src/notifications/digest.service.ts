import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/permissions';
import { transaction } from '../common/transaction';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { FollowUp } from '../follow-ups/follow-up.entity';
import { followUpScope } from '../follow-ups/scope';
import { Jobs, SCHEDULE_ZONE } from '../jobs/jobs.service';
import { Mailer } from '../mail/mailer.service';
import type { Locale } from '../users/user.entity';
import { localDay } from '../web/kit/format';
import { DIGEST_MAX_ITEMS, digestMail } from './digest';

export const DIGEST_QUEUE = 'digest';

interface Reader {
  id: string;
  role: Role;
  company_id: string | null;
  email: string;
  display_name: string;
  locale: Locale;
}

/**
 * The daily digest (DIGEST_CRON, 07:00 in Berlin): every active user who did not turn it off gets
 * one mail listing its open follow-ups due today or before, when there are any. The follow-ups are
 * those the user may see (the follow-ups' own scope) and are the user's to do: an agency user's
 * assigned to it, a company user's assigned to it or its company. A mail per user and Berlin day
 * (the outbox's dedupe key), so a second run the same day, on whichever instance, sends nothing.
 */
@Injectable()
export class Digest {
  private readonly logger = new Logger('Digest');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    jobs: Jobs,
    private readonly mailer: Mailer,
  ) {
    jobs.define({
      name: DIGEST_QUEUE,
      run: async () => void (await this.send()),
      retryLimit: 3,
      retryDelay: 30,
    });
    jobs.schedule({ queue: DIGEST_QUEUE, cron: config.digestCron });
  }

  /** Writes today's digests; how many were new. */
  async send(now = new Date()): Promise<number> {
    const today = localDay(now, SCHEDULE_ZONE);
    const readers = (await this.db.query(
      `SELECT id, role, company_id, email, display_name, locale FROM users
       WHERE active AND NOT ('digest' = ANY(mail_off))
         AND NOT EXISTS (SELECT 1 FROM mails m
                         WHERE m.kind = 'digest' AND m.user_id = users.id AND m.dedupe_key = $1)
       ORDER BY id`,
      [today],
    )) as Reader[];
    let written = 0;
    for (const reader of readers) {
      const due = await this.dueFor(reader, today);
      if (due.length === 0) continue;
      const more = due.length > DIGEST_MAX_ITEMS;
      const listed = due.slice(0, DIGEST_MAX_ITEMS);
      const isNew = await transaction(this.db, (em) =>
        this.mailer.queue(em, {
          kind: 'digest',
          userId: reader.id,
          to: reader.email,
          locale: reader.locale,
          content: digestMail(reader.locale, reader.display_name, today, listed, more, (path) =>
            this.mailer.link(path),
          ),
          dedupeKey: today,
        }),
      );
      if (isNew) written++;
    }
    if (written > 0) this.logger.log(`digest of ${today}: ${written} mails`);
    return written;
  }

  private async dueFor(reader: Reader, today: string) {
    const actor: Actor = {
      userId: reader.id,
      role: reader.role,
      companyId: reader.company_id,
      sessionId: '',
    };
    const qb = this.db.manager
      .createQueryBuilder(FollowUp, 'f')
      .select(['f.id', 'f.title', 'f.dueOn'])
      .where(`f.status = 'open' AND f.due_on <= :today`, { today });
    const scope = followUpScope(actor, 'f');
    // Agency users see every follow-up: theirs are those assigned to them.
    if (scope) qb.andWhere(scope.sql, scope.params);
    else qb.andWhere('f.assignee_id = :readerId', { readerId: reader.id });
    const rows = await qb
      .orderBy('f.due_on')
      .addOrderBy('f.id')
      .limit(DIGEST_MAX_ITEMS + 1)
      .getMany();
    return rows.map((f) => ({ id: f.id, title: f.title, dueOn: f.dueOn! }));
  }
}
