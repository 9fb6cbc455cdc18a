/**
 * What the page tests share: the page routes (from the routes CLI), which of them are walked, how
 * to fill their ids from the demo data for each demo user, and the status each user should get
 * from the permission table. The browser walk (test/browser/pages.e2e-spec.ts) and the HTTP smoke
 * test (test/pages-smoke.e2e-spec.ts) both plan their pages with it.
 */
import { execFileSync } from 'node:child_process';
import type { Pool } from 'pg';
import { Action, can, Role } from '../../src/auth/permissions';
import { TEST_JWT_SECRET } from './app';

/** Fewer checked pages than this for a role means the walk went wrong, not that pages are fine. */
export const MIN_PAGES: Record<Role, number> = { admin: 20, staff: 20, viewer: 14, company: 10 };

/** The demo's logins (src/demo), one or more per role; all share DEMO_PASSWORD. */
export const USERS: { name: string; email: string; role: Role }[] = [
  { name: 'admin', email: 'admin@liaison.test', role: 'admin' },
  { name: 'staff', email: 'staff@liaison.test', role: 'staff' },
  { name: 'viewer', email: 'viewer@liaison.test', role: 'viewer' },
  { name: 'dovo', email: 'dovo@liaison.test', role: 'company' },
  { name: 'zwilling', email: 'zwilling@liaison.test', role: 'company' },
];
export const DEMO_PASSWORD = 'liaison-demo';

// ---------------------------------------------------------------------------- routes and ids

export interface Route {
  method: string;
  path: string;
  handler: string;
  access?: { public: true } | { action: string };
}

/** Page routes that are not pages to walk, each with the reason. */
export const NOT_WALKED: Record<string, string> = {
  '/admin/audit/export': 'a download (the audit log as CSV)',
  '/contacts/suggest': 'an htmx fragment (the contact picker of /log)',
  '/contacts/organisations/suggest': 'an htmx fragment (an organisation field’s search box)',
  '/companies/suggest': 'an htmx fragment (a company field’s search box)',
  '/partners/suggest': 'an htmx fragment (a partner field’s search box)',
  '/leads/suggest': 'an htmx fragment (a lead field’s search box)',
  '/agreements/suggest': 'an htmx fragment (an agreement field’s search box)',
  '/trips/suggest': 'an htmx fragment (a trip field’s search box)',
  '/interactions/appointment-options': 'an htmx fragment (the appointments of the trip chosen)',
  '/search/suggest': 'an htmx fragment (the results of the header’s search box)',
  '/trips/:id/itinerary.ics': 'a download, checked on its own below',
  '/contacts/:id/vcard': 'a download (a vCard), test/browser/exports.e2e-spec.ts',
  '/contacts/:id/personal-data/json':
    'a download (the access export as JSON), test/browser/privacy.e2e-spec.ts',
  ...Object.fromEntries(
    [
      'companies',
      'partners',
      'contacts',
      'interactions',
      'follow-ups',
      'leads',
      'agreements',
      'trips',
      'users',
    ].map((kind) => [
      `/${kind}/export`,
      'a download of the list, test/browser/exports.e2e-spec.ts',
    ]),
  ),

  '/trips/:id/participants/:pid': "redirects to the delegate's row on the trip's page",
  '/trips/:id/appointments/:aid': "redirects to the appointment in the trip's itinerary",
  '/logout': 'sign-out',
  '/sw.js': 'the service worker’s script, test/browser/offline.e2e-spec.ts',
  '/manifest.webmanifest': 'the web app manifest (JSON), test/browser/offline.e2e-spec.ts',
  '/admin/outbox/:id/html': "a mail's own HTML, the sandboxed frame of /admin/outbox/:id",
  '/notifications/:id/open': 'marks a notification read and redirects to its record',
  '/unsubscribe/:token': 'reached from a mail, signed out (test/notifications.e2e-spec.ts)',
  '/contacts/:id/merge/:otherId': 'needs a pair: test/browser/duplicates.e2e-spec.ts (axe, 390 px)',
  '/companies/:id/merge/:otherId': 'needs a pair: test/browser/duplicates.e2e-spec.ts',
  '/partners/:id/merge/:otherId': 'needs a pair: test/browser/duplicates.e2e-spec.ts',
  '/imports/:id':
    'the demo data holds no import; test/browser/imports.e2e-spec.ts walks every step of one',
  '/imports/:id/failed.csv': 'a download, checked in test/browser/imports.e2e-spec.ts',
  '/scans/:id':
    'the demo data holds no card scan; test/browser/card-scan.e2e-spec.ts takes one from /scan to the contact (390 px)',
  '/scans/:id/photo/:side': 'a photo (image/png, …) of a scan, test/card-scans.e2e-spec.ts',
  '/contacts/:id/card/:side': "a photo of a contact's card, test/browser/card-scan.e2e-spec.ts",
  '/login/mfa':
    'the second step of a sign-in, only with one pending: test/browser/mfa.e2e-spec.ts (axe, 390 px)',
};
/** Walked without a session (signed in, they redirect). */
export const SIGNED_OUT: readonly string[] = ['/login'];

export interface Who {
  role: Role;
  userId: string;
  companyId: string | null;
}

/**
 * How to fill a route parameter, by the path segment before it: an id of that kind the caller may
 * see (a company user: of its own company's leads, trips …), preferring records with much to
 * show; undefined when there is none. A page route with a parameter not listed here fails the walk.
 */
export const ID_RECIPES: Record<string, (db: Pool, who: Who) => Promise<string | undefined>> = {
  'outbox/:id': (db) =>
    first(db, `SELECT id FROM mails ORDER BY created_at DESC, id DESC LIMIT 1`, []),
  'contacts/:id': (db, who) =>
    first(
      db,
      who.role === 'company'
        ? `SELECT c.id FROM contacts c
           WHERE c.deleted_at IS NULL AND EXISTS (SELECT 1 FROM leads l
             WHERE l.contact_id = c.id AND l.company_id = $1 AND l.deleted_at IS NULL)
           ORDER BY c.created_at, c.id LIMIT 1`
        : `SELECT c.id FROM contacts c WHERE c.deleted_at IS NULL
           ORDER BY (SELECT count(*) FROM interaction_contacts ic WHERE ic.contact_id = c.id)
                  + (SELECT count(*) FROM leads l WHERE l.contact_id = c.id)
                  + (SELECT count(*) FROM follow_ups f WHERE f.contact_id = c.id) DESC,
                  c.created_at, c.id LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
  'companies/:id': (db, who) =>
    first(
      db,
      who.role === 'company'
        ? `SELECT id FROM companies WHERE id = $1 AND deleted_at IS NULL`
        : `SELECT id FROM companies WHERE deleted_at IS NULL
           ORDER BY cardinality(branch_countries) DESC, created_at, id LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
  'partners/:id': (db, who) =>
    first(
      db,
      who.role === 'company'
        ? `SELECT p.id FROM partners p
           WHERE p.deleted_at IS NULL AND EXISTS (SELECT 1 FROM leads l
             WHERE l.partner_id = p.id AND l.company_id = $1 AND l.deleted_at IS NULL)
           ORDER BY p.created_at, p.id LIMIT 1`
        : `SELECT p.id FROM partners p WHERE p.deleted_at IS NULL
           ORDER BY (SELECT count(*) FROM contacts c WHERE c.partner_id = p.id) DESC,
                    p.created_at, p.id LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
  'interactions/:id': (db, who) =>
    who.role === 'company'
      ? Promise.resolve(undefined) // a company user sees no interactions
      : first(
          db,
          `SELECT i.id FROM interactions i WHERE i.deleted_at IS NULL AND ($1 OR NOT i.confidential)
           ORDER BY (i.trip_id IS NOT NULL) DESC,
                    (SELECT count(*) FROM interaction_contacts ic WHERE ic.interaction_id = i.id) DESC,
                    i.created_at, i.id LIMIT 1`,
          [can(who.role, 'interaction:read-confidential')],
        ),
  'follow-ups/:id': (db, who) =>
    first(
      db,
      `SELECT f.id FROM follow_ups f WHERE f.deleted_at IS NULL
         ${who.role === 'company' ? 'AND (f.company_id = $1 OR f.assignee_id = $2)' : ''}
       ORDER BY (f.status = 'open') DESC, (f.lead_id IS NOT NULL) DESC,
                (f.contact_id IS NOT NULL) DESC, f.created_at, f.id LIMIT 1`,
      who.role === 'company' ? [who.companyId, who.userId] : [],
    ),
  'leads/:id': (db, who) =>
    first(
      db,
      `SELECT l.id FROM leads l WHERE l.deleted_at IS NULL
         ${who.role === 'company' ? 'AND l.company_id = $1' : ''}
       ORDER BY (SELECT count(*) FROM lead_notes n WHERE n.lead_id = l.id) DESC, l.created_at, l.id
       LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
  'trips/:id': (db, who) =>
    first(
      db,
      `SELECT t.id FROM trips t WHERE t.deleted_at IS NULL
         ${
           who.role === 'company'
             ? `AND EXISTS (SELECT 1 FROM participants p
                  WHERE p.trip_id = t.id AND p.company_id = $1 AND p.deleted_at IS NULL)`
             : ''
         }
       ORDER BY (t.title ILIKE '%China%') DESC, t.starts_on DESC, t.id LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
  // The signed agreement at an appointment of a trip, with signatories: every fact filled in.
  'agreements/:id': (db) =>
    first(
      db,
      `SELECT g.id FROM agreements g WHERE g.deleted_at IS NULL
       ORDER BY (g.appointment_id IS NOT NULL) DESC, cardinality(g.signatories) DESC,
                g.created_at, g.id LIMIT 1`,
      [],
    ),
  // A company user: its company is named on the page.
  'users/:id': (db) =>
    first(
      db,
      `SELECT id FROM users ORDER BY (company_id IS NOT NULL) DESC, created_at, id LIMIT 1`,
      [],
    ),
  // A delegate and an appointment of the trip `trips/:id` picks (a company user: its own).
  'participants/:pid': (db, who) =>
    first(
      db,
      `SELECT p.id FROM participants p JOIN trips t ON t.id = p.trip_id
       WHERE p.deleted_at IS NULL AND t.deleted_at IS NULL
         ${who.role === 'company' ? 'AND p.company_id = $1' : ''}
       ORDER BY (t.title ILIKE '%China%') DESC, t.starts_on DESC, t.id, p.created_at, p.id LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
  'appointments/:aid': (db, who) =>
    first(
      db,
      `SELECT a.id FROM appointments a JOIN trips t ON t.id = a.trip_id
       WHERE a.deleted_at IS NULL AND t.deleted_at IS NULL
         ${
           who.role === 'company'
             ? `AND NOT a.restricted AND EXISTS (SELECT 1 FROM participants p
                  WHERE p.trip_id = t.id AND p.company_id = $1 AND p.deleted_at IS NULL)`
             : ''
         }
       ORDER BY (t.title ILIKE '%China%') DESC, t.starts_on DESC, t.id,
                (SELECT count(*) FROM appointment_attendees aa WHERE aa.appointment_id = a.id) DESC,
                a.starts_at, a.id LIMIT 1`,
      who.role === 'company' ? [who.companyId] : [],
    ),
};

async function first(db: Pool, sql: string, params: unknown[]): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(sql, params);
  return rows[0]?.id;
}

/** Every route of the app, as the routes CLI lists them (needs the build: dist/cli.js). */
export function listRoutes(databaseUrl: string): Route[] {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'routes'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
    },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Route[];
}

/**
 * The GET routes of the web pages (not the API, health, assets or calendar feeds), fragments
 * included.
 */
export const pageRoutes = (routes: Route[]): Route[] =>
  routes.filter(
    (r) =>
      r.method === 'GET' &&
      !r.path.startsWith('/api') &&
      !r.path.startsWith('/health') &&
      !r.path.startsWith('/assets') &&
      !r.path.startsWith('/calendar/'),
  );

/** The parameters of a path that ID_RECIPES cannot fill (`contacts/:id` …). */
export const unfilled = (path: string): string[] =>
  path
    .split('/')
    .map((seg, i, segs) => (seg.startsWith(':') ? `${segs[i - 1]}/${seg}` : ''))
    .filter((key) => key && !(key in ID_RECIPES));

/**
 * Each parameter of a page route to walk that no recipe fills, as `{ path, key }`: a problem of
 * both walks (nobody adds a page they cannot reach), and the route is left out.
 */
export const missingRecipes = (routes: Route[]): { path: string; key: string }[] =>
  pageRoutes(routes)
    .filter((r) => !(r.path in NOT_WALKED))
    .flatMap((r) => unfilled(r.path).map((key) => ({ path: r.path, key })));

/** The page routes to walk: not in NOT_WALKED, and every parameter has a recipe. */
export const walkedRoutes = (routes: Route[]): Route[] =>
  pageRoutes(routes).filter((r) => !(r.path in NOT_WALKED) && unfilled(r.path).length === 0);

/** The demo user of an email, as the id recipes need them. */
export async function whoIs(db: Pool, user: { email: string; role: Role }): Promise<Who> {
  const { rows } = await db.query<{ id: string; company_id: string | null }>(
    'SELECT id, company_id FROM users WHERE email = $1',
    [user.email],
  );
  if (!rows[0]) throw new Error(`the demo data has no user ${user.email}`);
  return { role: user.role, userId: rows[0].id, companyId: rows[0].company_id };
}

/** The agency's view of the data: ids of any record, for users who have none in scope. */
export const AGENCY: Who = { role: 'admin', userId: '', companyId: null };

/** Fills a route's ids from what `who` may see, else from any record (inScope false). */
export async function fillIds(
  db: Pool,
  path: string,
  who: Who,
): Promise<{ url: string; inScope: boolean }> {
  let url = path;
  let inScope = true;
  const segments = path.split('/');
  for (const [i, seg] of segments.entries()) {
    if (!seg.startsWith(':')) continue;
    const key = `${segments[i - 1]}/${seg}`;
    const own = await ID_RECIPES[key](db, who);
    const any = own ?? (await ID_RECIPES[key](db, AGENCY));
    if (!any) throw new Error(`the demo data has no record for ${key}`);
    if (!own) inScope = false;
    url = url.replace(seg, any);
  }
  return { url, inScope };
}

export interface PlannedPage {
  route: string;
  url: string;
  /** 200; 403 when the role may not; 404 when it may but nothing of the kind is the user's. */
  expected: number;
  /** Why the expected status is a refusal (' (viewer may not lead:write)'), or ''. */
  note: string;
}

/** The URL and the expected answer of each walked route for a signed-in user. */
export async function planPages(db: Pool, walked: Route[], who: Who): Promise<PlannedPage[]> {
  const plan: PlannedPage[] = [];
  for (const r of walked) {
    if (SIGNED_OUT.includes(r.path)) continue;
    const action = r.access && 'action' in r.access ? (r.access.action as Action) : undefined;
    const allowed = action ? can(who.role, action) : true;
    const { url, inScope } = await fillIds(db, r.path, who);
    plan.push({
      route: r.path,
      url,
      // Not allowed at all: 403. Allowed, but nothing of the kind is the user's: 404.
      expected: !allowed ? 403 : inScope ? 200 : 404,
      note: !allowed ? ` (${who.role} may not ${action})` : inScope ? '' : ' (nothing in scope)',
    });
  }
  return plan;
}

// ---------------------------------------------------------------------------- a browser over HTTP

export interface PageAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** Where a redirect sends to, or ''. */
  location: string;
  /** The CSRF token of the page's forms, or undefined. */
  token: string | undefined;
}

/**
 * What a browser keeps of the pages, over plain HTTP (fetch): its cookies, set and cleared as the
 * app answers. Forms are posted as a browser posts them, with the token a page gave.
 */
export class Visitor {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  /** The Cookie header this visitor sends. */
  get cookie(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(path: string): Promise<PageAnswer> {
    return this.request(path, { method: 'GET' });
  }

  /** A form post; `headers` adds to (or, with `cookie`, replaces) what the browser sends. */
  async post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<PageAnswer> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** The sign-in form, filled in and sent; throws unless it signs in. */
  async signIn(email: string, password = DEMO_PASSWORD): Promise<void> {
    const form = await this.get('/login');
    if (!form.token) throw new Error(`no CSRF token on the sign-in form: ${form.status}`);
    const answer = await this.post('/login', { _csrf: form.token, next: '/', email, password });
    if (answer.status !== 303 || !this.cookies.has('liaison_session'))
      throw new Error(`signing in as ${email}: ${answer.status}, no session cookie`);
  }

  private async request(path: string, init: RequestInit): Promise<PageAnswer> {
    const headers = new Headers(init.headers);
    if (!headers.has('cookie') && this.cookies.size) headers.set('cookie', this.cookie);
    const response = await fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers,
      redirect: 'manual',
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const body = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body,
      location: response.headers.get('location') ?? '',
      token: /name="_csrf" value="([^"]+)"/.exec(body)?.[1],
    };
  }
}
