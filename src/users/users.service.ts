import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { randomBytes } from 'node:crypto';
import { invitationMail, passwordLinkPath } from '../auth/password-mails';
import { endPasswordTokens, invitationStates, issuePasswordToken } from '../auth/password-tokens';
import { hashPassword } from '../auth/passwords';
import { revokeAllSessions } from '../auth/sessions';
import { Mailer } from '../mail/mailer.service';
import { label } from '../web/kit/i18n';
import { auditCreated, RecordSpec, updateRecord } from '../common/records';
import { deadLinks } from '../common/references';
import { BadInput, Conflict, fieldError, Forbidden, NotFound } from '../common/errors';
import { escapeLike } from '../common/search';
import { Page, Paginator, Sorts } from '../common/pagination';
import { User } from './user.entity';
import {
  CreateUserDto,
  DIRECTORY_DEFAULT_SORT,
  DIRECTORY_ROLES,
  DirectorySort,
  UpdateUserDto,
  UserDirectoryQuery,
  UserListQuery,
} from './users.dto';
import { markSessionsChanged } from '../common/request-context';
import { transaction } from '../common/transaction';

const AUDITED_FIELDS = ['email', 'displayName', 'role', 'companyId', 'locale', 'active'] as const;

const USER: RecordSpec<User> = { entity: User, table: 'users', kind: 'user' };

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly paginator: Paginator,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
  ) {}

  async list(query: UserListQuery): Promise<Page<User>> {
    const qb = this.users.createQueryBuilder('u');
    if (query.q) {
      qb.andWhere(`(u.display_name ILIKE :q OR u.email ILIKE :q)`, {
        q: `%${escapeLike(query.q)}%`,
      });
    }
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.companyId) qb.andWhere('u.company_id = :companyId', { companyId: query.companyId });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    const page = await this.paginator.page(qb, query, {
      sorts: {
        createdAt: { sql: 'u.created_at', type: 'timestamptz', value: (u) => u.createdAt },
        displayName: {
          sql: 'lower(u.display_name)',
          type: 'text',
          value: (u) => u.displayName.toLowerCase(),
        },
      },
      defaultSort: 'displayName',
      idColumn: 'u.id',
    });
    await this.withInvitations(this.db.manager, page.items);
    return page;
  }

  /**
   * The agency's active admin and staff users, by name: whom a contact or lead may be owned by
   * and a follow-up assigned to. Name and role only, for every agency role (not company users).
   */
  async directory(query: UserDirectoryQuery): Promise<Page<User>> {
    // Literal roles, as in the predicate of users_directory_idx, so that the planner uses it.
    const roles = DIRECTORY_ROLES.map((role) => `'${role}'`).join(', ');
    const qb = this.users.createQueryBuilder('u').where(`u.active AND u.role IN (${roles})`);
    if (query.q !== undefined && query.q.trim() !== '') {
      qb.andWhere('immutable_unaccent(lower(u.display_name)) LIKE immutable_unaccent(lower(:q))', {
        q: `%${escapeLike(query.q.trim())}%`,
      });
    }
    const sorts: Sorts<User, DirectorySort> = {
      displayName: {
        sql: 'lower(u.display_name)',
        type: 'text',
        value: (u) => u.displayName.toLowerCase(),
      },
    };
    return this.paginator.page(qb, query, {
      sorts,
      defaultSort: DIRECTORY_DEFAULT_SORT,
      idColumn: 'u.id',
    });
  }

  async get(id: string, manager: EntityManager = this.db.manager): Promise<User> {
    const user = await manager.findOneBy(User, { id });
    if (!user) throw new NotFound('user', id);
    await this.withInvitations(manager, [user]);
    return user;
  }

  private async withInvitations(manager: EntityManager, users: User[]): Promise<void> {
    const states = await invitationStates(
      manager,
      users.map((u) => u.id),
    );
    for (const user of users) user.invitation = states.get(user.id) ?? null;
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<User> {
    return transaction(this.db, async (em) => {
      const companyId = await this.checkCompanyForRole(em, dto.role, dto.companyId ?? null);
      await this.checkEmailFree(em, dto.email);
      // Without a password, one nobody knows: the invitation's link sets the real one.
      const passwordHash = await hashPassword(
        dto.password ?? randomBytes(32).toString('base64url'),
      );
      const { identifiers } = await em.insert(User, {
        email: dto.email,
        displayName: dto.displayName,
        role: dto.role,
        companyId,
        locale: dto.locale ?? 'de',
        active: true,
        passwordHash,
      });
      const id = identifiers[0].id as string;
      if (dto.password === undefined) await this.sendInvitation(em, actor, id);
      return auditCreated(em, this.audit, actor, USER, await this.get(id, em), AUDITED_FIELDS);
    });
  }

  /** Sends the invitation again: a new link, the earlier ones end. Not for a deactivated user. */
  async invite(actor: Actor, id: string): Promise<User> {
    return transaction(this.db, async (em) => {
      const user = await this.get(id, em);
      if (!user.active)
        throw new Conflict('A deactivated user cannot be invited; activate the user first.');
      await this.sendInvitation(em, actor, id);
      return this.get(id, em);
    });
  }

  /** The invitation mail, in the new user's language, and its audit event, in `em`'s transaction. */
  private async sendInvitation(em: EntityManager, actor: Actor, id: string): Promise<void> {
    const [user, inviter] = await Promise.all([
      em.findOneByOrFail(User, { id }),
      em.findOneByOrFail(User, { id: actor.userId }),
    ]);
    const { token, expiresAt } = await issuePasswordToken(em, id, 'invitation');
    await this.mailer.queue(em, {
      kind: 'invitation',
      userId: id,
      to: user.email,
      locale: user.locale,
      content: invitationMail(user.locale, {
        name: user.displayName,
        inviter: inviter.displayName,
        role: label(user.locale, 'role', user.role),
        url: this.mailer.link(passwordLinkPath(token, 'invitation', user.locale)),
        expiresAt,
      }),
    });
    await this.audit.record(em, {
      actorId: actor.userId,
      action: 'invitation.send',
      entity: 'user',
      entityId: id,
      changes: { expiresAt: expiresAt.toISOString() },
    });
  }

  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdateUserDto,
  ): Promise<User> {
    return transaction(this.db, (em) =>
      updateRecord(
        em,
        this.audit,
        actor,
        USER,
        { get: () => this.get(id, em) },
        id,
        expectedVersion,
        async (before) => {
          const role = dto.role ?? before.role;
          if (dto.role !== undefined && dto.role !== before.role && id === actor.userId) {
            throw new Forbidden('You cannot change your own role.');
          }
          // A user who stops being a company user no longer belongs to a company.
          const requestedCompany =
            dto.companyId !== undefined
              ? dto.companyId
              : role === 'company'
                ? before.companyId
                : null;
          const companyId = await this.checkCompanyForRole(em, role, requestedCompany);
          if (dto.email !== undefined && dto.email !== before.email) {
            await this.checkEmailFree(em, dto.email);
          }
          const losesAdmin =
            before.role === 'admin' && before.active && (role !== 'admin' || dto.active === false);
          if (losesAdmin) await this.checkAnotherAdminRemains(em, id);

          const values: Partial<User> = {
            ...(dto.email !== undefined && { email: dto.email }),
            ...(dto.displayName !== undefined && { displayName: dto.displayName }),
            ...(dto.locale !== undefined && { locale: dto.locale }),
            ...(dto.active !== undefined && { active: dto.active }),
            role,
            companyId,
          };
          if (dto.password !== undefined) {
            values.passwordHash = await hashPassword(dto.password);
            values.passwordChangedAt = new Date();
          }
          return {
            values,
            // Users are never soft-deleted, and only admins write them.
            scope: undefined,
            audited: AUDITED_FIELDS,
            afterwards: async (after) => {
              const changes: Record<string, unknown> = {};
              if (
                after.role !== before.role ||
                after.companyId !== before.companyId ||
                after.active !== before.active
              )
                markSessionsChanged();
              if (dto.password !== undefined) {
                changes.password = { before: '(set)', after: '(reset)' };
                // A link of an earlier mail would overwrite the password the admin just set.
                await endPasswordTokens(em, id);
              }
              if (dto.password !== undefined || (before.active && !after.active)) {
                changes.sessionsEnded = await revokeAllSessions(
                  em,
                  id,
                  dto.password !== undefined ? 'password_reset' : 'deactivated',
                );
              }
              return changes;
            },
          };
        },
      ),
    );
  }

  private async checkCompanyForRole(
    em: EntityManager,
    role: string,
    companyId: string | null,
  ): Promise<string | null> {
    if (role !== 'company') {
      if (companyId)
        throw BadInput.field(
          'companyId',
          'companyRole',
          'companyId is only for users with role company',
        );
      return null;
    }
    if (!companyId)
      throw BadInput.field(
        'companyId',
        'required',
        'companyId is required for users with role company',
      );
    const errors = await deadLinks(em, [{ field: 'companyId', table: 'companies', id: companyId }]);
    if (errors.length) throw new BadInput(errors);
    return companyId;
  }

  /** `email` as the DTO gives it: normalised (./email.ts), as users.email holds every address. */
  private async checkEmailFree(em: EntityManager, email: string): Promise<void> {
    const taken = (await em.query('SELECT 1 FROM users WHERE email = $1', [email])) as unknown[];
    if (taken.length > 0) {
      throw new Conflict('A user with this email already exists.', [
        fieldError('email', 'unique', 'email is already taken'),
      ]);
    }
  }

  /** Locks the active admins, so two concurrent demotions cannot both pass this check. */
  private async checkAnotherAdminRemains(em: EntityManager, leavingId: string): Promise<void> {
    const admins = (await em.query(
      `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`,
    )) as { id: string }[];
    if (!admins.some((a) => a.id !== leavingId)) {
      throw new Conflict('The last active admin cannot be demoted or deactivated.');
    }
  }
}
