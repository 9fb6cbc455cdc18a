import { FULL_SIZES, Sizes, sizesFor } from './generate';

/**
 * How cost grows (issue 18): the same requests on agencies of several sizes, each in a database
 * of its own, one table with the sizes as columns.
 */

/** The sizes measured when --growth has no list. */
export const GROWTH_SIZES = [20_000, 200_000, 1_000_000];
/** Interactions per contact of a growth database unless --interactions-per-contact says. */
export const GROWTH_INTERACTIONS_PER_CONTACT = 10;
/** The rows of the import measured at every size. */
export const GROWTH_IMPORT_ROWS = 10_000;
/** The scenarios measured at every size (the read scenarios of the main table). */
export const GROWTH_SCENARIOS = [
  'contacts-page-1',
  'contacts-deep',
  'search-pinyin',
  'search-initial',
  'search-surname',
  'search-latin',
  'search-email',
  'search-box',
  'timeline',
];

/** "20000,200000" → [20000, 200000]. */
export function parseGrowth(raw: string): number[] {
  if (raw === 'true') return GROWTH_SIZES;
  const sizes = raw.split(',').map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 100)) {
    throw new Error('--growth must be a list of contact counts ≥ 100, e.g. --growth=20000,200000');
  }
  return sizes;
}

/** 20000 → "20k", 1000000 → "1m", 2500 → "2500". */
export function sizeLabel(contacts: number): string {
  if (contacts % 1_000_000 === 0) return `${contacts / 1_000_000}m`;
  if (contacts % 1000 === 0) return `${contacts / 1000}k`;
  return String(contacts);
}

export const growthDatabase = (contacts: number) => `liaison_bench_growth_${sizeLabel(contacts)}`;

/**
 * The agency at this many contacts: everything else scaled as the main bench scales it, and
 * `perContact` interactions per contact when given (the main bench's are 5 per contact).
 */
export function sizesWith(scale: number, contacts?: number, perContact?: number): Sizes {
  const sizes = sizesFor(scale, contacts);
  if (perContact === undefined) return sizes;
  return { ...sizes, interactions: Math.max(100, Math.round(sizes.contacts * perContact)) };
}

export const growthSizes = (contacts: number, perContact: number) =>
  sizesWith(contacts / FULL_SIZES.contacts, contacts, perContact);

/** A contacts CSV of `rows` new people (names and e-mails unique to `stamp`), as an agency's. */
export function importCsv(rows: number, stamp: string): string {
  const lines = ['Nachname;Vorname;E-Mail;Mobiltelefon;Firma;Land;Stadt;Position'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        `Wachstum${stamp}x${i}`,
        `Vorname${i % 97}`,
        `wachstum${stamp}.${i}@firma${i % 400}.example.de`,
        `0171 ${String(1_000_000 + i)}`,
        `Firma ${i % 400} GmbH`,
        'DE',
        i % 2 ? 'Solingen' : 'Köln',
        'Einkauf',
      ].join(';'),
    );
  }
  return lines.join('\r\n');
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls an import until it leaves `status` (or `until` passes); its state then. */
async function settled(
  baseUrl: string,
  auth: Record<string, string>,
  id: string,
  status: string,
  until = Infinity,
): Promise<{ status: string; counts: Record<string, number> }> {
  for (;;) {
    const response = await fetch(`${baseUrl}/api/v1/imports/${id}`, { headers: auth });
    const body = (await response.json()) as { status: string; counts: Record<string, number> };
    if (response.status !== 200) throw new Error(`import ${id}: ${response.status}`);
    if (body.status !== status || Date.now() > until) return body;
    await sleep(100);
  }
}

async function post(baseUrl: string, path: string, auth: Record<string, string>): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: auth });
  const body = await response.text();
  if (response.status !== 202) throw new Error(`POST ${path}: ${response.status} ${body}`);
}

/** How long the bench waits for an import's undo before it goes on without. */
const UNDO_WAIT_MS = 60_000;

/**
 * An import of `rows` contacts through the app's own API, timed from the upload to `done`
 * (upload, dry run, run). It is undone afterwards (not timed), so that a reused database keeps
 * its size; `undone` says whether that finished within a minute.
 */
export async function timeImport(
  baseUrl: string,
  token: string,
  rows: number,
): Promise<{ seconds: number; upload: number; check: number; run: number; undone: string }> {
  const auth = { authorization: `Bearer ${token}` };
  const form = new FormData();
  form.set('kind', 'contact');
  const stamp = Date.now().toString(36);
  form.set('file', new Blob([importCsv(rows, stamp)], { type: 'text/csv' }), 'wachstum.csv');
  const started = performance.now();
  const created = await fetch(`${baseUrl}/api/v1/imports`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  const body = (await created.json()) as { id: string };
  if (created.status !== 201)
    throw new Error(`import upload: ${created.status} ${JSON.stringify(body)}`);
  const uploaded = performance.now();
  await post(baseUrl, `/api/v1/imports/${body.id}/check`, auth);
  const checked = await settled(baseUrl, auth, body.id, 'checking');
  if (checked.status !== 'checked' || checked.counts.valid !== rows) {
    throw new Error(`import check: ${JSON.stringify(checked)}`);
  }
  const checkedAt = performance.now();
  await post(baseUrl, `/api/v1/imports/${body.id}/run`, auth);
  const done = await settled(baseUrl, auth, body.id, 'running');
  if (done.status !== 'done' || done.counts.created !== rows) {
    throw new Error(`import run: ${JSON.stringify(done)}`);
  }
  const ended = performance.now();
  await post(baseUrl, `/api/v1/imports/${body.id}/undo`, auth);
  const undone = await settled(baseUrl, auth, body.id, 'undoing', Date.now() + UNDO_WAIT_MS);
  return {
    undone: undone.status,
    seconds: (ended - started) / 1000,
    upload: (uploaded - started) / 1000,
    check: (checkedAt - uploaded) / 1000,
    run: (ended - checkedAt) / 1000,
  };
}

/** All contacts as CSV, timed to the last byte; the rows it held. */
export async function timeExport(
  baseUrl: string,
  token: string,
): Promise<{ seconds: number; bytes: number; rows: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/v1/contacts/export?format=csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`export: ${response.status} ${await response.text()}`);
  }
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  return { seconds: (performance.now() - started) / 1000, bytes, rows: Math.max(0, lines - 1) };
}

export interface GrowthColumn {
  contacts: number;
  database: string;
  sizes: Sizes;
  reused: boolean;
  loadSeconds: number;
  reads: {
    name: string;
    title: string;
    p50: number;
    p95: number;
    requests: number;
    failures: number;
  }[];
  importRows: number;
  import: { seconds: number; upload: number; check: number; run: number; undone: string };
  export: { seconds: number; bytes: number; rows: number };
}

/** One table: a row per measured request, a column per size. */
export function growthMarkdown(columns: GrowthColumn[], header: string): string {
  const heads = columns.map((c) => `${c.contacts.toLocaleString('en')} contacts`);
  const lines = [
    `### How cost grows (${header})`,
    '',
    `Per size: ${columns
      .map(
        (c) =>
          `${sizeLabel(c.contacts)} = ${c.sizes.interactions.toLocaleString('en')} interactions, ${c.sizes.companies.toLocaleString('en')} companies, ${c.sizes.leads.toLocaleString('en')} leads (${c.database}${c.reused ? ', reused' : `, loaded in ${c.loadSeconds.toFixed(0)} s`})`,
      )
      .join('; ')}.`,
    '',
    `| Request | ${heads.join(' | ')} |`,
    `|---|${heads.map(() => '--:').join('|')}|`,
  ];
  const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));
  for (const read of columns[0].reads) {
    const cells = columns.map((c) => {
      const r = c.reads.find((x) => x.name === read.name);
      if (!r) return '–';
      return `${ms(r.p50)} / ${ms(r.p95)}${r.failures ? ` ⚠ ${r.failures} failed` : ''}`;
    });
    lines.push(`| ${read.name} p50 / p95 ms | ${cells.join(' | ')} |`);
  }
  lines.push(
    `| import of ${columns[0].importRows.toLocaleString('en')} contacts, s (upload + check + run) | ${columns
      .map(
        (c) =>
          `${c.import.seconds.toFixed(1)} (${c.import.upload.toFixed(1)} + ${c.import.check.toFixed(1)} + ${c.import.run.toFixed(1)})${c.import.undone === 'undone' ? '' : ` ⚠ undo ${c.import.undone}`}`,
      )
      .join(' | ')} |`,
  );
  lines.push(
    `| export of all contacts, CSV, s to last byte | ${columns
      .map(
        (c) =>
          `${c.export.seconds.toFixed(1)} (${c.export.rows.toLocaleString('en')} rows, ${(c.export.bytes / 1e6).toFixed(0)} MB)`,
      )
      .join(' | ')} |`,
  );
  lines.push('');
  return lines.join('\n');
}
