import { readFileSync } from 'node:fs';
import { Session, TestApp, useApp } from './helpers/world';

/**
 * 100,000 contacts in one file: the dry run and the import each within a minute on two cores,
 * with the app's memory bounded by a capped heap (peak resident set, VmHWM, printed with the
 * times).
 */
let app: TestApp, admin: Session;
// The app's heap is capped: a dry run or import that held the file's rows (or their records) at
// once would end the app instead of passing.
const HEAP_MIB = 256;
useApp((w) => ({ app, admin } = w), {
  env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_MIB}` },
});

const ROWS = Number(process.env.IMPORT_SCALE_ROWS ?? 100_000);

function contactsCsv(): Buffer {
  const lines = ['Nachname;Vorname;E-Mail;Mobiltelefon;Firma;Land;Stadt;Position'];
  for (let i = 0; i < ROWS; i++)
    lines.push(
      [
        `Nachname${i}`,
        `Vorname${i % 97}`,
        `person${i}@firma${i % 400}.example.de`,
        `0171 ${String(1_000_000 + i)}`,
        `Firma ${i % 400} GmbH`,
        'DE',
        i % 2 ? 'Solingen' : 'Köln',
        'Einkauf',
      ].join(';'),
    );
  return Buffer.from(lines.join('\r\n'));
}

const peakRssMiB = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024);
};

async function settled(id: string, status: string): Promise<Record<string, unknown>> {
  for (;;) {
    const res = await app.http.get(`/api/v1/imports/${id}`).set(admin.auth);
    if (res.body.status !== status) return res.body as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('checks and imports 100,000 contacts, each in at most 60 s', async () => {
  const file = contactsCsv();
  const before = peakRssMiB(app.process.pid!);
  let started = Date.now();
  const created = await app.http
    .post('/api/v1/imports')
    .set(admin.auth)
    .field('kind', 'contact')
    .attach('file', file, 'hunderttausend.csv');
  expect(created.status).toBe(201);
  const uploadMs = Date.now() - started;
  const id = created.body.id as string;

  started = Date.now();
  expect((await app.http.post(`/api/v1/imports/${id}/check`).set(admin.auth)).status).toBe(202);
  const checked = await settled(id, 'checking');
  const checkMs = Date.now() - started;
  expect(checked).toMatchObject({
    status: 'checked',
    counts: { rows: ROWS, valid: ROWS, errors: 0 },
  });

  started = Date.now();
  expect((await app.http.post(`/api/v1/imports/${id}/run`).set(admin.auth)).status).toBe(202);
  const done = await settled(id, 'running');
  const runMs = Date.now() - started;
  expect(done).toMatchObject({ status: 'done', counts: { created: ROWS } });
  const peak = peakRssMiB(app.process.pid!);
  const contacts = await app.db.query('SELECT count(*)::int AS n FROM contacts');
  expect(contacts.rows[0].n).toBe(ROWS);

  process.stdout.write(
    `100k contacts (${(file.length / 1024 / 1024).toFixed(1)} MiB): upload ${uploadMs} ms, check ${checkMs} ms, run ${runMs} ms; app peak RSS ${peak} MiB (${before} MiB before), heap capped at ${HEAP_MIB} MiB\n`,
  );
  expect(checkMs).toBeLessThanOrEqual(60_000);
  expect(runMs).toBeLessThanOrEqual(60_000);
}, 180_000);
