/**
 * The import wizard's upload form over plain HTTP: a multipart form is checked for its session's
 * CSRF token like every form, before its file is read; the file goes on to the API.
 */
import { Visitor } from './helpers/pages';
import { TestApp, useApp } from './helpers/world';

let app: TestApp;
useApp((w) => (app = w.app), { env: { SEED_DEMO: 'true' } });

const CSV = 'Vorname;Nachname;E-Mail\r\nAnna;Becker;anna@upload-test.example.de\r\n';

/** The form as a browser sends it: the fields in the order given, the file where it is named. */
function form(fields: [string, string][], file?: { at: number; text: string }): FormData {
  const data = new FormData();
  const addFile = () =>
    data.append('file', new Blob([file!.text], { type: 'text/csv' }), 'messe.csv');
  fields.forEach(([name, value], i) => {
    if (file?.at === i) addFile();
    data.append(name, value);
  });
  if (file && file.at >= fields.length) addFile();
  return data;
}

describe('the upload form of the import wizard', () => {
  let visitor: Visitor;
  let token: string;
  const post = (data: FormData, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/imports`, {
      method: 'POST',
      body: data,
      headers: { cookie: visitor.cookie, ...headers },
      redirect: 'manual',
    });

  beforeAll(async () => {
    visitor = new Visitor(app.url);
    await visitor.signIn('staff@liaison.test');
    const page = await visitor.get('/imports/new');
    expect(page.status).toBe(200);
    expect(page.body).toContain('enctype="multipart/form-data"');
    token = page.token!;
  });

  it('refuses a form without its token, or with the token only after the file', async () => {
    const none = await post(form([['kind', 'contact']], { at: 1, text: CSV }));
    expect(none.status).toBe(403);
    const late = await post(
      form(
        [
          ['kind', 'contact'],
          ['_csrf', token],
        ],
        { at: 0, text: CSV },
      ),
    );
    expect(late.status).toBe(403);
    // Another session's token is no token either.
    const other = new Visitor(app.url);
    await other.signIn('admin@liaison.test');
    const foreign = (await other.get('/imports/new')).token!;
    const wrong = await post(
      form(
        [
          ['_csrf', foreign],
          ['kind', 'contact'],
        ],
        { at: 2, text: CSV },
      ),
    );
    expect(wrong.status).toBe(403);
    const imports = await app.db.query(`SELECT id FROM imports WHERE file_name = 'messe.csv'`);
    expect(imports.rowCount).toBe(0);
    // The refused uploads left the connection able to carry the next request.
    expect((await visitor.get('/imports/new')).status).toBe(200);
  });

  it('hands a valid form on to the API and shows the new import', async () => {
    const answer = await post(
      form(
        [
          ['_csrf', token],
          ['kind', 'contact'],
        ],
        { at: 2, text: CSV },
      ),
    );
    expect(answer.status).toBe(303);
    const location = answer.headers.get('location') ?? '';
    expect(location).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
    const page = await visitor.get(location);
    expect(page.status).toBe(200);
    expect(page.body).toContain('messe.csv');
    expect(page.body).toMatch(/<option value="familyName" selected>Nachname<\/option>/);
  });

  it('pages the rows with errors by "more", and goes back to the mapping from the check', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `Fehler${i};Bernd;keine-adresse-${i}`);
    const csv = ['Nachname;Vorname;E-Mail', ...rows].join('\r\n');
    const uploaded = await post(
      form(
        [
          ['_csrf', token],
          ['kind', 'contact'],
        ],
        { at: 2, text: csv },
      ),
    );
    const url = uploaded.headers.get('location')!;
    const checked = async () => {
      for (let i = 0; i < 300; i++) {
        const page = await visitor.get(url);
        if (page.body.includes('data-status="checked"')) return page.body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${url} was not checked`);
    };
    const mapping = await visitor.get(url);
    const version = /name="version" value="(\d+)"/.exec(mapping.body)![1];
    const check = (fields: Record<string, string>) =>
      visitor.post(`${url}/check`, { _csrf: token, duplicates: 'skip', ...fields });
    const sent = await check({
      version,
      'mapping.0': 'familyName',
      'mapping.1': 'givenName',
      'mapping.2': 'email',
    });
    expect([sent.status, sent.location]).toEqual([303, url]);
    const first = await checked();
    const shown = (body: string) => body.match(/<tr id="error-\d+-\d+"/g)?.length ?? 0;
    expect(shown(first)).toBe(20);
    const more = /href="([^"]+errorCursor=[^"#]+)#errors"/.exec(first)![1].replace(/&amp;/g, '&');
    const rest = await visitor.get(`${more}&fragment=error`);
    expect(shown(rest.body)).toBe(5);
    expect(rest.body).not.toContain('errorCursor');
    // Without script, "more" is the next page of rows on the import's page.
    expect(shown((await visitor.get(more)).body)).toBe(5);

    // Back to the mapping: a refused one comes back with its message, in the user's language.
    const again = await visitor.get(`${url}?step=mapping`);
    expect(again.body).toContain('id="mapping-form"');
    const at = /name="version" value="(\d+)"/.exec(again.body)![1];
    const refused = await check({ version: at, 'mapping.2': 'email' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Bitte eine Spalte dem Nachnamen');
    // An old version is a lost race: the page says so and keeps the choices.
    const stale = await check({ version: '1', 'mapping.0': 'familyName', 'mapping.2': 'notes' });
    expect(stale.status).toBe(409);
    expect(stale.body).toContain('inzwischen geändert');
    expect(stale.body).toMatch(/<option value="notes" selected>/);
  });

  it('answers a form without a file with the form and its message', async () => {
    const answer = await post(
      form([
        ['_csrf', token],
        ['kind', 'company'],
      ]),
    );
    expect(answer.status).toBe(400);
    const body = await answer.text();
    expect(body).toContain('Bitte eine Datei wählen.');
    expect(body).toMatch(/value="company" checked/);
  });
});
