import { Route, fillPath, listRoutes } from './helpers/routes';
import { TestApp, useApp } from './helpers/world';

let app: TestApp, routes: Route[];
useApp((w) => (routes = listRoutes((app = w.app))));

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const PUBLIC = [
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'GET /password/forgot',
  'POST /password/forgot',
  'GET /password/reset',
  'POST /password/reset',
  'GET /health',
  'GET /health/ready',
  'GET /login',
  'POST /login',
  // The second step of a sign-in: open, but only with the token (or cookie) the password gave.
  'POST /api/v1/auth/login/mfa',
  'POST /api/v1/auth/login/passkey-options',
  'GET /login/mfa',
  'POST /login/mfa',
  'POST /login/mfa/passkey-options',
  'GET /assets/:name',
  // The service worker and the web app manifest: the same for everyone, like the assets.
  'GET /sw.js',
  'GET /manifest.webmanifest',
  // A calendar feed: its secret is in the path, for calendar programs that sign in nowhere.
  'GET /calendar/:file',
  'GET /unsubscribe/:token',
  'POST /unsubscribe/:token',
];

describe('every route declares what it needs', () => {
  it('sends every non-public page to the sign-in form without a session', async () => {
    const pages = routes.filter(
      (r) =>
        r.access && !('public' in r.access) && r.method === 'GET' && !r.path.startsWith('/api/'),
    );
    expect(pages.length).toBeGreaterThan(3);
    for (const route of pages) {
      const res = await app.http.get(fillPath(route.path, () => NO_SUCH_ID));
      expect({
        route: route.path,
        status: res.status,
        location: res.headers.location?.startsWith('/login?next='),
      }).toEqual({
        route: route.path,
        status: 303,
        location: true,
      });
    }
  });

  it('refuses a page form post without the CSRF token (403)', async () => {
    const res = await app.http.post('/logout').type('form').send('x=1');
    expect(res.status).toBe(403);
  });

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it('has a declaration on every route', () => {
    const undeclared = routes
      .filter((r) => !r.access)
      .map((r) => `${r.method} ${r.path} (${r.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('is public only where meant to be', () => {
    const open = routes
      .filter((r) => r.access && 'public' in r.access)
      .map((r) => `${r.method} ${r.path}`);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('lists every API path the OpenAPI document shows (no route escapes the walk)', async () => {
    const doc = (await app.http.get('/api/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const walked = new Set(routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.filter((d) => !walked.has(d))).toEqual([]);
  });

  it('refuses every non-public API route without a token (401)', async () => {
    for (const route of routes.filter(
      (r) => r.access && !('public' in r.access) && r.path.startsWith('/api/'),
    )) {
      const path = fillPath(route.path, () => NO_SUCH_ID);
      const res = await app.http[route.method.toLowerCase() as 'get'](path);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
});
