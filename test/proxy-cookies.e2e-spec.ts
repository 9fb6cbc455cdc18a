/**
 * Behind a TLS-terminating proxy (TRUST_PROXY=true) a request that reached the proxy over HTTPS
 * (`X-Forwarded-Proto: https`) gets `Secure` cookies (the session's and the sign-in form's CSRF
 * nonce) and HSTS; without TRUST_PROXY the forwarded header is ignored: plain HTTP gets neither.
 */
import request from 'supertest';
import { ADMIN, StartOptions, TestApp, startTestApp } from './helpers/app';

let trusted: TestApp, untrusted: TestApp;
beforeAll(async () => {
  const start = (options: StartOptions) => startTestApp(options);
  [trusted, untrusted] = await Promise.all([start({ env: { TRUST_PROXY: 'true' } }), start({})]);
});
afterAll(() => Promise.all([trusted?.stop(), untrusted?.stop()]));

const HSTS = 'max-age=31536000; includeSubDomains';

/** The sign-in form and its post: the CSRF cookie of the one, the session cookie of the other. */
async function signIn(app: TestApp, proto?: string) {
  const headers: Record<string, string> = proto ? { 'X-Forwarded-Proto': proto } : {};
  // A fresh client each time (app.http is an agent that keeps the cookies it was given).
  const http = request(app.url);
  const form = await http.get('/login').set(headers);
  expect(form.status).toBe(200);
  const setCsrf = (form.headers['set-cookie'] as unknown as string[]).find((c) =>
    c.startsWith('liaison_csrf='),
  )!;
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
  const posted = await http
    .post('/login')
    .set(headers)
    .set('Cookie', setCsrf.split(';')[0])
    .type('form')
    .send({ _csrf: token, next: '/', email: ADMIN.email, password: ADMIN.password });
  expect(posted.status).toBe(303);
  const setSession = (posted.headers['set-cookie'] as unknown as string[]).find((c) =>
    c.startsWith('liaison_session='),
  )!;
  const secure = (cookie: string) => /;\s*Secure(;|$)/i.test(cookie);
  return {
    csrfSecure: secure(setCsrf),
    sessionSecure: secure(setSession),
    hsts: [form.headers['strict-transport-security'], posted.headers['strict-transport-security']],
  };
}

describe('cookies and HSTS behind a proxy', () => {
  it('with TRUST_PROXY and X-Forwarded-Proto: https, both cookies are Secure and HSTS is sent', async () => {
    expect(await signIn(trusted, 'https')).toEqual({
      csrfSecure: true,
      sessionSecure: true,
      hsts: [HSTS, HSTS],
    });
  });

  it('with TRUST_PROXY over plain HTTP, neither', async () => {
    expect(await signIn(trusted, 'http')).toEqual({
      csrfSecure: false,
      sessionSecure: false,
      hsts: [undefined, undefined],
    });
    expect(await signIn(trusted)).toEqual({
      csrfSecure: false,
      sessionSecure: false,
      hsts: [undefined, undefined],
    });
  });

  it('without TRUST_PROXY the forwarded header is ignored', async () => {
    expect(await signIn(untrusted, 'https')).toEqual({
      csrfSecure: false,
      sessionSecure: false,
      hsts: [undefined, undefined],
    });
  });
});
