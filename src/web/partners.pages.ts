import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { can } from '../auth/permissions';
import { personName } from '../contacts/names';
import { historyLink } from './audit.pages';
import { w } from './contacts.words';
import { FieldSpec } from './kit/forms';
import { countries, countryName, dateTime, day } from './kit/format';
import { duplicatesLink } from './duplicates.pages';
import { Html, html } from './kit/html';
import { label, options, t } from './kit/i18n';
import { facts, layout, linkList, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import * as records from './kit/records';
import { importLink } from './imports.pages';
import { WebRequest } from '../auth/browser-session';
import { AgreementView, ContactView, Page, PartnerView } from './kit/views';

type Partner = PartnerView & {
  address: string | null;
  createdAt: string;
  updatedAt: string;
} & Record<string, unknown>;

const kind = (ctx: PageContext): records.RecordKind<Partner> => ({
  api: '/api/v1/partners',
  page: '/partners',
  write: 'partner:write',
  newTitle: t(ctx.locale, 'newPartner'),
  title: (p) => p.name,
  fields: (): FieldSpec[] => {
    const l = ctx.locale;
    return [
      { name: 'name', label: t(l, 'name'), required: true, maxLength: 200 },
      {
        name: 'nativeName',
        label: t(l, 'nativeName'),
        maxLength: 200,
        lang: 'zh',
        hint: w(l, 'nativeNameHint'),
      },
      { name: 'kind', label: t(l, 'kind'), type: 'select', choices: options(l, 'partnerKind') },
      {
        name: 'country',
        label: t(l, 'country'),
        type: 'select',
        required: true,
        choices: countries(l),
      },
      { name: 'city', label: t(l, 'city'), maxLength: 200 },
      { name: 'address', label: t(l, 'address'), maxLength: 500 },
      { name: 'website', label: t(l, 'website'), type: 'url', maxLength: 500 },
      { name: 'description', label: t(l, 'description'), type: 'textarea', maxLength: 10_000 },
    ];
  },
  defaults: () => ({ kind: 'other', country: 'CN' }),
});

/** Partners: the institutions abroad the agency works with (technology parks, campuses, …). */
@ApiExcludeController()
@Controller('partners')
export class PartnerPages extends records.RecordRoutes(
  kind,
  'partner:write',
  'partner:read',
  'all',
  'partners',
) {
  @Get()
  @Allow('partner:read')
  list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    return listPage<Partner>(this.api, ctx, reply, {
      ...records.listed(ctx, kind(ctx)),
      links: [importLink(l, 'partner')],
      title: t(l, 'partners'),
      intro: duplicatesLink(ctx, 'partners', 'partner:write'),
      defaultSort: 'name',
      filters: [
        { name: 'kind', label: t(l, 'kind'), type: 'select', choices: options(l, 'partnerKind') },
        { name: 'country', label: t(l, 'country'), type: 'select', choices: countries(l) },
      ],
      columns: [
        {
          header: t(l, 'partner'),
          sort: 'name',
          primary: true,
          cell: (p) =>
            html`<a href="/partners/${p.id}">${p.name}</a>${p.nativeName ? html` <span lang="zh" class="muted">${p.nativeName}</span>` : ''}`,
        },
        { header: t(l, 'kind'), cell: (p) => label(l, 'partnerKind', p.kind) },
        {
          header: t(l, 'city'),
          cell: (p) => [p.city, countryName(p.country, l)].filter(Boolean).join(', '),
        },
        { header: t(l, 'updatedAt'), sort: 'updatedAt', cell: (p) => dateTime(p.updatedAt, l) },
      ],
    });
  }

  async recordPage(ctx: PageContext, id: string): Promise<Html> {
    const user = ctx.user!;
    const l = ctx.locale;
    const [p, contacts, agreements] = await Promise.all([
      this.api.get<Partner>(user, `/api/v1/partners/${id}`),
      this.api.get<Page<ContactView>>(user, `/api/v1/contacts?partnerId=${id}&limit=100`),
      can(user.role, 'agreement:read')
        ? this.api.get<Page<AgreementView>>(user, `/api/v1/agreements?partnerId=${id}&limit=100`)
        : Promise.resolve(undefined),
    ]);
    return layout(
      ctx,
      p.name,
      html`<h1>${p.name}${p.nativeName ? html` <span lang="zh">${p.nativeName}</span>` : ''}</h1>
          ${records.recordActions(ctx, kind(ctx), p)}
          ${historyLink(ctx, 'partner', p.id)}
          ${facts([
            [t(l, 'nativeName'), p.nativeName ? html`<span lang="zh">${p.nativeName}</span>` : ''],
            [t(l, 'kind'), label(l, 'partnerKind', p.kind)],
            [t(l, 'country'), countryName(p.country, l)],
            [t(l, 'city'), p.city],
            [t(l, 'address'), p.address],
            [
              t(l, 'website'),
              p.website
                ? html`<a href="${p.website}" rel="noopener noreferrer">${p.website}</a>`
                : '',
            ],
            [t(l, 'description'), p.description],
            [t(l, 'updatedAt'), dateTime(p.updatedAt, l)],
          ])}
          <h2>${w(l, 'contactsHere')}</h2>
          <p><a href="/contacts?partnerId=${p.id}" id="partner-contacts">${t(l, 'allContactsListed')}</a></p>
          ${linkList(
            ctx,
            contacts.items,
            (c) =>
              html`<a href="/contacts/${c.id}">${personName(c)}</a>${c.position ? html` <span class="muted">· ${c.position}</span>` : ''}`,
          )}
          ${
            agreements
              ? html`<h2>${w(l, 'agreementsHere')}</h2>
                  ${linkList(
                    ctx,
                    agreements.items,
                    (a) =>
                      html`<a href="/agreements/${a.id}">${a.title}</a> <span class="badge">${label(l, 'agreementStatus', a.status)}</span> <span class="muted">${label(l, 'agreementKind', a.kind)}${a.signedOn ? ` · ${t(l, 'signedOn')} ${day(a.signedOn, l)}` : ''}</span>`,
                  )}`
              : ''
          }`,
    );
  }
}
