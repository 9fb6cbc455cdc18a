import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditEntry, AuditService } from '../audit/audit.service';
import { NotFound } from '../common/errors';
import { Page, PageQuery, Paginator } from '../common/pagination';
import { markSessionsChanged } from '../common/request-context';
import { transaction } from '../common/transaction';
import type { Actor } from './actor';
import { Session } from './session.entity';
import { clientLabel, clientName } from './user-agent';

/** Why a session was ended here (sessions.revoked_reason and the audit event's `reason`). */
export type EndReason = 'ended' | 'ended_others' | 'ended_by_admin';

/**
 * The open sessions of a user (signed in, not ended, not expired), and ending them: one's own
 * (one, or all but the current), or, for an admin, all of a user's. Each end is an audit event
 * `session.end` on the user whose session it was, by the actor who ended it. The access guard
 * re-reads the session on every request, so an ended one is refused from the next request on.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
  ) {}

  /** The open sessions of a user, most recently made first. */
  async list(userId: string, page: PageQuery): Promise<Page<Session>> {
    const qb = this.open(this.sessions.manager).andWhere('s.user_id = :userId', { userId });
    return this.paginator.page(qb, page, {
      sorts: { createdAt: { sql: 's.created_at', type: 'timestamptz', value: (s) => s.createdAt } },
      defaultSort: '-createdAt',
      idColumn: 's.id',
    });
  }

  /** Ends one of the actor's own sessions; another user's (or an ended one) is not found. */
  async endOwn(actor: Actor, sessionId: string): Promise<void> {
    await transaction(this.db, async (em) => {
      const ended = await this.end(em, actor, 'ended', { id: sessionId, userId: actor.userId });
      if (ended === 0) throw new NotFound('session', sessionId);
    });
  }

  /** Ends every open session of the actor but the one of this request. */
  endOthers(actor: Actor): Promise<number> {
    return transaction(this.db, (em) =>
      this.end(em, actor, 'ended_others', { userId: actor.userId, except: actor.sessionId }),
    );
  }

  /** An admin ends every open session of a user (the admin's own too, when it is theirs). */
  async endAllOf(actor: Actor, userId: string): Promise<number> {
    await this.userExists(userId);
    return transaction(this.db, (em) => this.end(em, actor, 'ended_by_admin', { userId }));
  }

  async userExists(userId: string): Promise<void> {
    const [user] = (await this.db.query('SELECT 1 FROM users WHERE id = $1', [
      userId,
    ])) as unknown[];
    if (!user) throw new NotFound('user', userId);
  }

  private open(manager: EntityManager) {
    return manager
      .createQueryBuilder(Session, 's')
      .addSelect('s.webTokenHash')
      .where('s.revoked_at IS NULL AND s.expires_at > now()');
  }

  /** Revokes the matching open sessions and writes one audit event for each; returns how many. */
  private async end(
    em: EntityManager,
    actor: Actor,
    reason: EndReason,
    which: { userId: string; id?: string; except?: string },
  ): Promise<number> {
    markSessionsChanged();
    const rows = (await em.query(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
         AND ($3::uuid IS NULL OR id = $3) AND ($4::uuid IS NULL OR id <> $4)
       RETURNING id, user_agent, ip, web_token_hash IS NOT NULL AS browser`,
      [which.userId, reason, which.id ?? null, which.except ?? null],
    )) as [
      { id: string; user_agent: string | null; ip: string | null; browser: boolean }[],
      number,
    ];
    const ended = rows[0];
    await this.audit.recordMany(
      em,
      ended.map((s): AuditEntry => ({
        actorId: actor.userId,
        action: 'session.end',
        entity: 'user',
        entityId: which.userId,
        changes: {
          sessionId: s.id,
          kind: s.browser ? 'browser' : 'api',
          client: clientLabel(clientName(s.user_agent)),
          ip: s.ip,
          reason,
        },
      })),
    );
    return ended.length;
  }
}
