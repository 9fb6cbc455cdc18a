import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../auth/actor';
import { WebPages, WebRequest } from '../auth/browser-session';
import { UuidParam } from '../common/params';
import { w, wordOf } from './imports.words';
import { dateTime, number } from './kit/format';
import { idempotencyField, idempotencyKeyOf } from './kit/forms';
import { Html, html } from './kit/html';
import { Locale, ruleMessage, t } from './kit/i18n';
import { csrfField, doneNotice, facts, layout, PageContext, pageContext } from './kit/layout';
import { listPage } from './kit/lists';
import { redirect, sendPage } from './kit/respond';
import { ApiError, ApiProblem, WebApi } from './kit/web-api';
import { Page } from './kit/views';
import { multipartBody, uploadOf } from './kit/upload';

const KINDS = ['contact', 'company', 'partner'] as const;
type ImportKind = (typeof KINDS)[number];
const DUPLICATES = ['skip', 'update', 'create'] as const;
const NEW_ORGANISATIONS = ['partner', 'company'] as const;
/** The steps in which a background job works on the import: the page follows its progress. */
const WORKING = ['checking', 'running', 'undoing'];
const FINISHED = ['done', 'cancelled', 'undone'];
type Count =
  | 'rows'
  | 'valid'
  | 'errors'
  | 'duplicates'
  | 'created'
  | 'updated'
  | 'skipped'
  | 'failed'
  | 'undone'
  | 'kept';
const ROWS_SHOWN = 20;

interface ImportView {
  id: string;
  kind: ImportKind;
  fileName: string;
  format: string;
  encoding: string | null;
  delimiter: string | null;
  headerRow: number | null;
  headers: string[];
  mapping: (string | null)[];
  targets: string[];
  sample: { row: number; cells: string[] }[];
  status: string;
  fileError: { code: string; row: number | null; message: string } | null;
  options: { duplicates: (typeof DUPLICATES)[number]; newOrganisations: string };
  counts: Record<Count, number>;
  progress: { done: number; total: number };
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  undoneAt: string | null;
  version: number;
}

interface ImportRow {
  row: number;
  values: Record<string, unknown> | unknown[];
  errors: { column: string | number | null; field: string | null; code: string; message: string }[];
  duplicateOf: { id: string | null; row: number | null; name: string; reason: string } | null;
  decision: string | null;
  outcome: string | null;
  recordId: string | null;
}

const RECORD_PAGES: Record<ImportKind, string> = {
  contact: '/contacts',
  company: '/companies',
  partner: '/partners',
};

/** "Import" on the list of a kind that can be imported: the upload form with the kind chosen. */
export const importLink = (l: Locale, kind: ImportKind) => ({
  href: `/imports/new?kind=${kind}`,
  label: t(l, 'importFile'),
  action: 'import:run' as const,
  id: 'import-file',
});

const kindLabel = (l: Locale, kind: string) => wordOf(l, 'kind', kind) ?? kind;
const statusLabel = (l: Locale, status: string) => wordOf(l, 'status', status) ?? status;
const targetLabel = (l: Locale, target: string) => wordOf(l, 'field', target) ?? target;
const STATUS_BADGE: Record<string, string> = {
  checked: 'ok',
  done: 'ok',
  failed: 'bad',
  cancelled: 'warn',
  undone: 'warn',
};
/** The status as a badge; `data-status` names it for scripts and tests (the page's own has the id). */
const statusBadge = (l: Locale, status: string, id?: string) =>
  html`<span class="badge ${STATUS_BADGE[status] ?? ''}"${id ? html` id="${id}"` : ''} data-status="${status}">${statusLabel(l, status)}</span>`;

/** What a problem of a row says: the import's own codes, else the validation rule's message. */
const rowMessage = (l: Locale, code: string) => wordOf(l, 'code', code) ?? ruleMessage(l, code);

/** A keyset cursor from the page's query (the API checks it; this only bounds its length). */
const cursorOf = (value: string | undefined) =>
  value && value.length < 2000 && /^[\w\-.~=]+$/.test(value) ? value : undefined;

/** A message shown once after a redirect (`?done=saved`). */
const NOTICES = ['decisionsSaved', 'notNow', 'changedMeanwhile'] as const;
const notice = (ctx: PageContext): Html => doneNotice(ctx, NOTICES, w);

/**
 * The import wizard: upload a file, map its columns, check it (a dry run that shows the rows'
 * errors and duplicates, each duplicate with its own choice), import, and undo. Each step is the
 * API's (`/api/v1/imports`); while a background job works the page follows its progress.
 */
@ApiExcludeController()
@WebPages()
@Controller('imports')
export class ImportPages {
  constructor(private readonly api: WebApi) {}

  @Get()
  @Allow('import:run')
  list(@Req() request: WebRequest, @Res() reply: FastifyReply): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    return listPage<ImportView>(this.api, ctx, reply, {
      path: '/imports',
      api: '/api/v1/imports',
      title: w(l, 'importsTitle'),
      create: { href: '/imports/new', label: w(l, 'newImport'), action: 'import:run' },
      columns: [
        {
          header: w(l, 'file'),
          primary: true,
          cell: (i) => html`<a href="/imports/${i.id}">${i.fileName}</a>`,
        },
        { header: w(l, 'kind'), cell: (i) => kindLabel(l, i.kind) },
        { header: w(l, 'status'), cell: (i) => statusBadge(l, i.status) },
        { header: w(l, 'rows'), cell: (i) => countsLine(l, i) },
        { header: w(l, 'startedAt'), cell: (i) => dateTime(i.createdAt, l) },
      ],
    });
  }

  @Get('new')
  @Allow('import:run')
  newForm(@Req() request: WebRequest, @Res() reply: FastifyReply): void {
    const ctx = pageContext(request);
    const kind = (KINDS as readonly string[]).includes(ctx.query.kind ?? '')
      ? ctx.query.kind
      : 'contact';
    sendPage(reply, uploadPage(ctx, kind, {}));
  }

  /**
   * The upload: a multipart form (its CSRF token among its fields, checked by the guard like any
   * form's), handed on to the API as the same multipart form.
   */
  @Post()
  @Allow('import:run')
  async upload(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const ctx = pageContext(request);
    const l = ctx.locale;
    const form = uploadOf(request, body);
    const kind = (KINDS as readonly string[]).includes(form.fields.kind ?? '')
      ? form.fields.kind
      : 'contact';
    if (!form.file) return sendPage(reply, uploadPage(ctx, kind, { file: w(l, 'noFile') }), 400);
    const answer = await this.api.call<ImportView | ApiProblem>(
      ctx.user!,
      'POST',
      '/api/v1/imports',
      {
        raw: multipartBody({ kind }, form.file),
        idempotencyKey: idempotencyKeyOf(form.fields),
      },
    );
    if (answer.status === 201 || answer.status === 200)
      return redirect(request, reply, `/imports/${(answer.body as ImportView).id}`);
    if (answer.status === 413)
      return sendPage(reply, uploadPage(ctx, kind, { file: w(l, 'tooLarge') }), 413);
    if (answer.status === 400 || answer.status === 415 || answer.status === 422) {
      const problem = answer.body as ApiProblem;
      const onKind = problem.errors?.some((e) => e.field === 'kind');
      const errors: Record<string, string> = onKind
        ? { kind: ruleMessage(l, problem.errors?.find((e) => e.field === 'kind')?.code) }
        : { file: w(l, 'unreadable') };
      return sendPage(reply, uploadPage(ctx, kind, errors), 400);
    }
    throw new ApiError(answer as never);
  }

  /** The import in its current step; `?fragment=progress` is the progress bar alone (htmx). */
  @Get(':id')
  @Allow('import:run')
  async show(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const item = await this.api.get<ImportView>(ctx.user!, `/api/v1/imports/${id}`);
    const fragment = ctx.query.fragment;
    if (fragment === 'progress') {
      // The job has finished: the whole page shows the next step.
      if (!WORKING.includes(item.status)) return redirect(request, reply, `/imports/${id}`);
      return sendPage(reply, progressBlock(ctx, item));
    }
    if (fragment === 'error' || fragment === 'duplicate') {
      const rows = await this.rows(ctx, item, fragment);
      return sendPage(
        reply,
        fragment === 'error' ? errorRows(ctx, item, rows) : duplicateRows(ctx, item, rows),
      );
    }
    sendPage(reply, await this.importPage(ctx, item));
  }

  /** Saves the mapping and the options (at the version shown), then starts the check. */
  @Post(':id/check')
  @Allow('import:run')
  async check(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const user = ctx.user!;
    const item = await this.api.get<ImportView>(user, `/api/v1/imports/${id}`);
    const chosen = postedMapping(item, body);
    const options = postedOptions(item, body);
    const version = Number(body.version);
    const saved = await this.api.call<ImportView | ApiProblem>(
      user,
      'PATCH',
      `/api/v1/imports/${id}`,
      {
        body: { mapping: chosen, options },
        ifMatch: Number.isInteger(version) ? version : 0,
      },
    );
    if (saved.status === 400) {
      const shown = { ...item, mapping: chosen, options };
      const errors = mappingErrors(ctx.locale, item.kind, saved.body as ApiProblem);
      return sendPage(reply, await this.importPage(ctx, shown, errors), 400);
    }
    if (saved.status === 412) {
      const fresh = await this.api.get<ImportView>(user, `/api/v1/imports/${id}`);
      const shown = { ...fresh, mapping: chosen, options };
      const errors = { _form: w(ctx.locale, 'changedMeanwhile') };
      return sendPage(reply, await this.importPage(ctx, shown, errors), 409);
    }
    if (saved.status === 409) return redirect(request, reply, `/imports/${id}?done=notNow`);
    if (saved.status !== 200) throw new ApiError(saved as never);
    const started = await this.api.call<ImportView | ApiProblem>(
      user,
      'POST',
      `/api/v1/imports/${id}/check`,
    );
    if (started.status === 400) {
      const fresh = await this.api.get<ImportView>(user, `/api/v1/imports/${id}`);
      const errors = mappingErrors(ctx.locale, item.kind, started.body as ApiProblem);
      return sendPage(reply, await this.importPage(ctx, fresh, errors), 400);
    }
    if (started.status === 409) return redirect(request, reply, `/imports/${id}?done=notNow`);
    if (started.status >= 400) throw new ApiError(started as never);
    redirect(request, reply, `/imports/${id}`);
  }

  /** The choices for the duplicates shown; `run` then starts the import. */
  @Post(':id/decisions')
  @Allow('import:run')
  async decisions(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    const conflict = await this.saveDecisions(ctx, id, body);
    redirect(request, reply, `/imports/${id}?done=${conflict ? 'notNow' : 'decisionsSaved'}`);
  }

  @Post(':id/run')
  @Allow('import:run')
  async run(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
    @Body() body: Record<string, unknown>,
  ): Promise<void> {
    const ctx = pageContext(request);
    if (await this.saveDecisions(ctx, id, body))
      return redirect(request, reply, `/imports/${id}?done=notNow`);
    return this.step(request, reply, id, 'run');
  }

  @Post(':id/cancel')
  @Allow('import:run')
  cancel(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    return this.step(request, reply, id, 'cancel');
  }

  @Post(':id/undo')
  @Allow('import:run')
  undo(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    return this.step(request, reply, id, 'undo');
  }

  /** The rows that failed, as the API writes them: the file's columns and the reason. */
  @Get(':id/failed.csv')
  @Allow('import:run')
  async failedRows(
    @Req() request: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', UuidParam()) id: string,
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call<string>(
      ctx.user!,
      'GET',
      `/api/v1/imports/${id}/failed.csv`,
    );
    if (answer.status !== 200) throw new ApiError(answer as never);
    void reply
      .code(200)
      .type(String(answer.headers['content-type'] ?? 'text/csv; charset=utf-8'))
      .header(
        'Content-Disposition',
        String(answer.headers['content-disposition'] ?? 'attachment; filename="failed-rows.csv"'),
      )
      .send(answer.body ?? '');
  }

  /** A step the API takes in the background (run, cancel, undo); 409: not in this step. */
  private async step(
    request: WebRequest,
    reply: FastifyReply,
    id: string,
    action: 'run' | 'cancel' | 'undo',
  ): Promise<void> {
    const ctx = pageContext(request);
    const answer = await this.api.call(ctx.user!, 'POST', `/api/v1/imports/${id}/${action}`);
    if (answer.status === 409) return redirect(request, reply, `/imports/${id}?done=notNow`);
    if (answer.status >= 400) throw new ApiError(answer as never);
    redirect(request, reply, `/imports/${id}`);
  }

  /**
   * The decisions posted (`decision.<row>`) that differ from the ones the page showed
   * (`shown.<row>`), each sent to the API. True when the import is no longer in a step that
   * takes them.
   */
  private async saveDecisions(
    ctx: PageContext,
    id: string,
    body: Record<string, unknown>,
  ): Promise<boolean> {
    for (const [key, value] of Object.entries(body)) {
      const row = /^decision\.(\d{1,9})$/.exec(key)?.[1];
      if (!row || typeof value !== 'string' || !(DUPLICATES as readonly string[]).includes(value))
        continue;
      if (body[`shown.${row}`] === value) continue;
      const answer = await this.api.call(ctx.user!, 'PATCH', `/api/v1/imports/${id}/rows/${row}`, {
        body: { decision: value },
      });
      if (answer.status === 409) return true;
      // A row that is not a duplicate (any more) or not in the file: nothing to decide.
      if (answer.status === 404 || answer.status === 400) continue;
      if (answer.status >= 400) throw new ApiError(answer as never);
    }
    return false;
  }

  private rows(ctx: PageContext, item: ImportView, problem: 'error' | 'duplicate') {
    const cursor = cursorOf(ctx.query[`${problem}Cursor`]);
    return this.api.get<Page<ImportRow>>(
      ctx.user!,
      `/api/v1/imports/${item.id}/rows?problem=${problem}&limit=${ROWS_SHOWN}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
  }

  private async importPage(
    ctx: PageContext,
    item: ImportView,
    errors: Record<string, string> = {},
  ): Promise<Html> {
    const l = ctx.locale;
    const showMapping =
      item.status === 'mapping' ||
      (item.status === 'checked' &&
        (ctx.query.step === 'mapping' || Object.keys(errors).length > 0));
    let body: Html;
    if (showMapping) body = mappingStep(ctx, item, errors);
    else if (WORKING.includes(item.status)) body = progressBlock(ctx, item);
    else if (item.status === 'checked') {
      const [problems, duplicates] = await Promise.all([
        this.rows(ctx, item, 'error'),
        this.rows(ctx, item, 'duplicate'),
      ]);
      body = checkedStep(ctx, item, problems, duplicates);
    } else if (FINISHED.includes(item.status)) body = reportStep(ctx, item);
    else body = failedStep(ctx, item);
    return layout(
      ctx,
      `${w(l, 'importsTitle')}: ${item.fileName}`,
      html`<div class="page-head">
          <h1>${item.fileName}</h1>
          <div class="actions">
            <a class="button" href="/imports">${w(l, 'backToImports')}</a>
          </div>
        </div>
        ${notice(ctx)}
        <p class="import-meta">
          ${statusBadge(l, item.status, 'import-status')} <span>${kindLabel(l, item.kind)}</span>
          <span class="muted">· ${dateTime(item.createdAt, l)}</span>
        </p>
        ${steps(ctx, item, showMapping)} ${body}`,
    );
  }
}

// ---------------------------------------------------------------------------- the steps' parts

function uploadPage(ctx: PageContext, kind: string, errors: Record<string, string>): Html {
  const l = ctx.locale;
  const invalid = (name: string) =>
    errors[name]
      ? html` aria-invalid="true" aria-describedby="f-${name}-error"`
      : html` aria-invalid="false"`;
  const error = (name: string) =>
    errors[name]
      ? html`<p class="error" id="f-${name}-error" role="alert">${errors[name]}</p>`
      : '';
  return layout(
    ctx,
    w(l, 'newImportTitle'),
    html`<h1>${w(l, 'newImportTitle')}</h1>
      <p class="muted">${w(l, 'newImportHelp')}</p>
      <form method="post" action="/imports" enctype="multipart/form-data" class="card record-form" id="upload-form">
        ${csrfField(ctx)}${idempotencyField()}
        <fieldset class="field choices${errors.kind ? ' invalid' : ''}" id="f-kind">
          <legend>${w(l, 'whatToImport')}</legend>
          ${KINDS.map(
            (k) =>
              html`<label><input type="radio" name="kind" value="${k}"${k === kind ? html` checked` : ''} /> ${kindLabel(l, k)}</label>`,
          )}
          ${error('kind')}
        </fieldset>
        <div class="field${errors.file ? ' invalid' : ''}">
          <label for="f-file">${w(l, 'file')} <span aria-hidden="true">*</span>
            <small>CSV, XLSX, vCard</small></label>
          <input type="file" id="f-file" name="file" required
            accept=".csv,.txt,.tsv,.xlsx,.vcf,text/csv,text/vcard,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"${invalid('file')} />
          ${error('file')}
        </div>
        <p class="actions">
          <button class="primary" type="submit" id="upload">${w(l, 'upload')}</button>
          <a class="button" href="/imports">${w(l, 'backToImports')}</a>
        </p>
      </form>`,
  );
}

/** Where the wizard stands: map, check, import. */
function steps(ctx: PageContext, item: ImportView, mapping: boolean): Html {
  const l = ctx.locale;
  const at = mapping ? 0 : ['checking', 'checked'].includes(item.status) ? 1 : 2;
  const names = [w(l, 'stepMapping'), w(l, 'stepCheck'), w(l, 'stepImport')];
  return html`<ol class="import-steps">
    ${names.map(
      (name, i) =>
        html`<li class="${i < at ? 'past' : i === at ? 'current' : ''}"${i === at ? html` aria-current="step"` : ''}>${name}</li>`,
    )}
  </ol>`;
}

function countsLine(l: Locale, item: ImportView): string {
  const c = item.counts;
  const shown: Count[] = FINISHED.includes(item.status)
    ? ['created', 'updated', 'skipped', 'failed']
    : item.status === 'checked'
      ? ['rows', 'errors', 'duplicates']
      : ['rows'];
  return shown
    .filter((k) => k === 'rows' || c[k] > 0)
    .map((k) => `${w(l, `count_${k}`)}: ${number(c[k], l)}`)
    .join(' · ');
}

function countFacts(l: Locale, item: ImportView, which: readonly Count[]): Html {
  return html`<dl class="import-counts">
    ${which.map(
      (k) => html`<div class="count-${k}">
        <dt>${w(l, `count_${k}`)}</dt>
        <dd id="count-${k}">${number(item.counts[k], l)}</dd>
      </div>`,
    )}
  </dl>`;
}

function mappingStep(ctx: PageContext, item: ImportView, errors: Record<string, string>): Html {
  const l = ctx.locale;
  const fileFacts = facts([
    [w(l, 'format'), item.format?.toUpperCase()],
    [w(l, 'encoding'), item.encoding],
    [w(l, 'delimiter'), item.delimiter === '\t' ? 'Tab' : item.delimiter],
    [w(l, 'headerRow'), item.headerRow],
    [w(l, 'rows'), number(item.counts.rows, l)],
  ]);
  const radios = (
    name: string,
    values: readonly string[],
    chosen: string,
    family: 'dupOption' | 'org',
  ) =>
    values.map(
      (v) =>
        html`<label><input type="radio" name="${name}" value="${v}"${v === chosen ? html` checked` : ''} /> ${wordOf(l, family, v)}</label>`,
    );
  const list = Object.entries(errors);
  return html`${
    list.length
      ? html`<div class="alert" role="alert" id="errors">
          <p>${w(l, 'mappingProblem')}</p>
          <ul>
            ${list.map(([key, message]) => {
              const column = /^mapping\.(\d+)$/.exec(key)?.[1];
              return column !== undefined
                ? html`<li><a href="#map-${column}">${item.headers[Number(column)] ?? ''}</a>: ${message}</li>`
                : html`<li>${message}</li>`;
            })}
          </ul>
        </div>`
      : ''
  }
    <form method="post" action="/imports/${item.id}/check" id="mapping-form">
      ${csrfField(ctx)}
      <input type="hidden" name="version" value="${item.version}" />
      <details class="import-file"><summary>${w(l, 'file')}: ${item.fileName}</summary>${fileFacts}</details>
      <p class="muted">${w(l, 'mappingHelp')}</p>
      <div class="table-wrap">
        <table class="list mapping" id="mapping">
          <caption class="visually-hidden">${w(l, 'stepMapping')}</caption>
          <thead>
            <tr>
              <th scope="col">${w(l, 'column')}</th>
              <th scope="col">${w(l, 'samples')}</th>
              <th scope="col">${w(l, 'target')}</th>
            </tr>
          </thead>
          <tbody>
            ${item.headers.map((header, i) => {
              const samples = item.sample
                .map((s) => s.cells[i] ?? '')
                .filter((v) => v.trim() !== '')
                .slice(0, 3);
              const error = errors[`mapping.${i}`];
              return html`<tr id="column-${i}"${error ? html` class="invalid"` : ''}>
                <td class="primary"><span class="column-name">${header || `#${i + 1}`}</span></td>
                <td data-label="${w(l, 'samples')}">${
                  samples.length
                    ? html`<ul class="samples">${samples.map((s) => html`<li>${s}</li>`)}</ul>`
                    : html`<span class="muted">–</span>`
                }</td>
                <td data-label="${w(l, 'target')}">
                  <label class="visually-hidden" for="map-${i}">${w(l, 'targetOf')} ${header || `#${i + 1}`}</label>
                  <select id="map-${i}" name="mapping.${i}"${error ? html` aria-invalid="true" aria-describedby="map-${i}-error"` : ''}>
                    <option value="">${w(l, 'notImported')}</option>
                    ${item.targets.map(
                      (target) =>
                        html`<option value="${target}"${item.mapping[i] === target ? html` selected` : ''}>${targetLabel(l, target)}</option>`,
                    )}
                  </select>
                  ${error ? html`<p class="error" id="map-${i}-error">${error}</p>` : ''}
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <div class="card import-options">
        <h2>${w(l, 'options')}</h2>
        <fieldset class="field choices" id="f-duplicates">
          <legend>${w(l, 'duplicates')}</legend>
          <p class="muted">${w(l, 'duplicatesHelp')}</p>
          ${radios('duplicates', DUPLICATES, item.options.duplicates, 'dupOption')}
        </fieldset>
        ${
          item.kind === 'contact'
            ? html`<fieldset class="field choices" id="f-newOrganisations">
                <legend>${w(l, 'newOrganisations')}</legend>
                <p class="muted">${w(l, 'newOrganisationsHelp')}</p>
                ${radios('newOrganisations', NEW_ORGANISATIONS, item.options.newOrganisations, 'org')}
              </fieldset>`
            : ''
        }
      </div>
      <p class="actions">
        <button class="primary" type="submit" id="check">${w(l, 'check')}</button>
        <span class="muted">${w(l, 'checkHelp')}</span>
      </p>
    </form>`;
}

/** The mapping as posted: one target (or null) per column, only targets the import offers. */
function postedMapping(item: ImportView, body: Record<string, unknown>): (string | null)[] {
  return item.headers.map((_, i) => {
    const value = body[`mapping.${i}`];
    return typeof value === 'string' && item.targets.includes(value) ? value : null;
  });
}

function postedOptions(item: ImportView, body: Record<string, unknown>): ImportView['options'] {
  const duplicates = (DUPLICATES as readonly string[]).includes(String(body.duplicates))
    ? (body.duplicates as ImportView['options']['duplicates'])
    : item.options.duplicates;
  const newOrganisations = (NEW_ORGANISATIONS as readonly string[]).includes(
    String(body.newOrganisations),
  )
    ? String(body.newOrganisations)
    : item.options.newOrganisations;
  return { duplicates, newOrganisations };
}

/** The API's 400 on a mapping: per column (`mapping.3`), or on the whole (`mapping`). */
function mappingErrors(l: Locale, kind: string, problem: ApiProblem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem.errors ?? []) {
    const message =
      e.code === 'unique' || e.code === 'arrayUnique' || e.code === 'twice'
        ? w(l, 'targetTwice')
        : e.field === 'mapping' && e.code === 'required'
          ? w(l, kind === 'contact' ? 'needsName_contact' : 'needsName_organisation')
          : ruleMessage(l, e.code);
    const key = /^mapping\.\d+$/.test(e.field) ? e.field : '_form';
    out[key] ??= message;
  }
  if (!Object.keys(out).length) out._form = w(l, 'mappingProblem');
  return out;
}

/** While a job works: the progress bar, which htmx asks for again every second. */
function progressBlock(ctx: PageContext, item: ImportView): Html {
  const l = ctx.locale;
  const { done, total } = item.progress;
  const label = `${statusLabel(l, item.status)}: ${number(done, l)} ${w(l, 'progressOf')} ${number(total, l)}`;
  return html`<section class="card import-progress" id="progress"
      hx-get="/imports/${item.id}?fragment=progress" hx-trigger="every 1s" hx-swap="outerHTML"
      aria-labelledby="progress-label">
    <h2 id="progress-label">${statusLabel(l, item.status)}</h2>
    <progress id="progress-bar" max="${Math.max(total, 1)}" value="${Math.min(done, Math.max(total, 1))}"
      aria-label="${w(l, 'progress')}">${label}</progress>
    <p id="progress-text" aria-live="polite">${label}</p>
    <div class="actions">
      <a class="button" href="/imports/${item.id}" id="refresh">${w(l, 'refresh')}</a>
      <span class="muted">${w(l, 'refreshHelp')}</span>
      ${
        item.status === 'running'
          ? html`<form method="post" action="/imports/${item.id}/cancel" class="inline" data-confirm="${w(l, 'cancelConfirm')}">
              ${csrfField(ctx)}<button type="submit" class="danger" id="cancel-import">${w(l, 'cancelImport')}</button>
            </form>`
          : ''
      }
    </div>
  </section>`;
}

const columnName = (item: ImportView, column: string | number | null) =>
  typeof column === 'number' ? (item.headers[column] ?? `#${column + 1}`) : (column ?? '');

/** "More" as a link to the next page of rows, which htmx puts in place of this row. */
function moreRow(
  ctx: PageContext,
  item: ImportView,
  problem: 'error' | 'duplicate',
  next: string | null,
  columns: number,
): Html {
  if (!next) return html``;
  const url = `/imports/${item.id}?${problem}Cursor=${encodeURIComponent(next)}`;
  return html`<tr class="count"><td colspan="${columns}">
    <a class="button" href="${url}#${problem}s" hx-get="${url}&fragment=${problem}" hx-target="closest tr" hx-swap="outerHTML"
      >${w(ctx.locale, 'more')}</a>
  </td></tr>`;
}

function errorRows(ctx: PageContext, item: ImportView, page: Page<ImportRow>): Html {
  const l = ctx.locale;
  return html`${page.items.flatMap((r) =>
    r.errors.map(
      (e, i) => html`<tr id="error-${r.row}-${i}" data-row="${r.row}">
        <td class="primary" data-label="${w(l, 'row')}">${w(l, 'row')} ${r.row}</td>
        <td data-label="${w(l, 'column')}">${columnName(item, e.column)}${e.field && e.field.split('.')[0] !== e.column ? html` <span class="muted">→ ${targetLabel(l, e.field.split('.')[0])}</span>` : ''}</td>
        <td data-label="${w(l, 'message')}">${rowMessage(l, e.code)}</td>
      </tr>`,
    ),
  )}${moreRow(ctx, item, 'error', page.nextCursor ?? null, 3)}`;
}

function duplicateRows(ctx: PageContext, item: ImportView, page: Page<ImportRow>): Html {
  const l = ctx.locale;
  return html`${page.items.map((r) => {
    const d = r.duplicateOf;
    const decision = r.decision ?? item.options.duplicates;
    const what = !d
      ? ''
      : d.reason === 'row' || !d.id
        ? html`${d.name}
            <span class="muted"
              >(${d.row ? `${w(l, 'earlierRowOf')} ${d.row} ${w(l, 'earlierRowFile')}` : w(l, 'earlierRow')})</span
            >`
        : html`<a href="${RECORD_PAGES[item.kind]}/${d.id}">${d.name}</a>`;
    return html`<tr id="duplicate-${r.row}" data-row="${r.row}">
      <td class="primary" data-label="${w(l, 'row')}">${w(l, 'row')} ${r.row}</td>
      <td data-label="${w(l, 'duplicateOf')}">${what}</td>
      <td data-label="${w(l, 'reason')}">${d ? (wordOf(l, 'reason', d.reason) ?? d.reason) : ''}</td>
      <td data-label="${w(l, 'decision')}">
        <fieldset class="decision">
          <legend class="visually-hidden">${w(l, 'decision')} (${w(l, 'row')} ${r.row})</legend>
          <input type="hidden" name="shown.${r.row}" value="${decision}" />
          ${DUPLICATES.map(
            (v) =>
              html`<label><input type="radio" name="decision.${r.row}" value="${v}"${v === decision ? html` checked` : ''} /> ${w(l, `dup_${v}`)}</label>`,
          )}
        </fieldset>
      </td>
    </tr>`;
  })}${moreRow(ctx, item, 'duplicate', page.nextCursor ?? null, 4)}`;
}

function checkedStep(
  ctx: PageContext,
  item: ImportView,
  problems: Page<ImportRow>,
  duplicates: Page<ImportRow>,
): Html {
  const l = ctx.locale;
  return html`<h2>${w(l, 'checkResult')}</h2>
    ${countFacts(l, item, ['rows', 'valid', 'errors', 'duplicates'])}
    <section aria-labelledby="h-errors" id="errors-section">
      <h2 id="h-errors">${w(l, 'rowErrors')}</h2>
      ${
        problems.items.length === 0
          ? html`<p class="muted" id="no-errors">${w(l, 'noRowErrors')}</p>`
          : html`<p class="muted">${w(l, 'rowErrorsHelp')}</p>
            <div class="table-wrap"><table class="list" id="errors-table">
              <caption class="visually-hidden">${w(l, 'rowErrors')}</caption>
              <thead><tr>
                <th scope="col">${w(l, 'row')}</th>
                <th scope="col">${w(l, 'column')}</th>
                <th scope="col">${w(l, 'message')}</th>
              </tr></thead>
              <tbody>${errorRows(ctx, item, problems)}</tbody>
            </table></div>`
      }
    </section>
    <form method="post" action="/imports/${item.id}/run" id="run-form">
      ${csrfField(ctx)}
      <section aria-labelledby="h-duplicates" id="duplicates-section">
        <h2 id="h-duplicates">${w(l, 'duplicatesFound')}</h2>
        ${
          duplicates.items.length === 0
            ? html`<p class="muted" id="no-duplicates">${w(l, 'noDuplicates')}</p>`
            : html`<div class="table-wrap"><table class="list" id="duplicates-table">
                <caption class="visually-hidden">${w(l, 'duplicatesFound')}</caption>
                <thead><tr>
                  <th scope="col">${w(l, 'row')}</th>
                  <th scope="col">${w(l, 'duplicateOf')}</th>
                  <th scope="col">${w(l, 'reason')}</th>
                  <th scope="col">${w(l, 'decision')}</th>
                </tr></thead>
                <tbody>${duplicateRows(ctx, item, duplicates)}</tbody>
              </table></div>
              <p class="actions">
                <button type="submit" formaction="/imports/${item.id}/decisions" id="save-decisions">${w(l, 'saveDecisions')}</button>
              </p>`
        }
      </section>
      <p class="muted">${w(l, 'runHelp')}</p>
      <p class="actions">
        <button class="primary" type="submit" id="run">${w(l, 'runImport')}</button>
        <a class="button" href="/imports/${item.id}?step=mapping" id="back-to-mapping">${w(l, 'backToMapping')}</a>
      </p>
    </form>`;
}

function reportStep(ctx: PageContext, item: ImportView): Html {
  const l = ctx.locale;
  const failed = item.counts.failed + item.counts.errors > 0;
  return html`<h2>${w(l, 'report')}</h2>
    ${item.status === 'undone' ? html`<p class="flash" id="undone-note">${w(l, 'undoneNote')}</p>` : ''}
    ${countFacts(l, item, ['created', 'updated', 'skipped', 'failed'])}
    ${item.status === 'undone' ? countFacts(l, item, ['undone', 'kept']) : ''}
    ${facts([
      [w(l, 'finishedAt'), dateTime(item.finishedAt, l)],
      ...(item.undoneAt
        ? ([[w(l, 'undoneAt'), dateTime(item.undoneAt, l)]] as [string, string][])
        : []),
    ])}
    <div class="actions">
      ${failed ? html`<a class="button" href="/imports/${item.id}/failed.csv" download id="failed-csv">${w(l, 'failedCsv')}</a>` : ''}
      ${
        item.status !== 'undone'
          ? html`<form method="post" action="/imports/${item.id}/undo" class="inline" data-confirm="${w(l, 'undoConfirm')}">
              ${csrfField(ctx)}<button type="submit" class="danger" id="undo-import">${w(l, 'undo')}</button>
            </form>`
          : ''
      }
      <a class="button" href="${RECORD_PAGES[item.kind]}">${kindLabel(l, item.kind)}</a>
    </div>`;
}

function failedStep(ctx: PageContext, item: ImportView): Html {
  const l = ctx.locale;
  const e = item.fileError;
  return html`<div class="alert" role="alert" id="file-error">
      <p>${w(l, 'failedNote')}</p>
      ${e ? html`<p>${rowMessage(l, e.code)}${e.row ? ` (${w(l, 'row')} ${e.row})` : ''}</p>` : ''}
    </div>
    <p class="actions"><a class="button primary" href="/imports/new?kind=${item.kind}">${w(l, 'startAgain')}</a></p>`;
}
