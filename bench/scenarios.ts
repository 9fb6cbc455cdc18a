import type { Client } from 'pg';
import { BENCH_PASSWORD, LOGINS } from './generate';
import type { HttpRequest } from './measure';

/** What the scenarios point at, found in the generated data after it is loaded. */
export interface Fixtures {
  companyId: string;
  timelineContactId: string;
  timelineEntries: number;
  bigTripId: string;
  bigTripAppointments: number;
  smallTripId: string;
  smallTripAppointments: number;
  pinyinTerm: string;
  /** Family name and the initial of the given name, as people type them ("wang f"). */
  initialTerm: string;
  /** A common Chinese family name alone, in pinyin (e.g. "zhang"). */
  surnameTerm: string;
  latinTerm: string;
  email: string;
  /** Live contacts and companies the created interactions rotate through. */
  contactIds: string[];
  companyIds: string[];
  /** Agency accounts the login scenario rotates through (same password). */
  loginEmails: string[];
}

export async function findFixtures(client: Client): Promise<Fixtures> {
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => {
    const { rows } = await client.query(sql, params);
    if (!rows[0]) throw new Error(`no fixture for: ${sql}`);
    return rows[0] as T;
  };
  const company = await one<{ company_id: string }>(
    'SELECT company_id FROM users WHERE email = $1',
    [LOGINS.company],
  );
  const timeline = await one<{ contact_id: string; entries: number }>(
    `SELECT ic.contact_id, count(*)::int AS entries
     FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id AND c.deleted_at IS NULL
     GROUP BY ic.contact_id ORDER BY 2 DESC, 1 LIMIT 1`,
  );
  const trips = (
    await client.query<{ trip_id: string; appointments: number }>(
      `SELECT trip_id, count(*)::int AS appointments FROM appointments WHERE deleted_at IS NULL
       GROUP BY trip_id ORDER BY 2 DESC, 1`,
    )
  ).rows;
  // "wang fang" when 王芳 is among the contacts (it is at full size); otherwise the commonest
  // Chinese name, so that a small dataset still has someone to find by pinyin.
  const chinese = await one<{ family_name: string; given_name: string }>(
    `SELECT family_name, given_name FROM contacts
     WHERE native_name IS NOT NULL AND deleted_at IS NULL
     GROUP BY family_name, given_name, native_name
     ORDER BY (native_name = '王芳') DESC, count(*) DESC, native_name LIMIT 1`,
  );
  const surname = await one<{ term: string }>(
    `SELECT lower(family_name) AS term FROM contacts
     WHERE native_name IS NOT NULL AND deleted_at IS NULL
     GROUP BY 1 ORDER BY (lower(family_name) = 'zhang') DESC, count(*) DESC, 1 LIMIT 1`,
  );
  const email = await one<{ email: string }>(
    `SELECT c.email FROM contacts c
     WHERE c.email IS NOT NULL AND c.deleted_at IS NULL
       AND (SELECT count(*) FROM contacts d WHERE d.email = c.email) = 1
     ORDER BY c.id LIMIT 1`,
  );
  const contactIds = (
    await client.query<{ id: string }>(
      'SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY id LIMIT 1000',
    )
  ).rows.map((r) => r.id);
  const companyIds = (
    await client.query<{ id: string }>(
      'SELECT id FROM companies WHERE deleted_at IS NULL ORDER BY id LIMIT 100',
    )
  ).rows.map((r) => r.id);
  const loginEmails = (
    await client.query<{ email: string }>(
      `SELECT email FROM users WHERE role = 'staff' AND active ORDER BY email`,
    )
  ).rows.map((r) => r.email);
  return {
    companyId: company.company_id,
    timelineContactId: timeline.contact_id,
    timelineEntries: timeline.entries,
    bigTripId: trips[0].trip_id,
    bigTripAppointments: trips[0].appointments,
    smallTripId: trips[trips.length - 1].trip_id,
    smallTripAppointments: trips[trips.length - 1].appointments,
    pinyinTerm: `${chinese.family_name} ${chinese.given_name}`.toLowerCase(),
    surnameTerm: surname.term,
    initialTerm: `${chinese.family_name} ${chinese.given_name.slice(0, 1)}`.toLowerCase(),
    latinTerm: 'schmi',
    email: email.email,
    contactIds,
    companyIds,
    loginEmails,
  };
}

export interface Tokens {
  staff: string;
  company: string;
  /** The web pages' session cookies (the `Cookie` header), signed in through the /login form. */
  pages: { staff: string; company: string };
}

/** API tokens and page sessions of the staff and the company user. */
export async function signIn(baseUrl: string): Promise<Tokens> {
  return {
    staff: await login(baseUrl, LOGINS.staff),
    company: await login(baseUrl, LOGINS.company),
    pages: {
      staff: await pageLogin(baseUrl, LOGINS.staff),
      company: await pageLogin(baseUrl, LOGINS.company),
    },
  };
}

/**
 * The sign-in form as a browser sends it: its CSRF token and cookie from GET /login, then the
 * form post; answers the cookies a browser keeps (the session's among them).
 */
export async function pageLogin(baseUrl: string, email: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const set of response.headers.getSetCookie()) {
      const pair = set.split(';')[0];
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
  keep(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!csrf) throw new Error(`no CSRF token on the sign-in form (${form.status})`);
  const answer = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ _csrf: csrf, next: '/', email, password: BENCH_PASSWORD }),
  });
  keep(answer);
  await answer.text();
  if (answer.status !== 303 || !cookies.has('liaison_session'))
    throw new Error(`signing in to the pages as ${email} answered ${answer.status}`);
  return header();
}

export async function login(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200) {
    throw new Error(`login as ${email} answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { accessToken: string }).accessToken;
}

export type ScenarioKind = 'list' | 'search' | 'read' | 'write' | 'login' | 'page';

/** A request the bench loads the app with, and how its statements are counted. */
export interface Scenario {
  name: string;
  title: string;
  kind: ScenarioKind;
  /** The request as loaded; `variants` are the same request at other sizes, for the SQL count. */
  request: (tokens: Tokens) => HttpRequest;
  variants: { label: string; request: (tokens: Tokens) => HttpRequest }[];
  /** What a good answer looks like (checked once before the load). */
  check?: (status: number, body: string) => string | undefined;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const get = (path: string, token: string): HttpRequest => ({
  method: 'GET',
  path,
  headers: bearer(token),
});
const withLimit = (path: string, limit: number) =>
  `${path}${path.includes('?') ? '&' : '?'}limit=${limit}`;

/** A JSON page that has at least `min` items. */
const hasItems =
  (min: number) =>
  (status: number, body: string): string | undefined => {
    if (status !== 200) return `status ${status}: ${body.slice(0, 300)}`;
    const items = (JSON.parse(body) as { items?: unknown[] }).items;
    if (!Array.isArray(items) || items.length < min)
      return `expected ≥ ${min} items, got ${items?.length}`;
    return undefined;
  };

/**
 * The light reads: little SQL per request (some 0.3 ms), so the app's own work — the access
 * check and the rate limits among it — is most of their cost, and shows most in their figures.
 */
export const LIGHT_READS = ['contacts-page-1', 'leads-company', 'timeline', 'itinerary'];

export function scenarios(f: Fixtures & { deepCursor: string }): Scenario[] {
  const list = (
    name: string,
    title: string,
    kind: ScenarioKind,
    path: string,
    token: 'staff' | 'company',
    min = 1,
  ): Scenario => ({
    name,
    title,
    kind,
    request: (t) => get(path, t[token]),
    variants: [10, 100].map((limit) => ({
      label: `limit=${limit}`,
      request: (t: Tokens) => get(withLimit(path, limit), t[token]),
    })),
    check: hasItems(min),
  });
  /**
   * A web page as a signed-in browser loads it, with the encodings a browser accepts (server
   * time; no SQL limit to compare).
   */
  const page = (name: string, title: string, path: string, who: 'staff' | 'company'): Scenario => ({
    name,
    title,
    kind: 'page',
    request: (t) => ({
      method: 'GET',
      path,
      headers: { cookie: t.pages[who], 'accept-encoding': 'gzip, deflate, br, zstd' },
    }),
    variants: [],
    check: (status, body) =>
      status === 200 && body.includes('</html>')
        ? undefined
        : `status ${status}: ${body.slice(0, 300)}`,
  });
  const q = (term: string) => `/api/v1/contacts?q=${encodeURIComponent(term)}`;
  let contact = 0;
  let loginIndex = 0;
  return [
    list('contacts-page-1', 'Contacts list, page 1', 'list', '/api/v1/contacts', 'staff', 10),
    list(
      'contacts-deep',
      'Contacts list, cursor ~5,000 rows deep',
      'list',
      `/api/v1/contacts?cursor=${f.deepCursor}`,
      'staff',
      10,
    ),
    list(
      'search-pinyin',
      `Contact search by pinyin "${f.pinyinTerm}"`,
      'search',
      q(f.pinyinTerm),
      'staff',
    ),
    list(
      'search-initial',
      `Contact search by family name and initial "${f.initialTerm}"`,
      'search',
      q(f.initialTerm),
      'staff',
    ),
    list(
      'search-surname',
      `Contact search by a family name in pinyin "${f.surnameTerm}"`,
      'search',
      q(f.surnameTerm),
      'staff',
    ),
    list(
      'search-latin',
      `Contact search by part of a name "${f.latinTerm}"`,
      'search',
      q(f.latinTerm),
      'staff',
    ),
    list('search-email', 'Contact search by email', 'search', q(f.email), 'staff'),
    {
      name: 'search-box',
      title: `Search box (contacts, companies, partners, leads) "${f.surnameTerm}"`,
      kind: 'search',
      request: (t) => get(`/api/v1/search?q=${encodeURIComponent(f.surnameTerm)}`, t.staff),
      variants: [10, 50].map((limit) => ({
        label: `limit=${limit}`,
        request: (t: Tokens) =>
          get(`/api/v1/search?q=${encodeURIComponent(f.surnameTerm)}&limit=${limit}`, t.staff),
      })),
      check: (status, body) => {
        if (status !== 200) return `status ${status}: ${body.slice(0, 300)}`;
        const hits = (JSON.parse(body) as { contacts?: unknown[] }).contacts;
        return Array.isArray(hits) && hits.length > 0 ? undefined : 'no contact found';
      },
    },
    list('leads-company', 'Leads list as a company user', 'list', '/api/v1/leads', 'company', 10),
    list(
      'timeline',
      `Contact timeline (${f.timelineEntries} interactions)`,
      'list',
      `/api/v1/contacts/${f.timelineContactId}/timeline`,
      'staff',
      10,
    ),
    {
      name: 'itinerary',
      title: `Trip itinerary .ics (${f.bigTripAppointments} appointments)`,
      kind: 'read',
      request: (t) => get(`/api/v1/trips/${f.bigTripId}/itinerary.ics`, t.staff),
      variants: [
        {
          label: `${f.smallTripAppointments} appointments`,
          request: (t) => get(`/api/v1/trips/${f.smallTripId}/itinerary.ics`, t.staff),
        },
      ],
      check: (status, body) =>
        status === 200 && body.includes('BEGIN:VEVENT')
          ? undefined
          : `status ${status}: ${body.slice(0, 300)}`,
    },
    page('page-dashboard', 'Page: dashboard (staff)', '/', 'staff'),
    page('page-dashboard-company', 'Page: company portal (company user)', '/', 'company'),
    page('page-contacts', 'Page: contacts list (staff)', '/contacts', 'staff'),
    page('page-contacts-company', 'Page: contacts list (company user)', '/contacts', 'company'),
    page('page-leads', 'Page: leads board (staff)', '/leads', 'staff'),
    page('page-leads-company', 'Page: leads board (company user)', '/leads', 'company'),
    page(
      'page-trip',
      `Page: trip (${f.bigTripAppointments} appointments, staff)`,
      `/trips/${f.bigTripId}`,
      'staff',
    ),
    page(
      'page-company',
      `Page: the company with the most leads (staff)`,
      `/companies/${f.companyId}`,
      'staff',
    ),
    page(
      'page-contact-edit',
      "Page: a contact's edit form (staff)",
      `/contacts/${f.timelineContactId}/edit`,
      'staff',
    ),
    page(
      'page-company-own',
      'Page: its own company (company user)',
      `/companies/${f.companyId}`,
      'company',
    ),
    {
      name: 'create-interaction',
      title: 'Create an interaction (2 contacts, 1 company; audit event)',
      kind: 'write',
      request: (t) => ({
        method: 'POST',
        path: '/api/v1/interactions',
        headers: { ...bearer(t.staff), 'content-type': 'application/json' },
        body: () => {
          const n = contact++;
          return JSON.stringify({
            occurredAt: '2026-10-21T10:30:00+08:00',
            kind: 'meeting',
            subject: 'Gespräch über Kooperation im Technologiepark',
            summary: 'Benchmark: a logged encounter with two contacts and a local company.',
            location: 'Beijing',
            contactIds: [
              f.contactIds[n % f.contactIds.length],
              f.contactIds[(n + 1) % f.contactIds.length],
            ],
            companyIds: [f.companyIds[n % f.companyIds.length]],
          });
        },
      }),
      variants: [],
      check: (status, body) =>
        status === 201 ? undefined : `status ${status}: ${body.slice(0, 300)}`,
    },
    {
      name: 'login',
      title: 'Login (argon2id, session, audit event)',
      kind: 'login',
      request: () => ({
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body: () =>
          JSON.stringify({
            email: f.loginEmails[loginIndex++ % f.loginEmails.length],
            password: BENCH_PASSWORD,
          }),
      }),
      variants: [],
      check: (status, body) =>
        status === 200 ? undefined : `status ${status}: ${body.slice(0, 300)}`,
    },
  ];
}

/** Send one request (outside the load), for checks and for counting statements. */
export async function send(
  baseUrl: string,
  request: HttpRequest,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body?.(),
  });
  return { status: response.status, body: await response.text() };
}

/** Walks the contacts list to a cursor about `depth` rows deep (never OFFSET: the app's own cursors). */
export async function deepCursor(
  baseUrl: string,
  token: string,
  depth: number,
): Promise<{ cursor: string; rows: number }> {
  let cursor: string | undefined;
  let rows = 0;
  while (rows < depth) {
    const path = `/api/v1/contacts?limit=200${cursor ? `&cursor=${cursor}` : ''}`;
    const { status, body } = await send(baseUrl, get(path, token));
    if (status !== 200) throw new Error(`walking the contacts answered ${status}: ${body}`);
    const page = JSON.parse(body) as { items: unknown[]; nextCursor: string | null };
    if (!page.nextCursor) break;
    rows += page.items.length;
    cursor = page.nextCursor;
  }
  if (!cursor) throw new Error('the contacts list has a single page; no deep cursor');
  return { cursor, rows };
}
