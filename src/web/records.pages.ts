import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { UuidParam } from '../common/params';
import { pageContext } from './account.pages';
import { contactName } from './crm.pages';
import { day } from './kit/format';
import { Html, html } from './kit/html';
import { t } from './kit/i18n';
import { csrfField, editLink, errorSummary, field, layout, PageContext } from './kit/layout';
import { Column, listRows, listTable, searchForm, withCursor } from './kit/list';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, fieldErrors, WebApi } from './kit/web-api';
import { WebPages, WebRequest } from './kit/session';
import { AgreementView, CompanyView, ContactView, Page, PartnerView } from './kit/views';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const query = (params: Record<string, string | undefined>) => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) out.set(k, v);
  return out.toString();
};

interface UserView {
  id: string;
  email: string;
  displayName: string;
  role: string;
  companyId: string | null;
  active: boolean;
  version: number;
}

/** Lists and detail pages of the remaining records, all on the API. */
@ApiExcludeController()
@WebPages()
@Controller()
export class RecordPages {
  constructor(private readonly api: WebApi) {}

  private async list<T>(
    request: WebRequest,
    reply: FastifyReply,
    options: {
      path: string;
      api: string;
      title: string;
      columns: (ctx: PageContext) => Column<T>[];
      search?: boolean;
      q: Record<string, string>;
    },
  ): Promise<void> {
    const ctx = pageContext(request);
    const params = {
      q: options.search ? str(options.q.q) || undefined : undefined,
      cursor: str(options.q.cursor) || undefined,
    };
    const page = await this.api.get<Page<T>>(
      ctx.user!,
      `${options.api}?${query({ ...params, limit: '25' })}`,
    );
    const columns = options.columns(ctx);
    const more = withCursor(options.path, { q: params.q });
    if (options.q.fragment === 'rows')
      return sendPage(reply, listRows(ctx.locale, columns, page, more));
    sendPage(
      reply,
      layout(
        ctx,
        options.title,
        html`<h1>${options.title}</h1>
          ${options.search ? searchForm(ctx.locale, options.path, params.q) : ''}${listTable(ctx.locale, options.title, columns, page, more)}`,
      ),
    );
  }

  private facts(rows: [string, Html | string | number | null | undefined][]): Html {
    return html`<dl class="facts">
      ${rows.map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd>${v ?? ''}</dd>`,
      )}
    </dl>`;
  }

  // ---------------------------------------------------------------- companies and partners

  @Get('partners')
  @Allow('partner:read')
  partners(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() q: Record<string, string>,
  ): Promise<void> {
    return this.list<PartnerView>(request, reply, {
      path: '/partners',
      api: '/api/v1/partners',
      title: t(pageContext(request).locale, 'partners'),
      search: true,
      q,
      columns: (ctx) => [
        {
          header: t(ctx.locale, 'partner'),
          cell: (p) =>
            html`<a href="/partners/${p.id}">${p.name}</a>
              ${p.nativeName ? html`<span lang="zh">${p.nativeName}</span>` : ''}`,
        },
        { header: t(ctx.locale, 'kind'), cell: (p) => p.kind },
        { header: t(ctx.locale, 'city'), cell: (p) => `${p.city ?? ''} (${p.country})` },
      ],
    });
  }

  @Get('partners/:id')
  @Allow('partner:read')
  async partner(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const [p, contacts] = await Promise.all([
      this.api.get<PartnerView>(user, `/api/v1/partners/${id}`),
      this.api.get<Page<ContactView>>(user, `/api/v1/contacts?partnerId=${id}&limit=100`),
    ]);
    sendPage(
      reply,
      layout(
        ctx,
        p.name,
        html`<h1>${p.name} ${p.nativeName ? html`<span lang="zh">${p.nativeName}</span>` : ''}</h1>${editLink(ctx, 'partner:write', `/partners/${p.id}/edit`)}
          ${this.facts([
            [t(ctx.locale, 'kind'), p.kind],
            [t(ctx.locale, 'city'), `${p.city ?? ''} (${p.country})`],
            [t(ctx.locale, 'description'), p.description],
          ])}
          <h2>${t(ctx.locale, 'contacts')}</h2>
          <ul>
            ${contacts.items.map((c) => html`<li><a href="/contacts/${c.id}">${contactName(c)}</a> ${c.position ?? ''}</li>`)}
          </ul>`,
      ),
    );
  }

  // ---------------------------------------------------------------- agreements

  @Get('agreements')
  @Allow('agreement:read')
  agreements(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query() q: Record<string, string>,
  ): Promise<void> {
    return this.list<AgreementView>(request, reply, {
      path: '/agreements',
      api: '/api/v1/agreements',
      title: t(pageContext(request).locale, 'agreements'),
      search: true,
      q,
      columns: (ctx) => [
        { header: t(ctx.locale, 'title'), cell: (a) => a.title },
        { header: t(ctx.locale, 'kind'), cell: (a) => a.kind },
        { header: t(ctx.locale, 'status'), cell: (a) => a.status },
        { header: 'Unterzeichnet / Signed', cell: (a) => day(a.signedOn, ctx.locale) },
        {
          header: t(ctx.locale, 'partner'),
          cell: (a) => html`<a href="/partners/${a.partnerId}">${t(ctx.locale, 'partner')}</a>`,
        },
      ],
    });
  }

  // ---------------------------------------------------------------- users (admin)

  @Get('users')
  @Allow('user:read')
  async users(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    sendPage(reply, await this.usersPage(pageContext(request), {}, {}));
  }

  private async usersPage(
    ctx: PageContext,
    values: Record<string, string>,
    errors: Record<string, string>,
  ): Promise<Html> {
    const user = ctx.user!;
    const [users, companies] = await Promise.all([
      this.api.get<Page<UserView>>(user, '/api/v1/users?limit=200'),
      this.api.get<Page<CompanyView>>(user, '/api/v1/companies?limit=200'),
    ]);
    return layout(
      ctx,
      t(ctx.locale, 'users'),
      html`<h1>${t(ctx.locale, 'users')}</h1>
        <table>
          <thead>
            <tr>
              <th scope="col">${t(ctx.locale, 'displayName')}</th>
              <th scope="col">${t(ctx.locale, 'email')}</th>
              <th scope="col">${t(ctx.locale, 'role')}</th>
              <th scope="col">${t(ctx.locale, 'active')}</th>
            </tr>
          </thead>
          <tbody>
            ${users.items.map(
              (u) =>
                html`<tr>
                  <td>${u.displayName}</td>
                  <td>${u.email}</td>
                  <td>${u.role}</td>
                  <td>
                    ${
                      u.active
                        ? html`<form method="post" action="/users/${u.id}/deactivate">
                            ${csrfField(ctx)}<input
                              type="hidden"
                              name="version"
                              value="${u.version}"
                            /><button
                              type="submit"
                              aria-label="${t(ctx.locale, 'deactivate')}: ${u.email}"
                              ${u.id === user.userId ? html` disabled` : ''}
                            >
                              ✓ · deaktivieren
                            </button>
                          </form>`
                        : '–'
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${t(ctx.locale, 'create')}</h2>
        ${errorSummary(ctx, errors)}
        <form method="post" action="/users" class="card">
          ${csrfField(ctx)}
          ${field(t(ctx.locale, 'email'), html`<input type="email" name="email" required value="${values.email ?? ''}" />`, errors.email)}
          ${field(t(ctx.locale, 'displayName'), html`<input name="displayName" required value="${values.displayName ?? ''}" />`, errors.displayName)}
          ${field(
            t(ctx.locale, 'role'),
            html`<select name="role">
              ${['staff', 'viewer', 'company', 'admin'].map((r) => html`<option${values.role === r ? html` selected` : ''}>${r}</option>`)}
            </select>`,
            errors.role,
          )}
          ${field(
            t(ctx.locale, 'company'),
            html`<select name="companyId">
              <option value="">${t(ctx.locale, 'none')}</option>
              ${companies.items.map((c) => html`<option value="${c.id}" ${values.companyId === c.id ? html` selected` : ''}>${c.name}</option>`)}
            </select>`,
            errors.companyId,
          )}
          ${field(t(ctx.locale, 'password'), html`<input type="password" name="password" autocomplete="new-password" minlength="12" required />`, errors.password)}
          <button class="primary" type="submit">${t(ctx.locale, 'create')}</button>
        </form>`,
    );
  }

  @Post('users')
  @Allow('user:create')
  async createUser(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const values = {
      email: str(body.email),
      displayName: str(body.displayName),
      role: str(body.role),
      companyId: str(body.companyId),
    };
    const answer = await this.api.call<ApiProblem>(ctx.user!, 'POST', '/api/v1/users', {
      body: { ...values, companyId: values.companyId || undefined, password: str(body.password) },
    });
    if (answer.status === 201) return redirect(request, reply, '/users');
    if (answer.status === 400 || answer.status === 409) {
      const errors =
        answer.status === 409 ? { email: answer.body.detail } : fieldErrors(answer.body);
      return sendPage(reply, await this.usersPage(ctx, values, errors), answer.status);
    }
    throw new ApiError(answer as never);
  }

  @Post('users/:id/deactivate')
  @Allow('user:update')
  async deactivate(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const answer = await this.api.call(request.webUser!, 'PATCH', `/api/v1/users/${id}`, {
      body: { active: false },
      ifMatch: Number(body.version),
    });
    if (answer.status !== 200) throw new ApiError(answer as never);
    redirect(request, reply, '/users');
  }
}
