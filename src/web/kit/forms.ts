import { randomUUID } from 'node:crypto';
import { HOME_ZONE, isoToLocal, localToIso } from './format';
import { Html, html } from './html';
import { Locale, ruleMessage, t } from './i18n';
import type { PageContext } from './layout';
import { csrfField } from './layout';
import type { ApiProblem } from './web-api';

/** What a form holds: one string per input, a list for multiple choices. */
export type FormValues = Record<string, string | string[]>;

export interface Choice {
  value: string;
  label: string;
  /** select: choices of one group are shown under its heading (`<optgroup>`). */
  group?: string;
}

export type FieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'password'
  | 'tel'
  | 'url'
  | 'date'
  | 'datetime'
  | 'number'
  | 'checkbox'
  | 'select'
  | 'multi'
  /** A list typed as comma-separated words: tags, language tags, country codes. */
  | 'list'
  /** A list typed one entry per line. */
  | 'lines';

/**
 * One input of a record's form, named as the API names the field. The kit turns a record into
 * form values, form values into an API body (only what changed, for a PATCH), and API errors
 * back into messages beside the field.
 */
export interface FieldSpec {
  name: string;
  label: string;
  type?: FieldType;
  required?: boolean;
  choices?: Choice[];
  /** select: the label of "no value" (sent as null); without it a value must be chosen. */
  blank?: string;
  maxLength?: number;
  hint?: string;
  lang?: string;
  /** datetime: the field holding the IANA zone the wall time is typed in (Berlin otherwise). */
  zoneField?: string;
  /** Only offered when the record is created (the API does not change it later). */
  createOnly?: boolean;
  /** Custom conversions where the API's shape is not the input's. */
  fromApi?: (record: Record<string, unknown>) => string | string[];
  toApi?: (value: string | string[], values: FormValues) => unknown;
  /**
   * An input whose value the API takes in other fields than its name: one organisation select
   * → `companyId` and `partnerId`; basis and source → `legalBasis`. What it returns is merged
   * into the body instead of the input's own name.
   */
  apiFields?: (values: FormValues) => Record<string, unknown>;
  /**
   * select or multi of records that offers the first of more than it can hold (the names'
   * `more`): a search box under it finds the others, and a suggestion picked is chosen in the
   * select or added, checked, to the choices (public/app.js). `url` answers `?q=` with
   * suggestions (`suggestionItems`).
   */
  find?: { url: string; label: string };
}

const asString = (value: unknown): string =>
  value === null || value === undefined ? '' : String(value);

/** The zone a datetime field's wall time is in. */
const zoneOf = (field: FieldSpec, source: Record<string, unknown>): string =>
  (field.zoneField && typeof source[field.zoneField] === 'string'
    ? (source[field.zoneField] as string)
    : '') || HOME_ZONE;

/** A record as the form shows it. */
export function valuesOf(fields: FieldSpec[], record: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    if (f.fromApi) {
      out[f.name] = f.fromApi(record);
      continue;
    }
    const v = record[f.name];
    switch (f.type) {
      case 'checkbox':
        out[f.name] = v ? 'on' : '';
        break;
      case 'multi':
        out[f.name] = Array.isArray(v) ? v.map(asString) : [];
        break;
      case 'list':
        out[f.name] = Array.isArray(v) ? v.map(asString).join(', ') : '';
        break;
      case 'lines':
        out[f.name] = Array.isArray(v) ? v.map(asString).join('\n') : '';
        break;
      case 'datetime':
        out[f.name] = typeof v === 'string' && v ? isoToLocal(v, zoneOf(f, record)) : '';
        break;
      default:
        out[f.name] = asString(v);
    }
  }
  return out;
}

/** The posted form, read field by field (anything else in the body is ignored). */
/**
 * A form that creates carries a key made when it is rendered (`_key`), which the API gets as the
 * Idempotency-Key: a double submit or a resubmit after a network error creates one record. A form
 * shown again after a refusal keeps its key (nothing was made under it).
 */
export const idempotencyField = (key: string = randomUUID()): Html =>
  html`<input type="hidden" name="_key" value="${key}" />`;

/** The key a posted form carries, or a new one for a form that carried none. */
export const idempotencyKeyOf = (body: Record<string, unknown>): string =>
  typeof body._key === 'string' && /^[0-9a-f-]{36}$/.test(body._key) ? body._key : randomUUID();

export function readForm(fields: FieldSpec[], body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = body[f.name];
    if (f.type === 'multi')
      out[f.name] = (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
        (x): x is string => typeof x === 'string' && x !== '',
      );
    else
      out[f.name] = (typeof v === 'string' ? v : Array.isArray(v) ? asString(v[0]) : '')
        // Browsers post a textarea's line breaks as CRLF: as typed, they are the record's \n.
        .replace(/\r\n?/g, '\n');
  }
  return out;
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length);

/** One form value → the API's value; an emptied input is null (or an empty list). */
function apiValue(f: FieldSpec, values: FormValues): unknown {
  const v = values[f.name] ?? (f.type === 'multi' ? [] : '');
  if (f.toApi) return f.toApi(v, values);
  const text = Array.isArray(v) ? '' : v.trim();
  switch (f.type) {
    case 'checkbox':
      return v === 'on';
    case 'multi':
      return Array.isArray(v) ? v : [];
    case 'list':
      return text
        .split(/[,;\n]/)
        .map((x) => x.trim())
        .filter(Boolean);
    case 'lines':
      return text
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean);
    case 'number': {
      if (text === '') return null;
      const n = Number(text.replace(/\s/g, '').replace(',', '.'));
      return Number.isFinite(n) ? n : text;
    }
    case 'datetime': {
      if (text === '') return null;
      const zone = (f.zoneField && asString(values[f.zoneField]).trim()) || HOME_ZONE;
      try {
        return localToIso(text, zone) ?? text;
      } catch {
        return localToIso(text) ?? text;
      }
    }
    default:
      return text === '' ? null : text;
  }
}

/** A create body: every field the user filled in (empty optional fields are left out). */
export function createBody(fields: FieldSpec[], values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.apiFields) {
      for (const [k, v] of Object.entries(f.apiFields(values))) if (!isEmpty(v)) body[k] = v;
      continue;
    }
    const value = apiValue(f, values);
    if (!isEmpty(value) || f.type === 'checkbox') body[f.name] = value;
  }
  return body;
}

const same = (a: string | string[] | undefined, b: string | string[] | undefined): boolean =>
  Array.isArray(a) || Array.isArray(b)
    ? [...(Array.isArray(a) ? a : [])].sort().join('\u0000') ===
      [...(Array.isArray(b) ? b : [])].sort().join('\u0000')
    : (a ?? '').trim() === (b ?? '').trim();

/** The fields this user changed, compared with the values the form was loaded with. */
export const changedFields = (fields: FieldSpec[], values: FormValues, base: FormValues) =>
  fields.filter((f) => !f.createOnly && !same(values[f.name], base[f.name]));

/** A PATCH body of only what changed: another person's change to another field stays. */
export function patchBody(
  fields: FieldSpec[],
  values: FormValues,
  base: FormValues,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of changedFields(fields, values, base))
    if (f.apiFields) Object.assign(body, f.apiFields(values));
    else body[f.name] = apiValue(f, values);
  // A wall time depends on its zone: a changed zone sends the instants it governs again.
  for (const f of fields)
    if (f.zoneField && f.zoneField in body && !(f.name in body)) body[f.name] = apiValue(f, values);
  return body;
}

/** The values a form was loaded with travel with it, so a save knows what the user changed. */
export const encodeBase = (values: FormValues): string =>
  Buffer.from(JSON.stringify(values)).toString('base64url');

export function decodeBase(text: unknown, fields: FieldSpec[]): FormValues | undefined {
  if (typeof text !== 'string' || text.length > 200_000) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return undefined;
    const out: FormValues = {};
    for (const f of fields) {
      const v = (parsed as Record<string, unknown>)[f.name];
      if (typeof v === 'string') out[f.name] = v;
      else if (Array.isArray(v)) out[f.name] = v.filter((x): x is string => typeof x === 'string');
      else out[f.name] = f.type === 'multi' ? [] : '';
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * The API's 400 as messages beside the inputs, in the user's language: the field by its label,
 * the message by the rule's code. Errors on fields the form does not show go under `_form`.
 */
export function fieldMessages(
  locale: Locale,
  fields: FieldSpec[],
  problem: ApiProblem | undefined,
  rename: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const names = new Set(fields.map((f) => f.name));
  for (const e of problem?.errors ?? []) {
    const path = Object.hasOwn(rename, e.field) ? rename[e.field] : e.field;
    const top = names.has(path) ? path : path.split(/[.[]/)[0];
    const key = names.has(top) ? top : '_form';
    out[key] ??= ruleMessage(locale, e.code);
  }
  if (problem && !problem.errors?.length && problem.status === 400)
    out._form ??= t(locale, 'invalidField');
  return out;
}

const option = (c: Choice, chosen: string) =>
  html`<option value="${c.value}"${c.value === chosen ? html` selected` : ''}>${c.label}</option>`;

/** The options of a select; consecutive choices of one group under their `<optgroup>`. */
export function choiceOptions(choices: Choice[], chosen: string): Html {
  const out: Html[] = [];
  for (let i = 0; i < choices.length;) {
    const group = choices[i].group;
    if (group === undefined) {
      out.push(option(choices[i++], chosen));
      continue;
    }
    const members: Choice[] = [];
    while (i < choices.length && choices[i].group === group) members.push(choices[i++]);
    out.push(html`<optgroup label="${group}">${members.map((c) => option(c, chosen))}</optgroup>`);
  }
  return html`${out}`;
}

/** One input of a field spec, with its label and, when the server refused it, the error. */
export function renderField(
  f: FieldSpec,
  value: string | string[] | undefined,
  error?: string,
): Html {
  const id = `f-${f.name}`;
  const invalid = html` aria-invalid="${error ? 'true' : 'false'}"${error ? html` aria-describedby="${id}-error"` : ''}`;
  const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
  const required = f.required ? html` required` : '';
  const max = f.maxLength ? html` maxlength="${f.maxLength}"` : '';
  const lang = f.lang ? html` lang="${f.lang}"` : '';
  const errorLine = error ? html`<p class="error" id="${id}-error" role="alert">${error}</p>` : '';
  const hint = f.hint ? html` <small>${f.hint}</small>` : '';
  if (f.type === 'checkbox')
    return html`<div class="field check${error ? ' invalid' : ''}">
      <label for="${id}"><input type="checkbox" id="${id}" name="${f.name}"${text === 'on' ? html` checked` : ''}${invalid} /> ${f.label}</label>${errorLine}
    </div>`;
  if (f.type === 'multi') {
    const chosen = new Set(Array.isArray(value) ? value : []);
    return html`<fieldset class="field multi${error ? ' invalid' : ''}" id="${id}">
      <legend>${f.label}${hint}</legend>
      ${(f.choices ?? []).map(
        (c) =>
          html`<label><input type="checkbox" name="${f.name}" value="${c.value}"${chosen.has(c.value) ? html` checked` : ''} /> ${c.label}</label>`,
      )}${finder(f)}${errorLine}
    </fieldset>`;
  }
  let input: Html;
  if (f.type === 'textarea' || f.type === 'lines')
    input = html`<textarea id="${id}" name="${f.name}"${required}${max}${lang}${invalid}>${text}</textarea>`;
  else if (f.type === 'select')
    input = html`<select id="${id}" name="${f.name}"${required}${invalid}>
      ${f.blank !== undefined ? html`<option value="">${f.blank}</option>` : ''}
      ${choiceOptions(f.choices ?? [], text)}
    </select>`;
  else {
    const type =
      f.type === 'datetime'
        ? 'datetime-local'
        : f.type === 'number'
          ? 'text'
          : f.type === 'list'
            ? 'text'
            : (f.type ?? 'text');
    const extra =
      f.type === 'number'
        ? html` inputmode="decimal" pattern="[0-9.,\\s]*"`
        : f.type === 'password'
          ? html` autocomplete="new-password"`
          : // Someone else's address: the browser must not fill in the user's own.
            f.type === 'email'
            ? html` autocomplete="off"`
            : html``;
    input = html`<input type="${type}" id="${id}" name="${f.name}" value="${text}"${required}${max}${lang}${extra}${invalid} />`;
  }
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}">${f.label}${f.required ? html` <span aria-hidden="true">*</span>` : ''}${hint}</label>${input}${f.type === 'select' ? finder(f) : ''}${errorLine}
  </div>`;
}

/** The search box of a field with `find`, filling the field's own input (`f-<name>`). */
const finder = (f: FieldSpec): Html =>
  f.find
    ? suggestBox({
        id: `f-${f.name}-find`,
        results: `f-${f.name}-found`,
        label: f.find.label,
        url: f.find.url,
        into: `f-${f.name}`,
      })
    : html``;

/**
 * A search box whose suggestions (an htmx fragment of `url?q=`, `suggestionItems`) appear under
 * it; one picked goes into the element `into` (public/app.js): chosen in a select, added checked
 * to a multiple choice; without `into`, to the contacts picked (#picked-contacts).
 */
function suggestBox(o: {
  id: string;
  results: string;
  label: string;
  url: string;
  into?: string;
}): Html {
  return html`<div class="field picker">
    <label for="${o.id}">${o.label}</label>
    <input
      id="${o.id}"
      type="search"
      name="q"
      autocomplete="off"
      maxlength="200"
      data-suggest
      hx-get="${o.url}"
      hx-trigger="input changed delay:250ms, search"
      hx-target="#${o.results}"
      hx-include="this"
      aria-controls="${o.results}"
    />
    <ul id="${o.results}" class="suggestions" aria-live="polite"${o.into ? html` data-pick-into="${o.into}"` : ''}></ul>
  </div>`;
}

/** One suggestion of a search box (suggestBox): `value` is what picking it chooses. */
export interface Suggestion {
  value: string;
  label: string;
  /** Shown after the label, not part of what is chosen: a position, a city. */
  detail?: string;
}

/** What a search box sent (`?q=`): trimmed, at most 200 characters, '' for none. */
export const searchTerm = (term: unknown): string =>
  typeof term === 'string' ? term.trim().slice(0, 200) : '';

/** The suggestions of a search box, or a line saying there are none. */
export const suggestionItems = (locale: Locale, items: Suggestion[]): Html =>
  items.length
    ? html`${items.map(
        (s) =>
          html`<li><button type="button" class="link" data-pick="${s.value}" data-label="${s.label}">${s.label}${s.detail ? html` <span class="muted">· ${s.detail}</span>` : ''}</button></li>`,
      )}`
    : html`<li class="muted">${t(locale, 'noEntries')}</li>`;

/** "Please correct": a list of links to the refused fields, and errors no field shows. */
export function errorSummary(
  ctx: PageContext,
  fields: FieldSpec[],
  errors: Record<string, string>,
): Html {
  const entries = Object.entries(errors);
  if (!entries.length) return html``;
  const labels = new Map(fields.map((f) => [f.name, f.label]));
  return html`<div class="alert" role="alert" id="errors">
    <p>${t(ctx.locale, 'fixErrors')}</p>
    <ul>
      ${entries.map(([name, message]) =>
        labels.has(name)
          ? html`<li><a href="#f-${name}">${labels.get(name)}</a>: ${message}</li>`
          : html`<li>${message}</li>`,
      )}
    </ul>
  </div>`;
}

export interface FormOptions {
  action: string;
  fields: FieldSpec[];
  values: FormValues;
  errors?: Record<string, string>;
  /** Edit forms: the version the values were read at, and the values as loaded. */
  version?: number;
  base?: FormValues;
  submit: string;
  cancel?: string;
  id?: string;
  /** Extra markup inside the form, after the fields. */
  extra?: Html;
}

/** A whole form: CSRF token, version and base for edits, the fields, save and cancel. */
export function recordForm(ctx: PageContext, o: FormOptions): Html {
  const errors = o.errors ?? {};
  return html`${errorSummary(ctx, o.fields, errors)}
    <form method="post" action="${o.action}" class="card record-form"${o.id ? html` id="${o.id}"` : ''}>
      ${csrfField(ctx)}
      ${o.version !== undefined ? html`<input type="hidden" name="version" value="${o.version}" />` : ''}
      ${o.base ? html`<input type="hidden" name="_base" value="${encodeBase(o.base)}" />` : ''}
      ${o.fields.map((f) => renderField(f, o.values[f.name], errors[f.name]))}
      ${o.extra ?? ''}
      <p class="actions">
        <button class="primary" type="submit">${o.submit}</button>
        ${o.cancel ? html`<a class="button" href="${o.cancel}">${t(ctx.locale, 'cancel')}</a>` : ''}
      </p>
    </form>`;
}

const shown = (ctx: PageContext, f: FieldSpec, v: string | string[] | undefined): string => {
  const text = Array.isArray(v)
    ? v.map((x) => f.choices?.find((c) => c.value === x)?.label ?? x).join(', ')
    : f.type === 'checkbox'
      ? v === 'on'
        ? t(ctx.locale, 'yes')
        : t(ctx.locale, 'no')
      : (f.choices?.find((c) => c.value === v)?.label ?? v ?? '');
  return text === '' ? t(ctx.locale, 'empty') : text;
};

/**
 * After a lost race: per field, what it was when the form was opened, what the other person
 * saved since, and what this user typed — so it is plain which values are whose.
 */
export function conflictTable(
  ctx: PageContext,
  fields: FieldSpec[],
  base: FormValues,
  theirs: FormValues,
  yours: FormValues,
): Html {
  const rows = fields.filter(
    (f) => !same(theirs[f.name], base[f.name]) || !same(yours[f.name], base[f.name]),
  );
  return html`<div class="alert" role="alert" id="stale">
    <p><strong>${t(ctx.locale, 'staleTitle')}</strong></p>
    <p>${t(ctx.locale, 'conflictReapplyHelp')}</p>
    <div class="scroll">
      <table class="conflict">
        <thead>
          <tr>
            <th scope="col">${t(ctx.locale, 'conflictField')}</th>
            <th scope="col">${t(ctx.locale, 'conflictBase')}</th>
            <th scope="col">${t(ctx.locale, 'conflictTheirs')}</th>
            <th scope="col">${t(ctx.locale, 'conflictYours')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((f) => {
            const theirsChanged = !same(theirs[f.name], base[f.name]);
            const yoursChanged = !same(yours[f.name], base[f.name]);
            const clash = theirsChanged && yoursChanged && !same(theirs[f.name], yours[f.name]);
            return html`<tr data-field="${f.name}"${clash ? html` class="clash"` : ''}>
              <th scope="row">${f.label}${clash ? html` <span class="badge warn">${t(ctx.locale, 'conflictBoth')}</span>` : ''}</th>
              <td data-label="${t(ctx.locale, 'conflictBase')}">${shown(ctx, f, base[f.name])}</td>
              <td data-label="${t(ctx.locale, 'conflictTheirs')}" class="${theirsChanged ? 'theirs changed' : 'muted'}">${theirsChanged ? shown(ctx, f, theirs[f.name]) : t(ctx.locale, 'unchanged')}</td>
              <td data-label="${t(ctx.locale, 'conflictYours')}" class="${yoursChanged ? 'yours changed' : 'muted'}">${yoursChanged ? shown(ctx, f, yours[f.name]) : t(ctx.locale, 'unchanged')}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </div>`;
}

/**
 * The contact picker under a form (there are too many contacts for a select): a suggestion
 * picked becomes the contact chosen in the select `into`, or, without one, one more of the
 * contacts picked (public/app.js).
 */
export const contactPicker = (ctx: PageContext, into?: string): Html =>
  suggestBox({
    id: 'contact-search',
    results: 'suggestions',
    label: into ? t(ctx.locale, 'findContact') : t(ctx.locale, 'pickContacts'),
    url: '/contacts/suggest',
    into,
  });
