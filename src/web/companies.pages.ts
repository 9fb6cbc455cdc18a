import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can, isAgency } from '../auth/permissions';
import { personName } from '../contacts/names';
import { historyLink } from './audit.pages';
import { FieldSpec } from './kit/forms';
import { countries, countryName, money } from './kit/format';
import { duplicatesLink } from './duplicates.pages';
import { Html, html } from './kit/html';
import { stageLabel, t } from './kit/i18n';
import { facts, titledPage, linkList, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import * as records from './kit/records';
import { importLink } from './imports.pages';
import { WebRequest } from '../auth/browser-session';
import { CompanyView, ContactView, LeadView, Page } from './kit/views';

const kind = (ctx: PageContext): records.RecordKind<CompanyView & Record<string, unknown>> => ({
  api: '/api/v1/companies',
  page: '/companies',
  write: 'company:write',
  newTitle: t(ctx.locale, 'newCompany'),
  title: (c) => c.name,
  fields: (): FieldSpec[] => [
    { name: 'name', label: t(ctx.locale, 'name'), required: true, maxLength: 200 },
    { name: 'legalName', label: t(ctx.locale, 'legalName'), maxLength: 300 },
    { name: 'industry', label: t(ctx.locale, 'industry'), maxLength: 200 },
    { name: 'city', label: t(ctx.locale, 'city'), maxLength: 200 },
    {
      name: 'country',
      label: t(ctx.locale, 'country'),
      type: 'select',
      choices: countries(ctx.locale),
    },
    { name: 'website', label: t(ctx.locale, 'website'), type: 'url', maxLength: 500 },
    {
      name: 'branchCountries',
      label: t(ctx.locale, 'branchCountries'),
      type: 'list',
      hint: t(ctx.locale, 'countriesHint'),
    },
    { name: 'description', label: t(ctx.locale, 'description'), type: 'textarea' },
  ],
  defaults: () => ({ country: 'DE' }),
});

/** Companies: the local firms the agency supports. */
@ApiExcludeController()
@Controller('companies')
export class CompanyPages extends records.RecordRoutes(
  kind,
  'company:write',
  'company:read',
  'all',
  'companies',
) {
  @Get()
  @Allow('company:read')
  list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    return listPage<CompanyView & Record<string, unknown>>(this.api, ctx, reply, {
      ...records.listed(ctx, kind(ctx)),
      links: [importLink(l, 'company')],
      title: t(l, 'companies'),
      intro: duplicatesLink(ctx, 'companies', 'company:write'),
      defaultSort: 'name',
      filters: [
        { name: 'country', label: t(l, 'country'), type: 'select', choices: countries(l) },
        {
          name: 'branchCountry',
          label: t(l, 'branchCountries'),
          type: 'select',
          choices: countries(l),
        },
      ],
      columns: [
        {
          header: t(l, 'company'),
          sort: 'name',
          primary: true,
          cell: (c) => html`<a href="/companies/${c.id}">${c.name}</a>`,
        },
        { header: t(l, 'industry'), cell: (c) => c.industry },
        {
          header: t(l, 'city'),
          cell: (c) => [c.city, countryName(c.country, l)].filter(Boolean).join(', '),
        },
        {
          header: t(l, 'branchCountries'),
          cell: (c) => c.branchCountries.map((code) => countryName(code, l)).join(', '),
        },
      ],
    });
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const [c, contacts, leads] = await Promise.all([
      this.api.get<CompanyView & Record<string, unknown>>(user, `/api/v1/companies/${id}`),
      can(user.role, 'contact:read') && isAgency(user)
        ? this.api.get<Page<ContactView>>(user, `/api/v1/contacts?companyId=${id}&limit=50`)
        : Promise.resolve(undefined),
      this.api.get<Page<LeadView>>(user, `/api/v1/leads?companyId=${id}&limit=50`),
    ]);
    return titledPage(
      ctx,
      c.name,
      html`
          ${records.recordActions(ctx, kind(ctx), c)}
          ${historyLink(ctx, 'company', c.id)}
          ${facts([
            [t(l, 'legalName'), c.legalName],
            [t(l, 'industry'), c.industry],
            [t(l, 'city'), c.city],
            [t(l, 'country'), countryName(c.country, l)],
            [
              t(l, 'website'),
              c.website
                ? html`<a href="${c.website}" rel="noopener noreferrer">${c.website}</a>`
                : '',
            ],
            [t(l, 'branchCountries'), c.branchCountries.map((x) => countryName(x, l)).join(', ')],
            [t(l, 'description'), c.description],
          ])}
          ${
            contacts
              ? html`<h2>${t(l, 'contacts')}</h2>
                  <p><a href="/contacts?companyId=${c.id}" id="company-contacts">${t(l, 'allContactsListed')}</a></p>
                  ${linkList(
                    ctx,
                    contacts.items,
                    (p) =>
                      html`<a href="/contacts/${p.id}">${personName(p)}</a>${p.position ? html` <span class="muted">· ${p.position}</span>` : ''}`,
                  )}`
              : ''
          }
          <h2>${t(l, 'leads')}</h2>
          <p><a href="/leads?companyId=${c.id}" id="company-leads">${t(l, 'allLeadsOnBoard')}</a></p>
          ${linkList(
            ctx,
            leads.items,
            (lead) =>
              html`<a href="/leads/${lead.id}">${lead.title}</a> <span class="badge">${stageLabel(l, lead.stage)}</span>${lead.valueEur !== null ? html` <span class="muted">${money(lead.valueEur, l)}</span>` : ''}`,
          )}`,
    );
  }
}
