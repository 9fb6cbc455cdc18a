import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { UuidParam } from '../common/params';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import {
  createBody,
  FieldSpec,
  fieldMessages,
  idempotencyField,
  idempotencyKeyOf,
  readForm,
  recordForm,
} from './kit/forms';
import { dateTime } from './kit/format';
import { Html, html } from './kit/html';
import { dictionary, label, options, ruleMessage, t } from './kit/i18n';
import { findMore, Labels, recordChoices } from './kit/labels';
import { csrfField, facts, titledPage, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import * as records from './kit/records';
import { redirect, sendPage } from './kit/respond';
import { WebRequest } from '../auth/browser-session';
import { ApiError, ApiProblem, WebApi } from './kit/web-api';
import { can } from '../auth/permissions';
import { historyLink } from './audit.pages';
import { userSessionsSection } from './sessions.pages';

export interface UserRecord extends Record<string, unknown> {
  id: string;
  email: string;
  displayName: string;
  role: string;
  companyId: string | null;
  locale: string;
  active: boolean;
  lastLoginAt: string | null;
  invitation: 'pending' | 'expired' | null;
  version: number;
}

const w = dictionary({
  newUser: ['Neuer Benutzer', 'New user'],
  state: ['Zugang', 'Access'],
  activeState: ['aktiv', 'Active'],
  inactiveState: ['deaktiviert', 'Deactivated'],
  activeField: [
    'Aktiv (abgewählt: der Zugang ist gesperrt, alle Sitzungen enden)',
    'Active (unticked: access is blocked, every session ends)',
  ],
  companyHint: ['nur für die Rolle „Unternehmen“', 'only for the role “Company user”'],
  lastLogin: ['Letzte Anmeldung', 'Last sign-in'],
  initialPassword: ['Passwort (mind. 12 Zeichen)', 'Password (at least 12 characters)'],
  access: ['Zugang einrichten', 'Set up access'],
  accessInvite: [
    'Einladung per E-Mail: die Person wählt ihr Passwort selbst',
    'Invitation by email: the person chooses the password',
  ],
  accessPassword: ['Passwort jetzt festlegen', 'Set a password now'],
  passwordHint: [
    'leer lassen, um die Einladung zu schicken',
    'leave it empty to send the invitation',
  ],
  passwordNeeded: [
    'Bitte ein Passwort eingeben oder eine Einladung schicken.',
    'Enter a password, or send an invitation.',
  ],
  invitation: ['Einladung', 'Invitation'],
  invitationPending: ['verschickt, noch nicht angenommen', 'sent, not yet accepted'],
  invitationExpired: ['abgelaufen, nicht angenommen', 'expired, not accepted'],
  sendInvitation: ['Einladung erneut senden', 'Send the invitation again'],
});

const kind = (ctx: PageContext, api: WebApi): records.RecordKind<UserRecord> => ({
  api: '/api/v1/users',
  page: '/users',
  write: 'user:update',
  newTitle: w(ctx.locale, 'newUser'),
  title: (u) => u.displayName,
  restorable: false,
  fields: (fctx, record) => userFields(api, fctx, record),
  defaults: () => ({ role: 'staff', locale: 'de', access: 'invite' }),
});

async function userFields(
  api: WebApi,
  ctx: PageContext,
  record?: UserRecord,
): Promise<FieldSpec[]> {
  const l = ctx.locale;
  const companyChoices = await recordChoices(api, ctx.user!, 'companies', [record?.companyId]);
  return [
    ...(record
      ? []
      : [
          {
            name: 'email',
            label: t(l, 'email'),
            type: 'email' as const,
            required: true,
            maxLength: 254,
            createOnly: true,
          },
        ]),
    { name: 'displayName', label: t(l, 'displayName'), required: true, maxLength: 120 },
    // One's own role is not changed here (the API refuses it): another admin does that.
    ...(record?.id === ctx.user?.userId
      ? []
      : [
          {
            name: 'role',
            label: t(l, 'role'),
            type: 'select' as const,
            choices: options(l, 'role'),
          },
        ]),
    {
      name: 'companyId',
      label: t(l, 'company'),
      type: 'select',
      blank: t(l, 'none'),
      choices: companyChoices,
      find: findMore(l, 'companies', companyChoices.more),
      hint: w(l, 'companyHint'),
      // Only a company user belongs to a company; for any other role the choice is not sent.
      toApi: (value, values) =>
        (values.role ?? record?.role) === 'company' && typeof value === 'string' && value
          ? value
          : null,
    },
    ...(record
      ? [{ name: 'active', label: w(l, 'activeField'), type: 'checkbox' as const }]
      : [
          {
            name: 'access',
            label: w(l, 'access'),
            type: 'select' as const,
            choices: [
              { value: 'invite', label: w(l, 'accessInvite') },
              { value: 'password', label: w(l, 'accessPassword') },
            ],
            createOnly: true,
            // Not an API field: without a password the API sends the invitation.
            apiFields: () => ({}),
          },
          {
            name: 'password',
            label: w(l, 'initialPassword'),
            type: 'password' as const,
            maxLength: 128,
            hint: w(l, 'passwordHint'),
            createOnly: true,
            apiFields: (values: Record<string, unknown>) =>
              // A typed password is meant to be used, whatever the select still says.
              values.access === 'password' || values.password ? { password: values.password } : {},
          },
        ]),
    { name: 'locale', label: t(l, 'language'), type: 'select', choices: options(l, 'locale') },
  ];
}

/** Users (admin): who may sign in, with which role, for which company, in which language. */
@ApiExcludeController()
@Controller('users')
export class UserPages extends records.RecordRoutes(
  kind,
  'user:update',
  'user:read',
  'page-and-edit',
) {
  @Get()
  @Allow('user:read')
  list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const labels = new Labels(this.api, ctx.user!);
    return listPage<UserRecord>(this.api, ctx, reply, {
      path: '/users',
      api: '/api/v1/users',
      title: t(l, 'users'),
      search: true,
      defaultSort: 'displayName',
      create: { href: '/users/new', label: w(l, 'newUser'), action: 'user:create' },
      prepare: async (items) => {
        await labels.load(
          'companies',
          items.map((u) => u.companyId),
        );
      },
      filters: [
        { name: 'role', label: t(l, 'role'), type: 'select', choices: options(l, 'role') },
        {
          name: 'active',
          label: w(l, 'state'),
          type: 'select',
          choices: [
            { value: 'true', label: w(l, 'activeState') },
            { value: 'false', label: w(l, 'inactiveState') },
          ],
        },
      ],
      columns: [
        {
          header: t(l, 'displayName'),
          sort: 'displayName',
          primary: true,
          cell: (u) => html`<a href="/users/${u.id}">${u.displayName}</a>`,
        },
        { header: t(l, 'email'), cell: (u) => u.email },
        { header: t(l, 'role'), cell: (u) => label(l, 'role', u.role) },
        { header: t(l, 'company'), cell: (u) => labels.get(u.companyId) },
        {
          header: w(l, 'state'),
          cell: (u) =>
            u.active
              ? html`<span class="badge ok">${w(l, 'activeState')}</span>`
              : html`<span class="badge warn">${w(l, 'inactiveState')}</span>`,
        },
        { header: t(l, 'language'), cell: (u) => label(l, 'locale', u.locale) },
      ],
    });
  }

  // New and create are routes of this class alone ('page-and-edit'): by `user:create`.
  @Get('new')
  @Allow('user:create')
  override newForm(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    return records.showCreate(ctx, reply, kind(ctx, this.api));
  }

  /** Create: as the kit's, and a taken email is said beside the email field. */
  @Post()
  @Allow('user:create')
  override async create(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const k = kind(ctx, this.api);
    const fields = await k.fields(ctx);
    const values = readForm(fields, body);
    const key = idempotencyKeyOf(body);
    const answer =
      // Left empty, the API would send an invitation the admin did not choose.
      values.access === 'password' && !values.password
        ? { status: 400, body: { errors: [{ field: 'password', code: 'required' }] } }
        : await this.api.call<UserRecord | ApiProblem>(ctx.user!, 'POST', '/api/v1/users', {
            body: createBody(fields, values),
            idempotencyKey: key,
          });
    if (answer.status === 201 || answer.status === 200)
      return redirect(request, reply, `/users/${(answer.body as UserRecord).id}?flash=created`);
    if (answer.status !== 400 && answer.status !== 409) throw new ApiError(answer as never);
    const errors =
      answer.status === 409
        ? { email: ruleMessage(l, 'unique') }
        : fieldMessages(l, fields, answer.body as ApiProblem);
    if (values.access === 'password' && !values.password) errors.password = w(l, 'passwordNeeded');
    sendPage(
      reply,
      titledPage(
        ctx,
        k.newTitle,
        html`${recordForm(ctx, {
          action: '/users',
          fields,
          values: { ...values, password: '' },
          errors,
          submit: t(l, 'create'),
          cancel: '/users',
          id: 'record-form',
          extra: idempotencyField(key),
        })}`,
      ),
      answer.status,
    );
  }

  /** Sends the invitation again: a new link, the earlier ones end. */
  @Post(':id/invitation')
  @Allow('user:create')
  async invite(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call<UserRecord | ApiProblem>(
      ctx.user!,
      'POST',
      `/api/v1/users/${id}/invitation`,
      { idempotencyKey: idempotencyKeyOf(body) },
    );
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, `/users/${id}?flash=invitationSent`);
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const l = ctx.locale;
    const u = await this.api.get<UserRecord>(ctx.user!, `/api/v1/users/${id}`);
    const labels = await new Labels(this.api, ctx.user!).load('companies', [u.companyId]);
    const sessions = can(ctx.user!.role, 'user:update')
      ? await userSessionsSection(this.api, ctx, u.id)
      : html``;
    return titledPage(
      ctx,
      u.displayName,
      html`
          <div class="actions record-actions">
            <a class="button" href="/users/${u.id}/edit" id="edit">${t(l, 'edit')}</a>
            ${
              u.active && (u.invitation || !u.lastLoginAt)
                ? html`<form method="post" action="/users/${u.id}/invitation" class="inline">
                    ${csrfField(ctx)}${idempotencyField()}
                    <button type="submit" id="send-invitation">${w(l, 'sendInvitation')}</button>
                  </form>`
                : ''
            }
          </div>
          ${facts([
            [t(l, 'email'), u.email],
            [t(l, 'role'), html`<span id="user-role">${label(l, 'role', u.role)}</span>`],
            [
              t(l, 'company'),
              u.companyId && labels.get(u.companyId)
                ? html`<a href="/companies/${u.companyId}">${labels.get(u.companyId)}</a>`
                : '',
            ],
            [w(l, 'state'), u.active ? w(l, 'activeState') : w(l, 'inactiveState')],
            [t(l, 'language'), label(l, 'locale', u.locale)],
            [w(l, 'lastLogin'), dateTime(u.lastLoginAt, l)],
            [
              w(l, 'invitation'),
              u.invitation
                ? html`<span id="invitation-state" class="badge ${u.invitation === 'pending' ? 'ok' : 'warn'}">${w(l, u.invitation === 'pending' ? 'invitationPending' : 'invitationExpired')}</span>`
                : '',
            ],
          ])}
          ${historyLink(ctx, 'user', u.id)}
          ${sessions}`,
    );
  }
}
