/**
 * The pages' smoke test, over plain HTTP (no browser), so every page route is covered by
 * `npm test` even where Chromium is missing and the browser walk is skipped. Every GET page route
 * the routes CLI lists, for every demo login, with its ids filled from the demo data: the status
 * the permission table gives the role, an HTML page with the security headers, a <main> with
 * something in it, nothing rendered from a missing value and no stack trace. Signed out, every
 * page but the sign-in form sends to /login. All problems are collected and reported together.
 * The plan (routes, ids, expected statuses) is the browser walk's: test/helpers/pages.ts.
 */
import {
  AGENCY,
  fillIds,
  listRoutes,
  MIN_PAGES,
  missingRecipes,
  planPages,
  Route,
  SIGNED_OUT,
  USERS,
  Visitor,
  walkedRoutes,
  whoIs,
} from './helpers/pages';
import { TestApp, useApp } from './helpers/world';
import { login } from './helpers/auth';

let app: TestApp, routes: Route[];
useApp((w) => (routes = listRoutes((app = w.app).databaseUrl)), {
  env: { SEED_DEMO: 'true' },
  timeout: 90_000,
});

/** The problems of one page's answer (any status: an error page is a page too). */
function pageProblems(response: { headers: Headers }, body: string): string[] {
  const out: string[] = [];
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/html')) out.push(`content-type ${type || 'missing'}`);
  if (!response.headers.get('content-security-policy')) out.push('no Content-Security-Policy');
  const frame = response.headers.get('x-frame-options');
  if (frame !== 'DENY') out.push(`X-Frame-Options ${frame ?? 'missing'}`);
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(body);
  if (!main) out.push('no <main>');
  else if (
    main[1]
      .replace(/<[^>]*>/g, '')
      .replace(/&nbsp;|\s+/g, '')
      .trim() === ''
  )
    out.push('empty <main>');
  for (const [name, re] of [
    ['undefined', /\bundefined\b/],
    ['[object Object]', /\[object Object\]/],
    ['NaN', /\bNaN\b/],
  ] as const)
    if (re.test(body)) out.push(`"${name}" in the HTML: ${excerpt(body, re)}`);
  const trace = /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:|\/)[^\s()<>"]*:\d+:\d+\)?/;
  if (trace.test(body)) out.push(`a stack trace in the HTML: ${excerpt(body, trace)}`);
  return out;
}

const excerpt = (body: string, re: RegExp) => {
  const at = re.exec(body)?.index ?? 0;
  return JSON.stringify(body.slice(Math.max(0, at - 40), at + 60).replace(/\s+/g, ' '));
};

/** A session cookie from the sign-in form, as a browser gets it. */
async function signIn(email: string): Promise<string> {
  const visitor = new Visitor(app.url);
  await visitor.signIn(email);
  return visitor.cookie;
}

describe('every page over HTTP, for every role', () => {
  it('finds the planted problems on a planted page, and none on a right one', () => {
    const good = new Headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'self'",
      'x-frame-options': 'DENY',
    });
    expect(
      pageProblems({ headers: good }, '<main><h1>Kontakte</h1><p>Nan Wang</p></main>'),
    ).toEqual([]);
    const bad = new Headers({ 'content-type': 'application/json' });
    const found = pageProblems(
      { headers: bad },
      `<main> <p>Due undefined, NaN days, [object Object]</p>
       <pre>TypeError: x is not a function
    at ContactsPages.show (/app/dist/src/web/contacts.pages.js:42:17)</pre></main>`,
    );
    expect(found.map((p) => p.replace(/:.*$/, ''))).toEqual([
      'content-type application/json',
      'no Content-Security-Policy',
      'X-Frame-Options missing',
      '"undefined" in the HTML',
      '"[object Object]" in the HTML',
      '"NaN" in the HTML',
      'a stack trace in the HTML',
    ]);
    expect(pageProblems({ headers: good }, '<main>\n  <div></div> </main>')).toEqual([
      'empty <main>',
    ]);
    expect(pageProblems({ headers: good }, '<body>x</body>')).toEqual(['no <main>']);
  });

  it('serves every page route its status for every role, and sends the signed-out to /login', async () => {
    const started = Date.now();
    const problems: string[] = [];
    const walked = walkedRoutes(routes);
    expect(walked.length).toBeGreaterThan(20);
    for (const { path, key } of missingRecipes(routes))
      problems.push(`* ${path}: no id recipe for ${key} (add one to ID_RECIPES)`);

    // Signed out: the sign-in form is a page, everything else sends to it.
    const signedOut = async (): Promise<string[]> => {
      const found: string[] = [];
      for (const r of walked) {
        const { url } = await fillIds(app.db, r.path, AGENCY);
        const response = await fetch(`${app.url}${url}`, { redirect: 'manual' });
        const body = await response.text();
        const isPublic = r.access !== undefined && 'public' in r.access;
        if (SIGNED_OUT.includes(r.path)) {
          if (response.status !== 200) found.push(`signed out ${url}: ${response.status}`);
          else for (const p of pageProblems(response, body)) found.push(`signed out ${url}: ${p}`);
        } else if (!isPublic) {
          const location = response.headers.get('location') ?? '';
          if (response.status !== 303 || !location.startsWith('/login'))
            found.push(
              `signed out ${url}: expected 303 to /login, got ${response.status} ${location}`,
            );
        }
      }
      return found;
    };

    // Requests by user and status, in the order of USERS.
    const requests: Record<string, Record<number, number>> = Object.fromEntries(
      USERS.map((u) => [u.name, {}]),
    );
    const signedIn = async (user: (typeof USERS)[number]): Promise<string[]> => {
      const found: string[] = [];
      const plan = await planPages(app.db, walked, await whoIs(app.db, user));
      const cookie = await signIn(user.email);
      let pages = 0;
      for (const step of plan) {
        const response = await fetch(`${app.url}${step.url}`, {
          headers: { cookie },
          redirect: 'manual',
        });
        const body = await response.text();
        requests[user.name][response.status] = (requests[user.name][response.status] ?? 0) + 1;
        const where = `${user.name} ${step.url}`;
        if (response.status !== step.expected) {
          const location = response.headers.get('location');
          found.push(
            `${where}: expected ${step.expected}${step.note}, got ${response.status}${location ? ` to ${location}` : ''}`,
          );
          continue;
        }
        for (const p of pageProblems(response, body)) found.push(`${where}: ${p}`);
        if (response.status === 200) pages++;
      }
      // Not vacuous: a role that sees too few pages means the plan or the sign-in went wrong.
      if (pages < MIN_PAGES[user.role])
        found.push(
          `${user.name}: only ${pages} pages answered 200, expected at least ${MIN_PAGES[user.role]}`,
        );
      return found;
    };
    // The users one beside the other (each its own session); the problems in a stable order.
    for (const found of await Promise.all([signedOut(), ...USERS.map(signedIn)]))
      problems.push(...found);

    process.stdout.write(
      `pages smoke: ${walked.length} routes, ${walked.length} requests signed out, by user and status ${JSON.stringify(requests)} in ${Date.now() - started} ms\n`,
    );
    if (problems.length)
      throw new Error(`${problems.length} problems (who url: what):\n${problems.join('\n')}`);
  }, 60_000);

  it('answers a field’s search box within the user’s scope: a company user finds no other company', async () => {
    const staff = new Visitor(app.url);
    await staff.signIn('staff@liaison.test');
    const dovo = new Visitor(app.url);
    await dovo.signIn('dovo@liaison.test');
    for (const path of ['/companies/suggest', '/contacts/organisations/suggest']) {
      const seen = await staff.get(`${path}?q=zwilling`);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatch(/data-pick="[^"]+" data-label="Zwilling/);
      const hidden = await dovo.get(`${path}?q=zwilling`);
      expect(hidden.body).not.toContain('Zwilling');
    }
    expect((await dovo.get('/companies/suggest?q=dovo')).body).toContain('data-label="DOVO');
    // An organisation's value says which kind it is.
    expect((await staff.get('/contacts/organisations/suggest?q=zwilling')).body).toMatch(
      /data-pick="company:[0-9a-f-]{36}"/,
    );
    // Trips: a company user finds those its company takes part in, and no other.
    const staffApi = await login(app, 'staff@liaison.test', 'liaison-demo');
    const other = await app.http
      .post('/api/v1/trips')
      .set(staffApi.auth)
      .send({ title: 'Zzz Geheimreise Tianjin', startsOn: '2026-09-01', endsOn: '2026-09-03' });
    expect(other.status).toBe(201);
    expect((await staff.get('/trips/suggest?q=tianjin')).body).toContain(
      `data-pick="${other.body.id}" data-label="Zzz Geheimreise Tianjin (01.09.2026)"`,
    );
    expect((await dovo.get('/trips/suggest?q=tianjin')).body).not.toContain('Geheimreise');
    expect((await dovo.get('/trips/suggest?q=china')).body).toContain(
      'data-label="Wirtschaftsreise China 2019',
    );
    expect(
      (
        await app.http
          .delete(`/api/v1/trips/${other.body.id}`)
          .set(staffApi.auth)
          .set('If-Match', '"1"')
      ).status,
    ).toBe(204);
  });
});
