import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { Conflict, NotFound } from '../common/errors';
import { Page, PageQuery, Paginator } from '../common/pagination';
import { transaction } from '../common/transaction';
import { Mail } from './mail.entity';
import { Mailer, type MailState } from './mailer.service';

export interface OutboxFilter {
  state?: MailState;
  kind?: string;
  /** Words that must each occur in the recipient or the subject. */
  q?: string;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern. */
const likeLiteral = (word: string) => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The outbox as the admins see it: every mail Liaison wrote, sent or kept, newest first, and
 * "send again" for one that failed. Mails hold personal data: the routes are the admins' alone.
 */
@Injectable()
export class Outbox {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
  ) {}

  list(filter: OutboxFilter, page: PageQuery): Promise<Page<Mail>> {
    const qb = this.db.getRepository(Mail).createQueryBuilder('m');
    if (filter.state) qb.andWhere('m.state = :state', { state: filter.state });
    if (filter.kind) qb.andWhere('m.kind = :kind', { kind: filter.kind });
    const words = (filter.q ?? '').split(/\s+/).filter(Boolean).slice(0, 10);
    words.forEach((word, i) =>
      qb.andWhere(`(m.recipient || ' ' || m.subject) ILIKE :w${i}`, {
        [`w${i}`]: `%${likeLiteral(word)}%`,
      }),
    );
    return this.paginator.page(qb, page, {
      sorts: { createdAt: { sql: 'm.created_at', type: 'timestamptz', value: (m) => m.createdAt } },
      defaultSort: '-createdAt',
      idColumn: 'm.id',
    });
  }

  async get(id: string): Promise<Mail> {
    const mail = await this.db.getRepository(Mail).findOneBy({ id });
    if (!mail) throw new NotFound('mail', id);
    return mail;
  }

  /** A failed mail back into the queue (409 for any other), audited. */
  resend(actor: Actor, id: string): Promise<Mail> {
    return transaction(this.db, async (em) => {
      const mail = await em.getRepository(Mail).findOneBy({ id });
      if (!mail) throw new NotFound('mail', id);
      if (!(await this.mailer.resend(id, em)))
        throw new Conflict(`The mail is ${mail.state}: only a failed mail is sent again.`);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'resend',
        entity: 'mail',
        entityId: id,
        changes: { state: { before: 'failed', after: 'queued' } },
      });
      return (await em.getRepository(Mail).findOneBy({ id }))!;
    });
  }
}
