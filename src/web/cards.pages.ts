import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import type { CardScanDto } from '../cards/cards.dto';
import { CardsService } from '../cards/cards.service';
import { CARD_SIDES, type CardSide } from '../cards/images';
import { UuidParam } from '../common/params';
import { BadInput } from '../common/errors';
import { cw } from './cards.words';
import { organisationChoices, organisationFields, organisations } from './contacts.pages';
import {
  errorSummary,
  FieldSpec,
  fieldMessages,
  FormValues,
  idempotencyField,
  idempotencyKeyOf,
  readForm,
  renderField,
} from './kit/forms';
import { countries, dateTime } from './kit/format';
import { Html, html } from './kit/html';
import { Locale, t } from './kit/i18n';
import { csrfField, pageContext, PageContext, titledPage } from './kit/layout';
import { redirect, sendPage } from './kit/respond';
import { multipartFiles, uploadsOf } from './kit/upload';
import { ApiError, ApiProblem, WebApi } from './kit/web-api';

const sidePipe = {
  transform(value: string): CardSide {
    if ((CARD_SIDES as readonly string[]).includes(value)) return value as CardSide;
    throw BadInput.field('side', 'isIn', `side must be one of ${CARD_SIDES.join(', ')}`);
  },
};

const STATUS_WORD = {
  queued: 'statusQueued',
  reading: 'statusReading',
  read: 'statusRead',
  failed: 'statusFailed',
  saved: 'statusSaved',
} as const;
const STATUS_BADGE: Record<string, string> = { read: 'good', saved: 'good', failed: 'bad' };
const statusBadge = (l: Locale, status: CardScanDto['status']) =>
  html`<span class="badge ${STATUS_BADGE[status] ?? ''}" data-status="${status}">${cw(l, STATUS_WORD[status])}</span>`;

/** The hidden field of the version of a contact offered for an update, its id appended. */
const VERSION_FIELD = 'version-';

/** A match's reasons in the words of the contact's fields. */
const REASON_WORD: Record<string, 'email' | 'phone' | 'wechatId' | 'name' | 'organisation'> = {
  email: 'email',
  phone: 'phone',
  wechat: 'wechatId',
  name: 'name',
  organisation: 'organisation',
};

/** The link beside "Log a contact" (the contacts list, the log form). */
export const scanCardLink = (l: Locale): Html =>
  html`<a class="button" id="scan-card" href="/scan">${cw(l, 'scanCard')}</a>`;

/** The photos of a scan or a contact's card, by the page route that serves them. */
const photos = (l: Locale, base: string, sides: CardSide[]) =>
  html`<div class="card-photos">${sides.map(
    (side) =>
      html`<figure><img src="${base}/${side}" alt="${cw(l, 'photoOf').replace('{side}', cw(l, side))}" loading="lazy" /><figcaption>${cw(l, side)}</figcaption></figure>`,
  )}</div>`;

/** The contact page's card: the photos kept with the contact, when there are any. */
export const contactCardSection = (l: Locale, contactId: string, sides: CardSide[]): Html =>
  sides.length
    ? html`<section id="contact-card" aria-labelledby="h-card"><h2 id="h-card">${cw(l, 'cardImages')}</h2>${photos(l, `/contacts/${contactId}/card`, sides)}</section>`
    : html``;

/** The confirm form's inputs, each named as the API's save takes it. */
function confirmFields(l: Locale, orgs: Awaited<ReturnType<typeof organisations>>): FieldSpec[] {
  return [
    { name: 'nativeName', label: t(l, 'nativeName'), maxLength: 200, lang: 'zh' },
    { name: 'familyName', label: t(l, 'familyName'), maxLength: 200 },
    { name: 'givenName', label: t(l, 'givenName'), maxLength: 200 },
    { name: 'position', label: t(l, 'position'), maxLength: 200 },
    {
      name: 'organisation',
      label: t(l, 'organisation'),
      type: 'select',
      blank: cw(l, 'organisationNew'),
      ...organisationChoices(l, orgs),
    },
    { name: 'email', label: t(l, 'email'), type: 'email', maxLength: 254 },
    { name: 'phone', label: t(l, 'phone'), maxLength: 40 },
    { name: 'wechatId', label: t(l, 'wechatId'), maxLength: 100 },
    {
      name: 'country',
      label: t(l, 'country'),
      type: 'select',
      blank: t(l, 'none'),
      choices: countries(l),
    },
    { name: 'notes', label: cw(l, 'notesFromCard'), type: 'textarea', maxLength: 10_000 },
  ];
}

/** The proposal as the form's first values: what was read, the other numbers in the notes. */
function proposedValues(l: Locale, scan: CardScanDto): FormValues {
  const f = scan.proposal?.fields;
  if (!f) return {};
  const o = scan.proposal!.organisation;
  const more = [
    ...f.emails.slice(1).map((e) => `${t(l, 'email')}: ${e}`),
    ...f.phones.slice(1).map((p) => `${t(l, 'phone')}: ${p}`),
    f.fax && `${cw(l, 'fax')}: ${f.fax}`,
    f.address && `${cw(l, 'address')}: ${f.address}`,
    f.nativeAddress && `${cw(l, 'address')}: ${f.nativeAddress}`,
    f.website && `${cw(l, 'website')}: ${f.website}`,
    f.nativePosition && `${t(l, 'position')}: ${f.nativePosition}`,
    !o &&
      (f.organisation || f.nativeOrganisation) &&
      `${t(l, 'organisation')}: ${[f.organisation, f.nativeOrganisation].filter(Boolean).join(' / ')}`,
  ].filter((line): line is string => !!line);
  return {
    nativeName: f.nativeName ?? '',
    familyName: f.familyName ?? '',
    givenName: f.givenName ?? '',
    position: f.position ?? '',
    organisation: o ? `${o.entity}:${o.id}` : '',
    email: f.emails[0] ?? '',
    phone: f.phones[0] ?? '',
    wechatId: f.wechatId ?? '',
    country: f.country ?? '',
    notes: more.join('\n'),
    target: scan.proposal!.matches[0]?.id ?? 'new',
  };
}

const text = (v: FormValues, name: string) =>
  typeof v[name] === 'string' ? (v[name] as string).trim() : '';

/** The save's body: what the form holds; for an update, only what is filled in. */
function saveBody(v: FormValues, update: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of ['nativeName', 'familyName', 'givenName', 'position', 'email', 'phone']) {
    const value = text(v, name);
    if (value) body[name] = value;
    else if (!update && name !== 'familyName') body[name] = null;
  }
  const wechat = text(v, 'wechatId');
  if (wechat) body.wechatId = wechat;
  const country = text(v, 'country');
  if (country) body.country = country;
  const notes = text(v, 'notes');
  if (notes) body.notes = notes;
  const { companyId, partnerId } = organisationFields(text(v, 'organisation'));
  if (companyId) body.companyId = companyId;
  if (partnerId) body.partnerId = partnerId;
  return body;
}

/**
 * Business cards on the phone: `/scan` takes the photos (a form the device's queue can replay
 * offline: `data-queue="scan"`), `/scans/:id` shows the reading and then the proposal to confirm,
 * `/scans` lists one's scans. Photos are served by the service with the session's actor (a page
 * calls the API in-process, which answers text, not bytes), like the downloads.
 */
@ApiExcludeController()
@WebPages()
@Controller()
export class CardPages {
  constructor(
    private readonly api: WebApi,
    @Inject(CardsService) private readonly cards: CardsService,
  ) {}

  @Get('scan')
  @Allow('contact:write')
  form(@Req() request: WebRequest, @Res() reply: FastifyReply): void {
    sendPage(reply, this.scanForm(pageContext(request), {}));
  }

  @Post('scan')
  @Allow('contact:write')
  async scan(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const form = uploadsOf(request, body);
    const key = idempotencyKeyOf(form.fields);
    if (!form.any)
      return sendPage(reply, this.scanForm(ctx, { front: cw(l, 'noPhoto') }, key), 400);
    const answer = await this.api.call<CardScanDto | ApiProblem>(
      ctx.user!,
      'POST',
      '/api/v1/card-scans',
      { raw: multipartFiles({}, form.files), idempotencyKey: key },
    );
    if (answer.status === 201 || answer.status === 200)
      return redirect(request, reply, `/scans/${(answer.body as CardScanDto).id}`);
    if (answer.status === 413 || answer.status === 400) {
      const problem = answer.body as ApiProblem;
      const errors: Record<string, string> = {};
      for (const e of problem.errors ?? [])
        if (e.field === 'front' || e.field === 'back')
          errors[e.field] ??= answer.status === 413 ? cw(l, 'tooLarge') : cw(l, 'noPhoto');
      for (const e of problem.errors ?? [])
        if (e.code === 'imageType' && (e.field === 'front' || e.field === 'back'))
          errors[e.field] = fieldMessages(l, [], { ...problem, errors: [e] })._form;
      if (!Object.keys(errors).length) errors.front = cw(l, 'noPhoto');
      return sendPage(reply, this.scanForm(ctx, errors, key), 400);
    }
    throw new ApiError(answer as never);
  }

  private scanForm(ctx: PageContext, errors: Record<string, string>, key?: string): Html {
    const l = ctx.locale;
    const fields: FieldSpec[] = [
      { name: 'front', label: cw(l, 'front') },
      { name: 'back', label: cw(l, 'back') },
    ];
    const input = (side: CardSide) => {
      const error = errors[side];
      return html`<div class="field${error ? ' invalid' : ''}">
        <label for="f-${side}">${cw(l, side)}${side === 'front' ? html` <span aria-hidden="true">*</span>` : ''}
          <small>${cw(l, 'photoHint')}</small></label>
        <input type="file" id="f-${side}" name="${side}" accept="image/*" capture="environment"${side === 'front' ? html` required` : ''} aria-invalid="${error ? 'true' : 'false'}"${error ? html` aria-describedby="f-${side}-error"` : ''} />
        ${error ? html`<p class="error" id="f-${side}-error" role="alert">${error}</p>` : ''}
      </div>`;
    };
    return titledPage(
      ctx,
      cw(l, 'scanCard'),
      html`${errorSummary(ctx, fields, errors)}
        <p class="muted">${cw(l, 'scanHelp')}</p>
        <form method="post" action="/scan" enctype="multipart/form-data" data-queue="scan" class="card record-form" id="scan-form">
          ${csrfField(ctx)}${idempotencyField(key)}
          ${input('front')}${input('back')}
          <p class="actions">
            <button class="primary" type="submit" id="scan-submit">${cw(l, 'upload')}</button>
            <a class="button" href="/scans">${cw(l, 'scans')}</a>
          </p>
        </form>`,
    );
  }

  @Get('scans')
  @Allow('contact:write')
  async list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const page = await this.api.get<{ items: CardScanDto[] }>(
      ctx.user!,
      '/api/v1/card-scans?limit=50',
    );
    sendPage(
      reply,
      titledPage(
        ctx,
        cw(l, 'scans'),
        html`<p class="actions">${scanCardLink(l)}</p>
          ${
            page.items.length
              ? html`<ul class="link-list" id="scans">${page.items.map(
                  (s) =>
                    html`<li><a href="${s.contactId ? `/contacts/${s.contactId}` : `/scans/${s.id}`}">${dateTime(s.createdAt, l)}</a> ${statusBadge(l, s.status)}${
                      s.proposal?.fields.familyName || s.proposal?.fields.nativeName
                        ? html` · ${[s.proposal.fields.nativeName, s.proposal.fields.givenName, s.proposal.fields.familyName].filter(Boolean).join(' ')}`
                        : ''
                    }</li>`,
                )}</ul>`
              : html`<p class="muted" id="scans">${cw(l, 'noScans')}</p>`
          }`,
      ),
    );
  }

  /** A scan: reading (refreshed by htmx until read), the form to confirm, or where it went. */
  @Get('scans/:id')
  @Allow('contact:write')
  async show(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const scan = await this.api.get<CardScanDto>(ctx.user!, `/api/v1/card-scans/${id}`);
    const waiting = scan.status === 'queued' || scan.status === 'reading';
    if (ctx.query.fragment === 'status') {
      // Read now: the whole page again, with the form.
      if (!waiting) void reply.header('HX-Refresh', 'true');
      return sendPage(reply, this.waiting(ctx, scan));
    }
    if (scan.status === 'saved' && scan.contactId)
      return redirect(request, reply, `/contacts/${scan.contactId}`);
    sendPage(reply, await this.scanPage(ctx, scan, proposedValues(ctx.locale, scan), {}));
  }

  private waiting(ctx: PageContext, scan: CardScanDto): Html {
    const l = ctx.locale;
    return html`<div id="scan-status" role="status" hx-get="/scans/${scan.id}?fragment=status" hx-trigger="every 1s" hx-swap="outerHTML">
      <p>${statusBadge(l, scan.status)} ${cw(l, 'reading')}</p>
      <noscript><p><a class="button" href="/scans/${scan.id}">${cw(l, 'reload')}</a></p></noscript>
    </div>`;
  }

  private async scanPage(
    ctx: PageContext,
    scan: CardScanDto,
    values: FormValues,
    errors: Record<string, string>,
    notice?: string,
  ): Promise<Html> {
    const l = ctx.locale;
    const sides = CARD_SIDES.filter((side) => scan[side]);
    const images = photos(l, `/scans/${scan.id}/photo`, sides);
    if (scan.status === 'queued' || scan.status === 'reading')
      return titledPage(ctx, cw(l, 'scanTitle'), html`${this.waiting(ctx, scan)}${images}`);
    const matches = scan.proposal?.matches ?? [];
    // The version of each contact offered for an update, as read now: the save's If-Match.
    const [orgs, versions] = await Promise.all([
      // The organisation the card matched (or a form sent back had) is offered however far down.
      organisations(this.api, ctx.user!, [values.organisation]),
      Promise.all(
        matches.map((m) =>
          this.api
            .call<{ version: number }>(ctx.user!, 'GET', `/api/v1/contacts/${m.id}`)
            .then((a) => (a.status === 200 ? a.body.version : undefined)),
        ),
      ),
    ]);
    const fields = confirmFields(l, orgs);
    const target = typeof values.target === 'string' ? values.target : 'new';
    const render = (f: FieldSpec) => renderField(f, values[f.name], errors[f.name]);
    const read = [scan.proposal?.fields.organisation, scan.proposal?.fields.nativeOrganisation]
      .filter(Boolean)
      .join(' / ');
    return titledPage(
      ctx,
      cw(l, 'scanTitle'),
      html`${errorSummary(ctx, fields, errors)}
        ${notice ? html`<div class="alert" role="alert" id="conflict">${notice}</div>` : ''}
        ${scan.status === 'failed' ? html`<p class="alert" id="scan-failed">${cw(l, 'failed')}</p>` : ''}
        ${images}
        <h2>${cw(l, 'confirm')}</h2>
        <p class="muted">${cw(l, 'confirmHelp')}${scan.readMs !== null ? html` (${cw(l, 'readIn').replace('{s}', (scan.readMs / 1000).toFixed(1))})` : ''}</p>
        <form method="post" action="/scans/${scan.id}" class="card record-form" id="confirm-form">
          ${csrfField(ctx)}${idempotencyField(typeof values._key === 'string' ? values._key : undefined)}
          ${
            matches.length
              ? html`<fieldset class="field choices" id="f-target">
                  <legend>${cw(l, 'target')}</legend>
                  <p class="muted">${cw(l, 'existsHint')}</p>
                  ${matches.map(
                    (m) =>
                      html`<label><input type="radio" name="target" value="${m.id}"${target === m.id ? html` checked` : ''} /> ${cw(l, 'updateContact').replace('{name}', m.name)} <small class="muted">(${cw(l, 'matchedBy').replace('{reasons}', m.reasons.map((r) => t(l, REASON_WORD[r] ?? 'name')).join(', '))})</small></label>`,
                  )}
                  <label><input type="radio" name="target" value="new"${target === 'new' ? html` checked` : ''} /> ${cw(l, 'newContact')}</label>
                </fieldset>`
              : html`<input type="hidden" name="target" value="new" />`
          }${matches.map((m, i) =>
            versions[i] === undefined
              ? ''
              : html`<input type="hidden" name="${VERSION_FIELD}${m.id}" value="${versions[i]}" />`,
          )}
          ${fields.map(render)}
          ${read ? html`<p class="muted" id="organisation-read">${cw(l, 'organisationRead').replace('{name}', read)}</p>` : ''}
          <p class="actions"><button class="primary" type="submit" id="save-card">${cw(l, 'save')}</button></p>
        </form>`,
    );
  }

  @Post('scans/:id')
  @Allow('contact:write')
  async save(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const user = ctx.user!;
    const scan = await this.api.get<CardScanDto>(user, `/api/v1/card-scans/${id}`);
    if (scan.status === 'saved' && scan.contactId)
      return redirect(request, reply, `/contacts/${scan.contactId}`);
    // The organisation posted is offered however far down (the form offered the card's match).
    const orgs = await organisations(this.api, user, [body.organisation]);
    const fields = confirmFields(l, orgs);
    const values = readForm([...fields, { name: 'target', label: '' }], body);
    values._key = idempotencyKeyOf(body);
    const chosen = (scan.proposal?.matches ?? []).find((m) => m.id === text(values, 'target'));
    // The version the form was shown with: a change meanwhile is a 412, shown, not overwritten.
    const shown = chosen ? body[`${VERSION_FIELD}${chosen.id}`] : undefined;
    const ifMatch =
      typeof shown === 'string' && /^\d{1,9}$/.test(shown) ? Number(shown) : undefined;
    const answer = await this.api.call<{ contactId: string } | ApiProblem>(
      user,
      'POST',
      `/api/v1/card-scans/${id}/save`,
      {
        body: { ...saveBody(values, !!chosen), ...(chosen && { contactId: chosen.id }) },
        ifMatch,
        idempotencyKey: text(values, '_key'),
      },
    );
    if (answer.status === 201 || answer.status === 200)
      return redirect(
        request,
        reply,
        `/contacts/${(answer.body as { contactId: string }).contactId}`,
      );
    if (answer.status === 400) {
      const errors = fieldMessages(l, fields, answer.body as ApiProblem, {
        companyId: 'organisation',
        partnerId: 'organisation',
        contactId: 'target',
      });
      return sendPage(reply, await this.scanPage(ctx, scan, values, errors), 400);
    }
    if (answer.status === 412 || answer.status === 404 || answer.status === 428)
      return sendPage(
        reply,
        await this.scanPage(ctx, scan, values, {}, cw(l, 'conflict')),
        answer.status === 404 ? 400 : 412,
      );
    throw new ApiError(answer as never);
  }

  @Get('scans/:id/photo/:side')
  @Allow('contact:write')
  async scanPhoto(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Param('side', sidePipe) side: CardSide,
  ): Promise<void> {
    const image = await this.cards.scanImage(pageContext(request).user!, id, side);
    void reply.type(image.type).send(image.bytes);
  }

  @Get('contacts/:id/card/:side')
  @Allow('contact:read')
  async contactPhoto(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Param('side', sidePipe) side: CardSide,
  ): Promise<void> {
    const image = await this.cards.contactImage(pageContext(request).user!, id, side);
    void reply.type(image.type).send(image.bytes);
  }
}
