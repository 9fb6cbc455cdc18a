import { Cast, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast;
useWorld((w) => ({ app, admin, c } = w));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Import = Record<string, any>;

const upload = (session: Session, kind: string, name: string, content: string | Buffer) =>
  app.http
    .post('/api/v1/imports')
    .set(session.auth)
    .field('kind', kind)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);

/** The import once its job has left `status` (the dry run, the run, the undo). */
async function settled(session: Session, id: string, status: string): Promise<Import> {
  for (let i = 0; i < 600; i++) {
    const res = await app.http.get(`/api/v1/imports/${id}`).set(session.auth);
    if (res.body.status !== status) return res.body as Import;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`import ${id} stayed ${status}`);
}

describe('imports: smoke', () => {
  it('uploads a CSV, suggests a mapping, checks it', async () => {
    const csv = 'Nachname;Vorname;E-Mail\nMüller;Anna;anna@example.de\nSchmidt;;nope\n';
    const res = await upload(admin, 'contact', 'kontakte.csv', csv);
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      kind: 'contact',
      status: 'mapping',
      headers: ['Nachname', 'Vorname', 'E-Mail'],
    });
    const checking = await app.http.post(`/api/v1/imports/${res.body.id}/check`).set(admin.auth);
    expect(checking.status).toBe(202);
    const checked = await settled(admin, res.body.id, 'checking');
    expect(checked.status).toBe('checked');
    expect(checked.counts).toMatchObject({ rows: 2, valid: 1, errors: 1 });
    const rows = await app.http
      .get(`/api/v1/imports/${res.body.id}/rows?problem=error`)
      .set(admin.auth);
    expect(rows.body.items).toEqual([
      expect.objectContaining({
        row: 3,
        errors: [expect.objectContaining({ column: 'E-Mail', field: 'email', code: 'isEmail' })],
      }),
    ]);
    void c;
  });
});
