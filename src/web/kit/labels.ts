import { MAX_IDS } from '../../common/dto';
import type { NamesDto as Names } from '../../common/names';
import { WebApi } from './web-api';
import { WebUser } from '../../auth/browser-session';
import { isAgency } from '../../auth/permissions';
import { Choice, FieldSpec, searchTerm, Suggestion, suggestionItems } from './forms';
import { Html, html } from './html';
import type { PageContext } from './layout';
import { day } from './format';
import { Locale, t } from './i18n';
import { isUuid } from '../../common/ids';

type Kind =
  'companies' | 'partners' | 'contacts' | 'trips' | 'leads' | 'interactions' | 'agreements';

/** A record's name, read from the whole record (a kind without `GET /<kind>/names`). */
const nameOf = (record: Record<string, unknown>): string =>
  String(record.name ?? record.title ?? record.subject ?? '');

/** The kinds that answer `GET /<kind>/names?ids=`: their names come in one call per page. */
const NAMED_BY_IDS = new Set<Kind>(['companies', 'partners', 'contacts', 'trips']);
/** As many ids as the API's `?ids=` take at once. */
const IDS_PER_CALL = MAX_IDS;

/** Ids in groups the API's `?ids=` takes. */
function chunksOf(ids: string[]): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) chunks.push(ids.slice(i, i + IDS_PER_CALL));
  return chunks;
}

/**
 * Names for the ids a page shows (a contact's company, a lead's partner), fetched for those ids
 * only and each once per page view, within the user's own scope: what the user may not see
 * stays unnamed. Where the kind answers `GET /<kind>/names`, one call names them all (its id and
 * name, not the records); otherwise one record's read per id.
 */
export class Labels {
  private readonly names = new Map<string, string>();

  constructor(
    private readonly api: WebApi,
    private readonly user: WebUser,
  ) {}

  async load(kind: Kind, ids: (string | null | undefined)[]): Promise<this> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id && !this.names.has(id)))];
    if (wanted.length === 0) return this;
    if (NAMED_BY_IDS.has(kind)) {
      await Promise.all(
        chunksOf(wanted).map(async (chunk) => {
          const answer = await this.api.call<Names>(
            this.user,
            'GET',
            `/api/v1/${kind}/names?ids=${chunk.join(',')}`,
          );
          if (answer.status !== 200) return;
          for (const { id, name } of answer.body.items) this.names.set(id, name);
        }),
      );
      return this;
    }
    await Promise.all(
      wanted.map(async (id) => {
        const answer = await this.api.call<Record<string, unknown>>(
          this.user,
          'GET',
          `/api/v1/${kind}/${id}`,
        );
        if (answer.status === 200) this.names.set(id, nameOf(answer.body));
      }),
    );
    return this;
  }

  get(id: string | null | undefined): string {
    return (id && this.names.get(id)) || '';
  }
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  role: string;
}

/**
 * The active admin and staff users, for owner and assignee pickers and their names; nothing for
 * a company user, who may not ask (403), nor where the API answers otherwise.
 */
export async function directory(api: WebApi, user: WebUser): Promise<DirectoryUser[]> {
  if (!isAgency(user)) return [];
  const answer = await api.call<{ items: DirectoryUser[] }>(
    user,
    'GET',
    '/api/v1/users/directory?limit=200',
  );
  return answer.status === 200 ? answer.body.items : [];
}

/** How many trips a trip filter or field offers unless told: the latest. */
export const TRIP_CHOICES = 50;

/** The choices of a field of records, and whether the user sees more than the first offered. */
export type RecordChoices = Choice[] & { more: boolean };

/**
 * The records of a kind a field or a filter offers: the first `limit` the user sees (by name; a
 * dated kind's latest; `more` when there are others: a search box finds them), then those of
 * `current` (the value a record, a link or a posted form has) that are not among them, each by
 * its name — so that a chosen one stays shown and named however many the agency has. Their
 * names (`GET /<kind>/names`), not the records. A current id the names do not give (a record
 * since deleted, or one the user may not see) stays offered as `…`, so that an edit does not
 * clear it unasked; a current id is offered as it was written, so that the select shows it
 * chosen.
 */
export async function recordChoices(
  api: WebApi,
  user: WebUser,
  kind: 'companies' | 'partners' | 'trips',
  current: unknown[] = [],
  limit: number = MAX_IDS,
  label: (item: Names['items'][number]) => string = (item) => item.name,
): Promise<RecordChoices> {
  const first = await api.call<Names>(user, 'GET', `/api/v1/${kind}/names?limit=${limit}`);
  const items = first.status === 200 ? first.body.items : [];
  const written = new Map(current.filter(isUuid).map((id) => [id.toLowerCase(), id]));
  const missing = [...written.keys()].filter((id) => !items.some((item) => item.id === id));
  for (const named of await Promise.all(
    chunksOf(missing).map((chunk) =>
      api.call<Names>(user, 'GET', `/api/v1/${kind}/names?ids=${chunk.join(',')}`),
    ),
  ))
    if (named.status === 200) items.push(...named.body.items);
  const choices = items.map((item) => ({
    value: written.get(item.id) ?? item.id,
    label: label(item),
  }));
  for (const id of missing)
    if (!items.some((item) => item.id === id))
      choices.push({ value: written.get(id)!, label: '…' });
  return Object.assign(choices, { more: first.status === 200 && first.body.more });
}

/**
 * The trips a filter or a field offers, each with its first day (`China 2019 (20.10.2019)`): the
 * latest `limit` the user sees, and the chosen one when it is older (recordChoices).
 */
export const tripChoices = (
  api: WebApi,
  user: WebUser,
  locale: Locale,
  current: unknown[] = [],
  limit = TRIP_CHOICES,
): Promise<RecordChoices> =>
  recordChoices(api, user, 'trips', current, limit, (trip) =>
    tripLabel(trip.name, trip.day, locale),
  );

/** A partner's choice shows its name in its own script too: `Qingdao Port (青岛港)`. */
const withOther = (item: Names['items'][number]): string =>
  item.other ? `${item.name} (${item.other})` : item.name;

/** The partners a field or a filter offers (recordChoices), each with its name in its own script. */
export const partnerChoices = (
  api: WebApi,
  user: WebUser,
  current: unknown[] = [],
): Promise<RecordChoices> => recordChoices(api, user, 'partners', current, MAX_IDS, withOther);

/** How many suggestions a search box of records shows. */
const SUGGESTIONS = 8;

/** A record of a list of the API, as far as a suggestion shows it. */
interface Found {
  id: string;
  name?: string;
  title?: string;
  nativeName?: string | null;
  city?: string | null;
  startsOn?: string | null;
}

/** A trip as its field offers it: `China 2019 (20.10.2019)`. */
const tripLabel = (name: string, first: string | null | undefined, locale: Locale): string =>
  first ? `${name} (${day(first, locale)})` : name;

/** The kinds a field's search box finds, and how a suggestion shows one of them. */
const SUGGESTED: Record<
  'companies' | 'partners' | 'leads' | 'agreements' | 'trips',
  { label: (r: Found, locale: Locale) => string; detail: (r: Found) => string | null | undefined }
> = {
  companies: { label: (r) => r.name ?? '', detail: (r) => r.city },
  partners: {
    label: (r) => withOther({ id: r.id, name: r.name ?? '', other: r.nativeName ?? '' }),
    detail: (r) => r.city,
  },
  leads: { label: (r) => r.title ?? '', detail: () => null },
  agreements: { label: (r) => r.title ?? '', detail: () => null },
  // As the field offers it, so that a trip picked reads as those offered.
  trips: { label: (r, locale) => tripLabel(r.title ?? '', r.startsOn, locale), detail: () => null },
};
export type Suggested = keyof typeof SUGGESTED;

/**
 * The records of a kind the list's search finds for `q` (part of a name or title; a company's or
 * partner's in any script), as suggestions of a search box: the first few in the list's order,
 * a company or partner with its city, a partner with its name in its own script. `prefix` goes
 * before each id (`company:` for an organisation select). None where the user may not read the
 * kind; only what the user may see otherwise.
 */
async function recordSuggestions(
  api: WebApi,
  ctx: PageContext,
  kind: Suggested,
  q: string,
  prefix = '',
): Promise<Suggestion[]> {
  const user = ctx.user!;
  const answer = await api.call<{ items: Found[] }>(
    user,
    'GET',
    `/api/v1/${kind}?${new URLSearchParams({ q, limit: String(SUGGESTIONS) })}`,
  );
  if (answer.status !== 200) return [];
  const shown = SUGGESTED[kind];
  return answer.body.items.map((r) => ({
    value: `${prefix}${r.id}`,
    label: shown.label(r, ctx.locale),
    detail: shown.detail(r) ?? undefined,
  }));
}

/**
 * The fragment of a field's search box (FieldSpec.find) for what it sent (`?q=`): records of one
 * kind, or companies and partners together (an organisation select's, their values prefixed
 * `company:` and `partner:`); nothing for an empty box.
 */
export async function recordSuggestionsFragment(
  api: WebApi,
  ctx: PageContext,
  kind: Suggested | 'organisations',
  term: unknown,
): Promise<Html> {
  const q = searchTerm(term);
  if (q === '') return html``;
  const found =
    kind === 'organisations'
      ? (
          await Promise.all([
            recordSuggestions(api, ctx, 'companies', q, 'company:'),
            recordSuggestions(api, ctx, 'partners', q, 'partner:'),
          ])
        ).flat()
      : await recordSuggestions(api, ctx, kind, q);
  return suggestionItems(ctx.locale, found);
}

const FIND_WORDS = {
  companies: 'findCompany',
  partners: 'findPartner',
  organisations: 'findOrganisation',
  leads: 'findLead',
  agreements: 'findAgreement',
  trips: 'findTrip',
} as const;

/**
 * A field of records (companies, partners, organisations — both —, leads, agreements, trips)
 * that offers only the first of them gets a search box finding the others (FieldSpec.find); one
 * that offers them all, none.
 */
export function findMore(
  locale: Locale,
  kind: keyof typeof FIND_WORDS,
  more: boolean,
): FieldSpec['find'] {
  if (!more) return undefined;
  return {
    url: kind === 'organisations' ? '/contacts/organisations/suggest' : `/${kind}/suggest`,
    label: t(locale, FIND_WORDS[kind]),
  };
}
