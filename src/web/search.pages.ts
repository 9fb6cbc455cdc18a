import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { w } from './contacts.words';
import { countryName } from './kit/format';
import { searchTerm } from './kit/forms';
import { Html, html } from './kit/html';
import { label, Locale, options, t } from './kit/i18n';
import { Labels } from './kit/labels';
import { titledPage, PageContext, pageContext } from './kit/layout';
import { sendPage } from './kit/respond';
import { WebPages, WebRequest } from '../auth/browser-session';
import { WebApi } from './kit/web-api';

interface Hit {
  id: string;
  label: string;
  detail: string | null;
}
type Results = Record<Group, Hit[]>;
type Group = 'contacts' | 'companies' | 'partners' | 'leads';

const GROUPS: { group: Group; path: string }[] = [
  { group: 'contacts', path: '/contacts' },
  { group: 'companies', path: '/companies' },
  { group: 'partners', path: '/partners' },
  { group: 'leads', path: '/leads' },
];

const COUNTRY = /^[A-Z]{2}$/;

/**
 * The API's detail line („Direktor · 3D-Campus Shanghai · CN“, „DOVO · new“) in the user's
 * language: country codes by name, partner kinds and lead stages by their labels.
 */
function localDetail(group: Group, detail: string | null, l: Locale): string {
  if (!detail) return '';
  const kinds = new Map(
    options('en', 'partnerKind').map((k) => [k.value.replace(/_/g, ' '), k.value]),
  );
  const parts = detail.split(' · ');
  return parts
    .map((part, i) => {
      const last = i === parts.length - 1;
      if (group === 'leads' && last) return label(l, 'stage', part);
      if (group === 'partners' && kinds.has(part)) return label(l, 'partnerKind', kinds.get(part));
      if (group !== 'leads' && last && COUNTRY.test(part)) return countryName(part, l);
      return part;
    })
    .join(' · ');
}

/** The search box in the header: contacts, companies, partners and leads the user may see. */
@ApiExcludeController()
@WebPages()
@Controller('search')
export class SearchPages {
  constructor(private readonly api: WebApi) {}

  private async find(ctx: PageContext, q: string, limit: number): Promise<Results | undefined> {
    if (q === '') return undefined;
    const user = ctx.user!;
    const answer = await this.api.call<Results>(
      user,
      'GET',
      `/api/v1/search?${new URLSearchParams({ q, limit: String(limit) }).toString()}`,
    );
    if (answer.status !== 200) return { contacts: [], companies: [], partners: [], leads: [] };
    const results = answer.body;
    // People are named as their culture writes them (family name first for Chinese names).
    const names = await new Labels(this.api, user).load(
      'contacts',
      results.contacts.map((c) => c.id),
    );
    results.contacts = results.contacts.map((c) => ({ ...c, label: names.get(c.id) || c.label }));
    return results;
  }

  /** Hits by kind, each kind under its heading (h2 on the page, h3 in the header's box). */
  private groups(ctx: PageContext, results: Results, idPrefix: string): Html {
    const heading = (id: string, text: string) =>
      idPrefix === 'sr' ? html`<h2 id="${id}">${text}</h2>` : html`<h3 id="${id}">${text}</h3>`;
    const l = ctx.locale;
    const shown = GROUPS.filter((g) => results[g.group].length);
    if (!shown.length)
      return html`<p class="muted empty" id="${idPrefix}-empty">${w(l, 'noResults')}</p>`;
    return html`${shown.map(
      (g) =>
        html`<section class="search-group" aria-labelledby="${idPrefix}-${g.group}">
          ${heading(`${idPrefix}-${g.group}`, t(l, g.group))}
          <ul>
            ${results[g.group].map((hit) => {
              const detail = localDetail(g.group, hit.detail, l);
              return html`<li><a href="${g.path}/${hit.id}" data-result="${g.group}">${hit.label}${
                detail ? html` <span class="muted">${detail}</span>` : ''
              }</a></li>`;
            })}
          </ul>
        </section>`,
    )}`;
  }

  /** What the box shows as the user types (an htmx fragment; empty for an empty box). */
  @Get('suggest')
  @Allow('search:read')
  async suggest(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('q') term?: unknown,
  ): Promise<void> {
    const ctx = pageContext(request);
    const q = searchTerm(term);
    const results = await this.find(ctx, q, 5);
    if (!results) return sendPage(reply, html``);
    const any = GROUPS.some((g) => results[g.group].length);
    sendPage(
      reply,
      html`${this.groups(ctx, results, 'gs')}${
        any
          ? html`<p class="all-results"><a href="/search?${new URLSearchParams({ q }).toString()}">${w(ctx.locale, 'allResults')}</a></p>`
          : ''
      }`,
    );
  }

  @Get()
  @Allow('search:read')
  async page(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Query('q') term?: unknown,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const q = searchTerm(term);
    const results = await this.find(ctx, q, 20);
    const title = q ? `${w(l, 'resultsFor')} „${q}“` : w(l, 'searchTitle');
    sendPage(
      reply,
      titledPage(
        ctx,
        title,
        html`<div class="search-page">
          <form method="get" action="/search" class="card filters" role="search">
            <div class="field grow">
              <label for="search-q">${t(l, 'search')} <small>${w(l, 'searchHint')}</small></label>
              <input id="search-q" type="search" name="q" value="${q}" maxlength="200"
                enterkeyhint="search" autocomplete="off"${q ? '' : html` autofocus`} />
            </div>
            <div class="field buttons"><button type="submit">${t(l, 'search')}</button></div>
          </form>
          <div class="search-results" id="search-results">${results ? this.groups(ctx, results, 'sr') : ''}</div>
        </div>`,
      ),
    );
  }
}
