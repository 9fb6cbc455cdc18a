import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/permissions';
import { AuditService } from '../audit/audit.service';
import { NotFound } from '../common/errors';
import { transaction } from '../common/transaction';
import {
  isOptionalMailKind,
  MAIL_KEY,
  type OptionalMailKind,
  readUnsubscribeToken,
} from '../mail/mail';
import type { Locale } from '../users/user.entity';

/**
 * The optional mails that concern a role: a company user is told of its company's leads; the
 * agency's people of notes on the leads they own. Everyone may get the digest of follow-ups due.
 */
export function mailKindsFor(role: Role): OptionalMailKind[] {
  return role === 'company'
    ? ['digest', 'lead-created', 'lead-shared', 'lead-note']
    : ['digest', 'lead-note'];
}

export type MailSwitches = Partial<Record<OptionalMailKind, boolean>>;

/**
 * Which optional mails a user receives (`users.mail_off`: the kinds turned off), from the
 * preferences page or a mail's one-click unsubscribe link. Each change is audited on the user.
 */
@Injectable()
export class MailPreferences {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MAIL_KEY) private readonly key: Buffer,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor): Promise<MailSwitches> {
    const [row] = (await this.db.query('SELECT mail_off FROM users WHERE id = $1', [
      actor.userId,
    ])) as { mail_off: string[] }[];
    return switches(actor.role, row?.mail_off ?? []);
  }

  /** Turns the kinds named on or off; the others stay as they are. */
  async update(actor: Actor, mails: MailSwitches): Promise<MailSwitches> {
    return transaction(this.db, async (em) => {
      const after = await this.change(em, actor.userId, actor.userId, (off) => {
        const set = new Set(off);
        for (const [kind, on] of Object.entries(mails)) {
          if (!isOptionalMailKind(kind) || on === undefined) continue;
          if (on) set.delete(kind);
          else set.add(kind);
        }
        return [...set].sort();
      });
      return switches(actor.role, after ?? []);
    });
  }

  /**
   * The one-click unsubscribe of a mail's link (RFC 8058): its kind off for its user. A token
   * that is not one Liaison signed, or whose user is gone, is not found.
   */
  async unsubscribe(token: string): Promise<{ kind: OptionalMailKind; locale: Locale }> {
    const target = this.readToken(token);
    return transaction(this.db, async (em) => {
      const after = await this.change(em, target.userId, target.userId, (off) =>
        off.includes(target.kind) ? off : [...off, target.kind].sort(),
      );
      if (!after) throw new NotFound('unsubscribe link');
      return { kind: target.kind, locale: await this.localeOf(em, target.userId) };
    });
  }

  /** What a link unsubscribes from and in whose language, without changing anything. */
  async peek(token: string): Promise<{ kind: OptionalMailKind; locale: Locale; off: boolean }> {
    const target = this.readToken(token);
    const [row] = (await this.db.query('SELECT locale, mail_off FROM users WHERE id = $1', [
      target.userId,
    ])) as { locale: Locale; mail_off: string[] }[];
    if (!row) throw new NotFound('unsubscribe link');
    return { kind: target.kind, locale: row.locale, off: row.mail_off.includes(target.kind) };
  }

  private readToken(token: string): { userId: string; kind: OptionalMailKind } {
    const target = readUnsubscribeToken(this.key, token);
    if (!target) throw new NotFound('unsubscribe link');
    return target;
  }

  private async localeOf(em: EntityManager, userId: string): Promise<Locale> {
    const [row] = (await em.query('SELECT locale FROM users WHERE id = $1', [userId])) as {
      locale: Locale;
    }[];
    return row.locale;
  }

  /** Reads the kinds off (row locked), writes what `next` makes of them, audits a change. */
  private async change(
    em: EntityManager,
    userId: string,
    actorId: string,
    next: (off: string[]) => string[],
  ): Promise<string[] | undefined> {
    const [row] = (await em.query('SELECT mail_off FROM users WHERE id = $1 FOR UPDATE', [
      userId,
    ])) as { mail_off: string[] }[];
    if (!row) return undefined;
    const before = [...row.mail_off].sort();
    const after = next(before);
    if (after.join() === before.join()) return after;
    await em.query('UPDATE users SET mail_off = $2 WHERE id = $1', [userId, after]);
    await this.audit.record(em, {
      actorId,
      action: 'update',
      entity: 'user',
      entityId: userId,
      changes: { mailOff: { before, after } },
    });
    return after;
  }
}

function switches(role: Role, off: string[]): MailSwitches {
  return Object.fromEntries(mailKindsFor(role).map((kind) => [kind, !off.includes(kind)]));
}
