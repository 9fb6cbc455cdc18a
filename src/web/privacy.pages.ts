import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { UuidParam } from '../common/params';
import { personName } from '../contacts/names';
import { dateTime, day } from './kit/format';
import { idempotencyField, idempotencyKeyOf } from './kit/forms';
import { Html, html } from './kit/html';
import { isWord, label, Locale, t, Word } from './kit/i18n';
import { w } from './contacts.words';
import { csrfField, facts, PageContext, pageContext, titledPage } from './kit/layout';
import { redirect, sendPage } from './kit/respond';
import { ApiError, WebApi } from './kit/web-api';
import { p } from './privacy.words';

type Json = Record<string, unknown>;

/** What `GET /api/v1/contacts/:id/personal-data` answers, as far as the page reads it. */
interface PersonalData {
  contact: Json & {
    id: string;
    version: number;
    familyName: string;
    givenName: string | null;
    nativeName: string | null;
  };
  legalBasis: { basis: string | null; source: string | null; recordedAt: string | null };
  mergedContacts: Json[];
  interactions: Json[];
  followUps: Json[];
  leads: Json[];
  trips: Json[];
  appointments: Json[];
  delegates: Json[];
  importRows: Json[];
  cards: Json[];
  history: { id: string; at: string; action: string; changes: Json }[];
  places: { table: string; column: string; count: number }[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const ISO = /^\d{4}-\d{2}-\d{2}T/;

/** A value of a record as text: instants and days in the reader's words, lists joined. */
function shown(value: unknown, l: Locale): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') return ISO.test(value) ? dateTime(value, l) : value;
  if (Array.isArray(value)) return value.map((v) => shown(v, l)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Ids named by the word of what they point to. */
const ID_WORDS: Record<string, Word> = {
  companyId: 'company',
  partnerId: 'partner',
  ownerId: 'owner',
};

/** A field's name in the reader's words where the app has them, else as the API names it. */
const fieldName = (key: string, l: Locale) =>
  Object.hasOwn(ID_WORDS, key) ? t(l, ID_WORDS[key]) : isWord(key) ? t(l, key) : key;

/**
 * Every field of a record as facts, whatever fields it has: a column someone adds to contacts
 * shows here without a change of this page.
 */
const allFacts = (record: Json, l: Locale, leave: string[] = []) =>
  facts(
    Object.entries(record)
      .filter(([k]) => !leave.includes(k))
      .map(([k, v]): [string, string] => [fieldName(k, l), shown(v, l)]),
  );

const deletedBadge = (r: Json, l: Locale) =>
  r.deletedAt ? html` <span class="badge warn">${p(l, 'deleted')}</span>` : '';

function section<T>(id: string, title: string, items: T[], l: Locale, item: (r: T) => Html) {
  return html`<section class="personal-data" aria-labelledby="h-${id}" id="${id}">
    <h2 id="h-${id}">${title} <span class="muted">(${items.length})</span></h2>
    ${items.length ? html`<ul class="records">${items.map((r) => html`<li>${item(r)}</li>`)}</ul>` : html`<p class="muted">${p(l, 'none')}</p>`}
  </section>`;
}

/**
 * A contact's personal data (`/contacts/:id/personal-data`): everything the API's access export
 * holds, printable, with the JSON as a download and the erasure's form (`#erase`, which the
 * retention review links to). For `contact:privacy` (admin, staff).
 */
@ApiExcludeController()
@WebPages()
@Controller('contacts')
export class PrivacyPages {
  constructor(private readonly api: WebApi) {}

  @Get(':id/personal-data')
  @Allow('contact:privacy')
  async page(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    sendPage(reply, await this.render(pageContext(request), id, {}));
  }

  @Get(':id/personal-data/json')
  @Allow('contact:privacy')
  async json(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const data = await this.api.get<PersonalData>(
      pageContext(request).user!,
      `/api/v1/contacts/${id}/personal-data`,
    );
    void reply
      .type('application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="personal-data-${id}.json"`)
      .send(JSON.stringify(data, null, 2));
  }

  @Post(':id/erase')
  @Allow('contact:privacy')
  async erase(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const key = idempotencyKeyOf(body);
    if (body.confirm !== 'yes')
      return sendPage(reply, await this.render(ctx, id, { missing: true, key }), 400);
    const answer = await this.api.call(ctx.user!, 'POST', `/api/v1/contacts/${id}/erase`, {
      ifMatch: Number(body.version) || 0,
      idempotencyKey: key,
    });
    if (answer.status === 200) return redirect(request, reply, '/contacts?done=erased');
    if (answer.status === 412)
      return sendPage(reply, await this.render(ctx, id, { stale: true }), 409);
    throw new ApiError(answer as never);
  }

  private async render(
    ctx: PageContext,
    id: string,
    state: { missing?: boolean; stale?: boolean; key?: string },
  ): Promise<Html> {
    const l = ctx.locale;
    const data = await this.api.get<PersonalData>(
      ctx.user!,
      `/api/v1/contacts/${id}/personal-data`,
    );
    const c = data.contact;
    const name = personName(c);
    const basis = data.legalBasis;
    const participants = (r: Json) =>
      (r.otherParticipants as Json[] | undefined)
        ?.map((o) => personName(o as Parameters<typeof personName>[0]))
        .join(', ');
    return titledPage(
      ctx,
      `${p(l, 'personalDataOf')} ${name}`,
      html`<p>${p(l, 'accessIntro')}</p>
        <p class="actions no-print">
          <a href="/contacts/${c.id}">← ${p(l, 'backToContact')}</a>
          <a class="button" id="download-json" href="/contacts/${c.id}/personal-data/json" download
            >${p(l, 'downloadJson')}</a
          >
        </p>
        <section class="personal-data" aria-labelledby="h-record" id="record">
          <h2 id="h-record">${p(l, 'record')}</h2>
          ${allFacts(c, l, ['legalBasis'])}
          <h3>${p(l, 'legalBasisTitle')}</h3>
          ${facts([
            [t(l, 'legalBasis'), basis.basis ? label(l, 'legalBasis', basis.basis) : ''],
            [t(l, 'legalBasisSource'), basis.source],
            [w(l, 'recordedAt'), basis.recordedAt ? dateTime(basis.recordedAt, l) : ''],
          ])}
        </section>
        ${section('merged', p(l, 'mergedContacts'), data.mergedContacts, l, (m) =>
          allFacts(m, l, ['legalBasis']),
        )}
        ${section(
          'interactions',
          t(l, 'interactions'),
          data.interactions,
          l,
          (i) =>
            html`<p><strong>${str(i.subject)}</strong>${deletedBadge(i, l)}
                <span class="muted">· ${shown(i.occurredAt, l)} · ${label(l, 'interactionKind', str(i.kind))}</span></p>
              ${str(i.summary) ? html`<p>${str(i.summary)}</p>` : ''}
              ${participants(i) ? html`<p class="muted">${p(l, 'otherParticipants')}: ${participants(i)}</p>` : ''}`,
        )}
        ${section(
          'leads',
          t(l, 'leads'),
          data.leads,
          l,
          (lead) =>
            html`<p><strong>${str(lead.title)}</strong>${deletedBadge(lead, l)}
                <span class="muted">· ${label(l, 'stage', str(lead.stage))}</span></p>
              ${str(lead.description) ? html`<p>${str(lead.description)}</p>` : ''}
              ${
                (lead.notes as Json[]).length
                  ? html`<p class="muted">${p(l, 'leadNotes')}:</p>
                      <ul>${(lead.notes as Json[]).map((n) => html`<li>${shown(n.createdAt, l)}: ${str(n.body)}</li>`)}</ul>`
                  : ''
              }`,
        )}
        ${section(
          'follow-ups',
          t(l, 'followUps'),
          data.followUps,
          l,
          (f) =>
            html`<p><strong>${str(f.title)}</strong>${deletedBadge(f, l)}
                <span class="muted">· ${label(l, 'followUpStatus', str(f.status))}${str(f.dueOn) ? ` · ${day(str(f.dueOn), l)}` : ''}</span></p>
              ${str(f.notes) ? html`<p>${str(f.notes)}</p>` : ''}`,
        )}
        ${section(
          'trips',
          p(l, 'tripsAndAppointments'),
          [...data.trips, ...data.appointments, ...data.delegates],
          l,
          (r) =>
            html`<p><strong>${str(r.title) || str(r.name)}</strong>${deletedBadge(r, l)}
                <span class="muted">${
                  r.startsOn
                    ? `· ${day(str(r.startsOn), l)} – ${day(str(r.endsOn), l)}`
                    : r.startsAt
                      ? `· ${dateTime(str(r.startsAt), l)}`
                      : `· ${p(l, 'delegates')}`
                }</span></p>
              ${str(r.notes) ? html`<p>${str(r.notes)}</p>` : ''}`,
        )}
        ${section(
          'import-rows',
          p(l, 'importRows'),
          data.importRows,
          l,
          (r) =>
            html`<p><strong>${str(r.fileName)}</strong>
                <span class="muted">· ${p(l, 'importRow')} ${shown(r.row, l)} · ${shown(r.importedAt, l)}</span></p>
              ${allFacts((r.values as Json) ?? {}, l)}`,
        )}
        ${section('cards', p(l, 'cards'), data.cards, l, (r) =>
          r.kind === 'photo'
            ? html`<p><strong>${p(l, 'cardPhoto')}</strong>
                  <span class="muted">· ${str(r.side) === 'back' ? p(l, 'cardBack') : p(l, 'cardFront')} · ${str(r.mediaType)} · ${shown(r.bytes, l)} B · ${shown(r.createdAt, l)}</span></p>`
            : html`<p><strong>${p(l, 'cardScan')}</strong>
                  <span class="muted">· ${shown(r.createdAt, l)}</span></p>
                ${allFacts(((r.proposal as Json)?.fields as Json) ?? {}, l)}`,
        )}
        ${section(
          'history',
          p(l, 'history'),
          data.history,
          l,
          (e) =>
            html`<p>${dateTime(e.at, l)} · <strong>${e.action}</strong></p>
              <p class="muted">${p(l, 'changedFields')}: ${Object.keys(e.changes)
                .map((k) => fieldName(k, l))
                .join(', ')}</p>`,
        )}
        <section class="personal-data" aria-labelledby="h-places" id="places">
          <h2 id="h-places">${p(l, 'places')}</h2>
          <div class="scroll">
            <table>
              <thead><tr><th scope="col">${p(l, 'table')}</th><th scope="col">${p(l, 'column')}</th><th scope="col">${p(l, 'rows')}</th></tr></thead>
              <tbody>${data.places.map((pl) => html`<tr><td>${pl.table}</td><td>${pl.column}</td><td>${String(pl.count)}</td></tr>`)}</tbody>
            </table>
          </div>
        </section>
        <section class="danger-zone no-print" aria-labelledby="h-erase">
          <h2 id="h-erase">${p(l, 'eraseTitle')}</h2>
          ${state.stale ? html`<div class="alert" role="alert" id="erase-stale">${p(l, 'eraseStale')}</div>` : ''}
          <p>${p(l, 'eraseIntro')}</p>
          <form method="post" action="/contacts/${c.id}/erase" id="erase">
            ${csrfField(ctx)} ${idempotencyField(state.key)}
            <input type="hidden" name="version" value="${String(c.version)}" />
            <div class="field check${state.missing ? ' invalid' : ''}">
              <label
                ><input type="checkbox" name="confirm" value="yes" id="erase-confirm" required />
                ${p(l, 'eraseConfirm')} (${name})</label
              >
              ${state.missing ? html`<p class="error" role="alert">${p(l, 'eraseConfirmMissing')}</p>` : ''}
            </div>
            <div class="actions">
              <button type="submit" class="danger" id="erase-button">${p(l, 'eraseButton')}</button>
            </div>
          </form>
        </section>`,
    );
  }
}

/** The link from a contact's page, for those who may see and erase its personal data. */
export const personalDataLink = (l: Locale, id: string): Html =>
  html`<a class="button" id="personal-data" href="/contacts/${id}/personal-data">${p(l, 'personalData')}</a>`;
