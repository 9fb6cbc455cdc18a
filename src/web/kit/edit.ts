import type { FastifyReply } from 'fastify';
import { Html, html } from './html';
import { t } from './i18n';
import { csrfField, errorSummary, field, layout, PageContext } from './layout';
import { redirect, sendPage } from './respond';
import { ApiError, ApiProblem, fieldErrors, WebApi } from './web-api';
import { WebRequest } from './session';

export interface EditField {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'tel' | 'date' | 'number' | 'url' | 'textarea';
  required?: boolean;
}

/** How one kind of record is edited in the browser: its fields and how they map to the API. */
export interface EditSpec<T extends { id: string; version: number }> {
  /** `/api/v1/contacts` */
  api: string;
  /** `/contacts` — the detail page is `${page}/${id}`, the form `${page}/${id}/edit`. */
  page: string;
  fields: EditField[];
  heading: (record: T) => string;
  values: (record: T) => Record<string, string>;
  /** Form values → PATCH body; an empty input clears a nullable field. */
  patch: (values: Record<string, string>) => Record<string, unknown>;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** An edit form; after a lost race it shows the saved values beside the user's and offers re-apply. */
function editForm<T extends { id: string; version: number }>(
  ctx: PageContext,
  spec: EditSpec<T>,
  saved: T,
  values: Record<string, string>,
  errors: Record<string, string>,
  stale: boolean,
): Html {
  const savedValues = spec.values(saved);
  const differs = (name: string) => (savedValues[name] ?? '') !== (values[name] ?? '');
  const column = (title: string, source: Record<string, string>) =>
    html`<div><h2>${title}</h2><dl class="facts">${spec.fields.map(
      (f) =>
        html`<dt>${f.label}</dt><dd${differs(f.name) ? html` class="overdue"` : ''}>${source[f.name] ?? ''}</dd>`,
    )}</dl></div>`;
  return layout(
    ctx,
    t(ctx.locale, 'edit'),
    html`<h1>${t(ctx.locale, 'edit')}: ${spec.heading(saved)}</h1>
${
  stale
    ? html`<div class="alert" role="alert" id="stale"><p><strong>${t(ctx.locale, 'staleTitle')}</strong></p><p>${t(ctx.locale, 'staleHelp')}</p>
<div class="compare">${column(t(ctx.locale, 'currentValues'), savedValues)}${column(t(ctx.locale, 'yourValues'), values)}</div></div>`
    : ''
}
${errorSummary(ctx, errors)}
<form method="post" action="${spec.page}/${saved.id}/edit" class="card">
${csrfField(ctx)}<input type="hidden" name="version" value="${saved.version}">
${spec.fields.map((f) =>
  field(
    f.label,
    f.type === 'textarea'
      ? html`<textarea name="${f.name}" aria-invalid="${errors[f.name] ? 'true' : 'false'}">${values[f.name] ?? ''}</textarea>`
      : html`<input type="${f.type ?? 'text'}" name="${f.name}" value="${values[f.name] ?? ''}"${f.required ? html` required` : ''}${f.type === 'number' ? html` step="0.01" min="0"` : ''} aria-invalid="${errors[f.name] ? 'true' : 'false'}">`,
    errors[f.name],
  ),
)}
<p><button class="primary" type="submit">${stale ? t(ctx.locale, 'reapply') : t(ctx.locale, 'save')}</button> <a href="${spec.page}/${saved.id}">${t(ctx.locale, 'cancel')}</a></p>
</form>`,
  );
}

export async function showEdit<T extends { id: string; version: number }>(
  api: WebApi,
  ctx: PageContext,
  reply: FastifyReply,
  spec: EditSpec<T>,
  id: string,
): Promise<void> {
  const saved = await api.get<T>(ctx.user!, `${spec.api}/${id}`);
  sendPage(reply, editForm(ctx, spec, saved, spec.values(saved), {}, false));
}

/**
 * Saves a form with the version the user read. 412 → the lost-race view, 400 → errors next to
 * the fields; the user's input is never dropped.
 */
export async function saveEdit<T extends { id: string; version: number }>(
  api: WebApi,
  ctx: PageContext,
  request: WebRequest,
  reply: FastifyReply,
  spec: EditSpec<T>,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  const values: Record<string, string> = {};
  for (const f of spec.fields) values[f.name] = str(body[f.name]);
  const version = Number(body.version);
  const answer = await api.call<T | ApiProblem>(ctx.user!, 'PATCH', `${spec.api}/${id}`, {
    body: spec.patch(values),
    ifMatch: Number.isInteger(version) ? version : 0,
  });
  if (answer.status === 200) return redirect(request, reply, `${spec.page}/${id}`);
  if (answer.status === 412 || answer.status === 400) {
    const current = await api.get<T>(ctx.user!, `${spec.api}/${id}`);
    const stale = answer.status === 412;
    const shown = stale ? current : { ...current, version };
    return sendPage(
      reply,
      editForm(
        ctx,
        spec,
        shown,
        values,
        stale ? {} : fieldErrors(answer.body as ApiProblem),
        stale,
      ),
      stale ? 409 : 400,
    );
  }
  throw new ApiError(answer as never);
}
