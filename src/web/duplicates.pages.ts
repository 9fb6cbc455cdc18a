import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { Action, can } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { personName } from '../contacts/names';
import { countryName } from './kit/format';
import { idempotencyField, idempotencyKeyOf } from './kit/forms';
import { Html, html } from './kit/html';
import { dictionary, isWord, label, Locale, ruleMessage, t, Word } from './kit/i18n';
import { directory, Labels } from './kit/labels';
import { csrfField, PageContext, pageContext, titledPage } from './kit/layout';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, WebApi } from './kit/web-api';

/** The words of the duplicate and merge pages (German first, English second). */
export const w = dictionary({
  possibleDuplicates: ['Mögliche Duplikate', 'Possible duplicates'],
  merge: ['Zusammenführen', 'Merge'],
  notDuplicate: ['Kein Duplikat', 'Not a duplicate'],
  mergeTitle: ['Zusammenführen', 'Merge'],
  noDuplicates: ['Keine möglichen Duplikate gefunden.', 'No possible duplicates found.'],
  more: ['Weitere anzeigen', 'Show more'],
  because: ['Gleich', 'Same'],
  email: ['E-Mail', 'e-mail'],
  phone: ['Telefon', 'phone'],
  wechat: ['WeChat-ID', 'WeChat ID'],
  website: ['Website', 'website'],
  name: ['Name', 'name'],
  organisation: ['Organisation', 'organisation'],
  kept: ['Bleibt', 'Kept'],
  other: ['Geht darin auf', 'Merged into it'],
  mergeHint: [
    'Je Feld wählen, welcher Wert bleibt. Alle Verknüpfungen des zweiten Datensatzes gehen auf den ersten über; der zweite wird danach gelöscht.',
    'Choose which value stays for each field. Every link of the second record moves to the first; the second is deleted afterwards.',
  ],
  sameFields: ['Alle übrigen Felder sind gleich.', 'All other fields are the same.'],
  allSame: ['Alle Felder sind gleich.', 'All fields are the same.'],
  swap: ['Stattdessen den anderen behalten', 'Keep the other one instead'],
  linked: ['Verknüpft', 'Linked'],
  nothingLinked: ['nichts', 'nothing'],
  mergeConfirm: [
    'Zusammenführen? Der zweite Datensatz wird gelöscht.',
    'Merge? The second record will be deleted.',
  ],
  mergeStale: [
    'Einer der beiden Datensätze wurde inzwischen geändert. Bitte die Auswahl prüfen und erneut zusammenführen.',
    'One of the two records was changed meanwhile. Please check the choice and merge again.',
  ],
  mergedEarlier: ['früher zusammengeführte', 'merged earlier'],
  delegates: ['Delegationsmitglieder', 'Delegates'],
  appointments: ['Termine', 'Appointments'],
  empty: ['–', '–'],
});
type DuplicateWord = Parameters<typeof w>[1];

type Row = { id: string; version: number } & Record<string, unknown>;

/** One kind's duplicate pages: where its API and pages are and how a record is named. */
interface DuplicateKind {
  /** `contacts`: the API is `/api/v1/contacts`, the pages `/contacts`. */
  resource: 'contacts' | 'companies' | 'partners';
  write: Action;
  title: Word;
  name: (record: Row) => string;
}

/** A field's label: the word of the form, its organisation or owner for an id. */
const FIELD_WORDS: Record<string, Word> = {
  companyId: 'company',
  partnerId: 'partner',
  ownerId: 'owner',
};
/** A field's label; a field the pages have no word for (`otherId`, `otherVersion`) by its name. */
const fieldLabel = (l: Locale, field: string): string => {
  const word = FIELD_WORDS[field] ?? field;
  return isWord(word) ? t(l, word) : field;
};

/** What a link's `table.column` is called on the page. */
function linkLabel(l: Locale, link: string): string {
  const [table, column] = link.split('.');
  if (column === 'merged_into_id') return w(l, 'mergedEarlier');
  const words: Record<string, Word | DuplicateWord> = {
    interaction_contacts: 'interactions',
    interaction_companies: 'interactions',
    interaction_partners: 'interactions',
    follow_ups: 'followUps',
    leads: 'leads',
    contacts: 'contacts',
    users: 'users',
    agreements: 'agreements',
    participants: 'delegates',
    appointments: 'appointments',
    interactions: 'interactions',
    trips: 'trips',
  };
  const word = words[table];
  if (!word) return table;
  return word in { delegates: 1, appointments: 1 }
    ? w(l, word as DuplicateWord)
    : t(l, word as Word);
}

interface MergeLinks {
  fields: string[];
  kept: Record<string, number>;
  other: Record<string, number>;
}

const comparable = (value: unknown) => JSON.stringify(value ?? null);

/**
 * The possible duplicates of a kind (`/contacts/duplicates`) and the merge of two
 * (`/contacts/:id/merge/:otherId`): the two side by side, a choice per differing field, what
 * each has linked; the post merges through the API, a stale version shows the page again.
 */
function DuplicatePages(kind: DuplicateKind) {
  const api = `/api/v1/${kind.resource}`;
  const page = `/${kind.resource}`;

  @ApiExcludeController()
  @WebPages()
  @Controller(kind.resource)
  class Pages {
    constructor(readonly api: WebApi) {}

    @Get('duplicates')
    @Allow(kind.write)
    async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
      const ctx = pageContext(request);
      const l = ctx.locale;
      const cursor = ctx.query.cursor;
      const answer = await this.api.get<{
        items: { reasons: string[]; records: [Row, Row] }[];
        nextCursor: string | null;
      }>(
        ctx.user!,
        `${api}/duplicates?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      const pairs = answer.items.map(
        ({ reasons, records: [a, b] }) =>
          html`<li class="duplicate">
            <span class="duplicate-names"
              ><a href="${page}/${a.id}">${kind.name(a)}</a> ·
              <a href="${page}/${b.id}">${kind.name(b)}</a></span
            >
            <span class="badges"
              >${w(l, 'because')}:
              ${reasons.map((r) => html`<span class="badge">${w(l, r as DuplicateWord)}</span> `)}</span
            >
            <a class="button" href="${page}/${a.id}/merge/${b.id}">${w(l, 'merge')}</a>
            <form method="post" action="${page}/${a.id}/not-duplicate/${b.id}" class="inline">
              ${csrfField(ctx)}
              <button type="submit" class="link not-duplicate">${w(l, 'notDuplicate')}</button>
            </form>
          </li>`,
      );
      sendPage(
        reply,
        titledPage(
          ctx,
          `${w(l, 'possibleDuplicates')}: ${t(l, kind.title)}`,
          html`<p><a href="${page}">← ${t(l, kind.title)}</a></p>
            ${
              pairs.length
                ? html`<ul class="duplicates" id="duplicates">${pairs}</ul>`
                : html`<p class="muted" id="no-duplicates">${w(l, 'noDuplicates')}</p>`
            }
            ${
              answer.nextCursor
                ? html`<p>
                  <a
                    class="button"
                    href="${page}/duplicates?cursor=${encodeURIComponent(answer.nextCursor)}"
                    >${w(l, 'more')}</a
                  >
                </p>`
                : ''
            }`,
        ),
      );
    }

    @Post(':id/not-duplicate/:otherId')
    @Allow(kind.write)
    async notDuplicate(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param('otherId', UuidParam('otherId')) otherId: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      const answer = await this.api.call(ctx.user!, 'POST', `${api}/${id}/not-duplicate`, {
        body: { otherId },
      });
      if (answer.status !== 204) throw new ApiError(answer as never);
      redirect(request, reply, `${page}/duplicates?flash=notDuplicate`);
    }

    @Get(':id/merge/:otherId')
    @Allow(kind.write)
    async mergeForm(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param('otherId', UuidParam('otherId')) otherId: string,
    ): Promise<void> {
      const ctx = pageContext(request);
      sendPage(reply, await this.mergePage(ctx, id, otherId, {}));
    }

    @Post(':id/merge/:otherId')
    @Allow(kind.write)
    async merge(
      @Req() request: WebRequest,
      @Res() reply: FastifyReply,
      @Param('id', UuidParam()) id: string,
      @Param('otherId', UuidParam('otherId')) otherId: string,
      @Body() body: Record<string, unknown>,
    ): Promise<void> {
      const ctx = pageContext(request);
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(body))
        if (name.startsWith('f_') && value === 'other') fields[name.slice(2)] = 'other';
      const answer = await this.api.call<Row | ApiProblem>(
        ctx.user!,
        'POST',
        `${api}/${id}/merge`,
        {
          body: { otherId, otherVersion: Number(body.otherVersion) || 0, fields },
          ifMatch: Number(body.keptVersion) || 0,
          idempotencyKey: idempotencyKeyOf(body),
        },
      );
      if (answer.status === 200) return redirect(request, reply, `${page}/${id}?flash=merged`);
      const chosen = Object.keys(fields);
      if (answer.status === 412)
        return sendPage(
          reply,
          await this.mergePage(ctx, id, otherId, { stale: true, chosen }),
          409,
        );
      if (answer.status === 400) {
        const problem = answer.body as ApiProblem;
        const messages = (problem.errors ?? []).map(
          (e) =>
            `${fieldLabel(ctx.locale, e.field.replace(/^fields\./, ''))}: ${ruleMessage(ctx.locale, e.code) || e.message}`,
        );
        return sendPage(
          reply,
          await this.mergePage(ctx, id, otherId, { messages, chosen, key: idempotencyKeyOf(body) }),
          400,
        );
      }
      throw new ApiError(answer as never);
    }

    /** The two records side by side, a choice per field where they differ, and their links. */
    async mergePage(
      ctx: PageContext,
      id: string,
      otherId: string,
      state: { stale?: boolean; messages?: string[]; chosen?: string[]; key?: string },
    ): Promise<Html> {
      const user = ctx.user!;
      const l = ctx.locale;
      const [kept, other, links] = await Promise.all([
        this.api.get<Row>(user, `${api}/${id}`),
        this.api.get<Row>(user, `${api}/${otherId}`),
        this.api.get<MergeLinks>(user, `${api}/${id}/merge/${otherId}`),
      ]);
      const differing = links.fields.filter((f) => comparable(kept[f]) !== comparable(other[f]));
      const show = await this.formatter(ctx, [kept, other]);
      const chosen = new Set(state.chosen ?? []);
      const linkSummary = (counts: Record<string, number>) => {
        const entries = Object.entries(counts);
        return entries.length
          ? entries.map(([link, n]) => `${linkLabel(l, link)}: ${n}`).join(', ')
          : w(l, 'nothingLinked');
      };
      const heading = (record: Row, role: 'kept' | 'other') =>
        html`<span class="muted">${w(l, role)}:</span>
          <a href="${page}/${record.id}">${kind.name(record)}</a>`;
      return titledPage(
        ctx,
        `${w(l, 'mergeTitle')}: ${kind.name(kept)} ← ${kind.name(other)}`,
        html`${
          state.stale
            ? html`<div class="alert" role="alert" id="merge-stale">${w(l, 'mergeStale')}</div>`
            : ''
        }
          ${
            state.messages?.length
              ? html`<div class="alert" role="alert" id="merge-errors">
                <ul>${state.messages.map((m) => html`<li>${m}</li>`)}</ul>
              </div>`
              : ''
          }
          <p>${w(l, 'mergeHint')}</p>
          <p><a href="${page}/${otherId}/merge/${id}" id="swap">${w(l, 'swap')}</a></p>
          <dl class="facts merge-links">
            <dt>${heading(kept, 'kept')}</dt>
            <dd>${w(l, 'linked')}: ${linkSummary(links.kept)}</dd>
            <dt>${heading(other, 'other')}</dt>
            <dd>${w(l, 'linked')}: ${linkSummary(links.other)}</dd>
          </dl>
          <form method="post" action="${page}/${id}/merge/${otherId}" data-confirm="${w(l, 'mergeConfirm')}" id="merge-form">
            ${csrfField(ctx)} ${idempotencyField(state.key)}
            <input type="hidden" name="keptVersion" value="${kept.version}" />
            <input type="hidden" name="otherVersion" value="${other.version}" />
            ${differing.map(
              (f) => html`<fieldset class="merge-field" id="field-${f}">
                <legend>${fieldLabel(l, f)}</legend>
                <label
                  ><input type="radio" name="f_${f}" value="kept" ${chosen.has(f) ? '' : html`checked`} />
                  <span><span class="muted">${w(l, 'kept')}:</span> ${show(f, kept[f])}</span></label
                >
                <label
                  ><input type="radio" name="f_${f}" value="other" ${chosen.has(f) ? html`checked` : ''} />
                  <span><span class="muted">${w(l, 'other')}:</span> ${show(f, other[f])}</span></label
                >
              </fieldset>`,
            )}
            <p class="muted">${differing.length ? w(l, 'sameFields') : w(l, 'allSame')}</p>
            <div class="actions">
              <button type="submit" id="merge">${w(l, 'merge')}</button>
              <a href="${page}/duplicates">${t(l, 'cancel')}</a>
            </div>
          </form>`,
      );
    }

    /** How a field's value reads: names for ids, countries and kinds in words, lists joined. */
    async formatter(ctx: PageContext, records: Row[]) {
      const l = ctx.locale;
      const labels = new Labels(this.api, ctx.user!);
      await labels.load(
        'companies',
        records.map((r) => r.companyId as string | null),
      );
      await labels.load(
        'partners',
        records.map((r) => r.partnerId as string | null),
      );
      const owners = records.some((r) => r.ownerId) ? await directory(this.api, ctx.user!) : [];
      return (field: string, value: unknown): string => {
        if (value === null || value === undefined || value === '') return w(l, 'empty');
        if (field === 'companyId' || field === 'partnerId') return labels.get(value as string);
        if (field === 'ownerId')
          return owners.find((u) => u.id === value)?.displayName ?? String(value);
        if (field === 'country') return countryName(value as string, l);
        if (field === 'branchCountries')
          return (value as string[]).map((c) => countryName(c, l)).join(', ');
        if (field === 'kind') return label(l, 'partnerKind', value as string);
        if (field === 'legalBasis')
          return label(l, 'legalBasis', (value as { basis: string }).basis);
        if (Array.isArray(value)) return value.join(', ') || w(l, 'empty');
        return String(value);
      };
    }
  }
  return Pages;
}

export class ContactDuplicatePages extends DuplicatePages({
  resource: 'contacts',
  write: 'contact:write',
  title: 'contacts',
  name: (c) => personName(c as unknown as Parameters<typeof personName>[0]),
}) {}

export class CompanyDuplicatePages extends DuplicatePages({
  resource: 'companies',
  write: 'company:write',
  title: 'companies',
  name: (c) => String(c.name),
}) {}

export class PartnerDuplicatePages extends DuplicatePages({
  resource: 'partners',
  write: 'partner:write',
  title: 'partners',
  name: (p) => String(p.name),
}) {}

/** The link from a kind's list to its possible duplicates, for those who may merge them. */
export function duplicatesLink(
  ctx: PageContext,
  resource: DuplicateKind['resource'],
  write: Action,
): Html {
  return ctx.user && can(ctx.user.role, write)
    ? html`<p><a href="/${resource}/duplicates" id="duplicates-link">${w(ctx.locale, 'possibleDuplicates')}</a></p>`
    : html``;
}
