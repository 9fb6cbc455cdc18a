import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { BadInput } from '../common/errors';
import { transaction } from '../common/transaction';
import { Jobs } from '../jobs/jobs.service';
import { Mailer } from '../mail/mailer.service';
import { normalizeEmail } from '../users/email';
import type { Locale } from '../users/user.entity';
import { passwordLinkPath, resetMail } from './password-mails';
import { endPasswordTokens, issuePasswordToken, usePasswordToken } from './password-tokens';
import { hashPassword } from './passwords';
import { revokeAllSessions } from './sessions';
import { accountKey, addressKey, countFailure, lockedFor, RESET_THROTTLE } from './throttle';

export const PASSWORD_RESET_QUEUE = 'password-reset';

/**
 * "Forgot your password": a request is answered alike for every address, known, unknown,
 * inactive or throttled, and costs the request alike: it counts the throttle and enqueues a job,
 * nothing else. The job looks the address up and, for an active user, writes the token and the
 * mail. The confirmation sets the password with the token, once.
 */
@Injectable()
export class PasswordResets {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly jobs: Jobs,
  ) {
    jobs.define<{ email: string }>({
      name: PASSWORD_RESET_QUEUE,
      run: (data) => this.send(data.email),
      retryLimit: 3,
      busy: true,
    });
  }

  /** Counts the request per address asked about and per client; enqueues the mail unless throttled. */
  async request(email: string, ip: string): Promise<void> {
    const address = normalizeEmail(email);
    const keys = [accountKey(address, RESET_THROTTLE), addressKey(ip, RESET_THROTTLE)];
    await transaction(this.db, async (em) => {
      if ((await lockedFor(em, keys)) > 0) return;
      await countFailure(em, keys[0], RESET_THROTTLE.perAccount, RESET_THROTTLE);
      await countFailure(em, keys[1], RESET_THROTTLE.perAddress, RESET_THROTTLE);
      await this.jobs.enqueue(em, PASSWORD_RESET_QUEUE, { email: address });
    });
  }

  /** The job: a token and its mail for an active user of that address; nothing for anyone else. */
  private async send(email: string): Promise<void> {
    await transaction(this.db, async (em) => {
      const [user] = (await em.query(
        `SELECT id, display_name, locale FROM users WHERE email = $1 AND active`,
        [email],
      )) as { id: string; display_name: string; locale: Locale }[];
      if (!user) return;
      const { token, expiresAt } = await issuePasswordToken(em, user.id, 'reset');
      const url = this.mailer.link(passwordLinkPath(token, 'reset', user.locale));
      await this.mailer.queue(em, {
        kind: 'password-reset',
        userId: user.id,
        to: email,
        locale: user.locale,
        content: resetMail(user.locale, user.display_name, url),
      });
      await this.audit.record(em, {
        actorId: null,
        action: 'password.reset-requested',
        entity: 'user',
        entityId: user.id,
        changes: { expiresAt: expiresAt.toISOString() },
      });
    });
  }

  /**
   * Sets the password with a reset or invitation token: the token used, the password set, every
   * other open token and every session of the user ended, audited, in one transaction. An unknown,
   * used or expired token (or a deactivated user's) is a 400 naming `token`.
   */
  async confirm(token: string, password: string): Promise<{ userId: string }> {
    const passwordHash = await hashPassword(password);
    return transaction(this.db, async (em) => {
      const used = await usePasswordToken(em, token);
      if (!used)
        throw BadInput.field(
          'token',
          'invalidToken',
          'token is unknown, expired or was already used',
        );
      await em.query(
        `UPDATE users SET password_hash = $2, password_changed_at = now(), version = version + 1,
                updated_at = now()
         WHERE id = $1`,
        [used.userId, passwordHash],
      );
      await endPasswordTokens(em, used.userId);
      const sessionsEnded = await revokeAllSessions(
        em,
        used.userId,
        used.purpose === 'invitation' ? 'invitation_accepted' : 'password_reset',
      );
      await this.audit.record(em, {
        actorId: used.userId,
        action: used.purpose === 'invitation' ? 'invitation.accept' : 'password.reset',
        entity: 'user',
        entityId: used.userId,
        changes: { sessionsEnded },
      });
      return { userId: used.userId };
    });
  }
}
