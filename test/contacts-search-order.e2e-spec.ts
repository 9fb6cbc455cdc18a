import { Kit, Session, TestApp, useApp } from './helpers/world';

/**
 * A search listed by name (src/contacts/contacts.service.ts) lists first the contacts whose name
 * begins with the term, in byte order off contacts_name_prefix_idx, then the other matches by
 * name, which run one of two ways: few matches are collected through the search index and sorted,
 * many are found by walking the name index. Every page must follow that order, forwards and
 * backwards, whichever way a term falls and wherever the line between the tiers falls on a page.
 * The search box (src/search/search.service.ts) ranks contacts one of three ways by the same
 * estimate, and names that begin with the term first by the same rule.
 */

let app: TestApp, admin: Session, make: Kit;
useApp((w) => ({ app, admin, make } = w));

const SPREAD = 12_000;
const COMMONS = 25;
const CLUSTERED = 150;
const INNER_ZHANGS = 20;
const MIDDLE = 1_500;
const MIDDLETONS = 20;

beforeAll(async () => {
  // Family names spread over the alphabet, all matching "common"; a block of Zhangs at its end,
  // as a family name clusters them.
  await app.db.query(
    `INSERT INTO contacts (family_name, given_name, search_key)
     SELECT f, g, lower(f || ' ' || g) || ' common'
     FROM (SELECT chr(65 + n % 25) || 'ander' || (n % 97) AS f, 'G' || n AS g
           FROM generate_series(1, $1) AS n) x`,
    [SPREAD],
  );
  // Names that begin with "common", spelt so that byte order and the name order may differ.
  await app.db.query(
    `INSERT INTO contacts (family_name, given_name, search_key)
     SELECT f, g, lower(f || ' ' || g)
     FROM (SELECT CASE n % 3 WHEN 0 THEN 'Commons' WHEN 1 THEN 'Common-Law' ELSE 'Commonwealth' END AS f,
                  CASE WHEN n % 2 = 0 THEN 'c' || n ELSE 'C' || n END AS g
           FROM generate_series(1, $1) AS n) x`,
    [COMMONS],
  );
  await app.db.query(
    `INSERT INTO contacts (family_name, given_name, search_key)
     SELECT 'Zhang', g, 'zhang ' || lower(g) || ' common'
     FROM (SELECT 'W' || n AS g FROM generate_series(1, $1) AS n) x`,
    [CLUSTERED],
  );
  // "zhang" inside a name, not at its beginning: the second tier of "zhang".
  await app.db.query(
    `INSERT INTO contacts (family_name, given_name, search_key)
     SELECT 'Wu', g, 'wu ' || lower(g) || ' shenzhang international trading holding group'
     FROM (SELECT 'Z' || n AS g FROM generate_series(1, $1) AS n) x`,
    [INNER_ZHANGS],
  );
  // Some 1,500 matches of "middle": too many to rank by similarity, few enough to sort; twenty
  // of them have a name that begins with it.
  await app.db.query(
    `INSERT INTO contacts (family_name, given_name, search_key)
     SELECT f, g, lower(f || ' ' || g) || ' middle'
     FROM (SELECT CASE WHEN n <= $2 THEN 'Middleton' ELSE 'Lin' END AS f, 'M' || n AS g
           FROM generate_series(1, $1) AS n) x`,
    [MIDDLE, MIDDLETONS],
  );
  await app.db.query('ANALYZE contacts');
});

async function estimate(term: string): Promise<number> {
  const { rows } = await app.db.query<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM contacts WHERE search_key LIKE $1 AND deleted_at IS NULL`,
    [`%${term}%`],
  );
  return rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
}

/**
 * The order a search listed by name promises: names that begin with the term first, in byte
 * order, then the others by name; descending the exact reverse. `only`: the contacts linked to a
 * live lead of that company (what its users see).
 */
async function expected(term: string, descending: boolean, only?: string): Promise<string[]> {
  const direction = descending ? 'DESC' : 'ASC';
  const { rows } = await app.db.query<{ id: string }>(
    `SELECT id FROM (
       SELECT id, lower(family_name || ' ' || coalesce(given_name, '')) AS name,
              starts_with(lower(family_name || ' ' || coalesce(given_name, '')), $2) AS first
       FROM contacts c
       WHERE search_key LIKE $1 AND deleted_at IS NULL
         AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM leads l WHERE l.contact_id = c.id
                                          AND l.company_id = $3 AND l.deleted_at IS NULL))) x
     ORDER BY first ${descending ? 'ASC' : 'DESC'},
              CASE WHEN first THEN convert_to(name, 'UTF8') END ${direction},
              name ${direction}, id ${direction}`,
    [`%${term}%`, term, only ?? null],
  );
  return rows.map((r) => r.id);
}

/** Every page of a search, following the cursors: the ids of each page. */
async function pages(
  term: string,
  sort: string,
  limit: number,
  who: Session = admin,
): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ q: term, sort, limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const res = await app.http.get(`/api/v1/contacts?${query}`).set(who.auth);
    expect(res.status).toBe(200);
    const body = res.body as { items: { id: string }[]; nextCursor: string | null };
    out.push(body.items.map((x) => x.id));
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

async function beginning(term: string): Promise<number> {
  const { rows } = await app.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM contacts WHERE search_key LIKE $1 AND deleted_at IS NULL
     AND starts_with(lower(family_name || ' ' || coalesce(given_name, '')), $2)`,
    [`%${term}%`, term],
  );
  return rows[0].n;
}

describe('a search listed by name', () => {
  it('has one term on each side of the line', async () => {
    expect(await estimate('zhang')).toBeLessThan(5_000);
    expect(await estimate('middle')).toBeLessThan(5_000);
    expect(await estimate('common')).toBeGreaterThan(5_000);
  });

  it.each([
    ['few matches, sorted', 'zhang', CLUSTERED, CLUSTERED + INNER_ZHANGS],
    ['few matches, sorted', 'middle', MIDDLETONS, MIDDLE],
    ['many matches, walked', 'common', COMMONS, SPREAD + COMMONS + CLUSTERED],
  ])(
    'pages through %s ("%s") names that begin with it first, forwards and backwards',
    async (_, term, first, count) => {
      expect(await beginning(term)).toBe(first);
      for (const descending of [false, true]) {
        const ids = (await pages(term, descending ? '-name' : 'name', 200)).flat();
        expect(ids).toHaveLength(count);
        expect(ids).toEqual(await expected(term, descending));
      }
    },
  );

  it.each([
    // 20 Middletons, then 1,480 others: the line falls inside page 3 of 7 (and of 7 backwards,
    // 1,480 = 211 × 7 + 3), and on the edge of page 1 of 20 (74 pages of others backwards).
    ['middle', 7],
    ['middle', 20],
    // 150 Zhangs, then 20 others: the line inside page 4 of 40; on the edge of page 3 of 50
    // (and of page 1 backwards, 20 others of 20).
    ['zhang', 40],
    ['zhang', 50],
    ['zhang', 20],
  ])(
    'keeps the tiers apart on pages of "%s" of %i, forwards and backwards',
    async (term, limit) => {
      for (const descending of [false, true]) {
        const got = await pages(term, descending ? '-name' : 'name', limit);
        const want = await expected(term, descending);
        expect(got.flat()).toEqual(want);
        for (const page of got.slice(0, -1)) expect(page).toHaveLength(limit);
        // No page after the last one: the final page is full only when it is the very end.
        expect(got.at(-1)!.length).toBeGreaterThan(0);
      }
    },
  );

  it('shows a company user its own contacts in the same order', async () => {
    const company = await make.row.company({ name: 'Tiered Messer GmbH' });
    const own = await make.session('company', company.id);
    // Every third Middleton and every ninth Lin, every fifth Zhang and every second inner one.
    await app.db.query(
      `INSERT INTO leads (company_id, title, contact_id)
       SELECT $1, 'Lead ' || id, id FROM (
         SELECT id, family_name,
                row_number() OVER (PARTITION BY family_name ORDER BY id) AS n FROM contacts
         WHERE family_name IN ('Middleton', 'Lin', 'Zhang', 'Wu')) x
       WHERE (family_name = 'Middleton' AND n % 3 = 0) OR (family_name = 'Lin' AND n % 9 = 0)
          OR (family_name = 'Zhang' AND n % 5 = 0) OR (family_name = 'Wu' AND n % 2 = 0)`,
      [company.id],
    );
    for (const term of ['middle', 'zhang'])
      for (const descending of [false, true]) {
        const want = await expected(term, descending, company.id);
        expect(want.length).toBeGreaterThan(20);
        const got = await pages(term, descending ? '-name' : 'name', 4, own);
        expect(got.flat()).toEqual(want);
      }
    // Another company's user sees none of them.
    const other = await make.session('company', (await make.row.company({})).id);
    expect((await pages('middle', 'name', 50, other)).flat()).toEqual([]);
  });

  it('refuses a cursor of another sort, and one from the strict name order', async () => {
    const tiered = await app.http
      .get('/api/v1/contacts?q=zhang&limit=5')
      .set(admin.auth)
      .expect(200);
    const plain = await app.http.get('/api/v1/contacts?limit=5').set(admin.auth).expect(200);
    const cursorOf = (res: { body: unknown }) => (res.body as { nextCursor: string }).nextCursor;
    for (const path of [
      `/api/v1/contacts?q=zhang&limit=5&cursor=${cursorOf(plain)}`,
      `/api/v1/contacts?limit=5&cursor=${cursorOf(tiered)}`,
      `/api/v1/contacts?q=zhang&sort=-name&limit=5&cursor=${cursorOf(tiered)}`,
    ]) {
      const res = await app.http.get(path).set(admin.auth);
      expect(res.status).toBe(400);
      expect((res.body as { errors: { field: string }[] }).errors[0].field).toBe('cursor');
    }
  });

  it('lists other sorts and deleted contacts as before: by the field alone', async () => {
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM contacts WHERE search_key LIKE '%middle%' AND deleted_at IS NULL
       ORDER BY created_at DESC, id DESC LIMIT 30`,
    );
    const res = await app.http
      .get('/api/v1/contacts?q=middle&sort=-createdAt&limit=30')
      .set(admin.auth)
      .expect(200);
    expect((res.body as { items: { id: string }[] }).items.map((c) => c.id)).toEqual(
      rows.map((r) => r.id),
    );
    // The deleted, listed to be restored, by name alone (contacts_name_prefix_idx holds only the
    // live): "Aquill" before "Quillon".
    const deleted = await app.db.query<{ id: string }>(
      `INSERT INTO contacts (family_name, given_name, search_key, deleted_at)
       SELECT f, 'D' || n, lower(f) || ' d' || n, now()
       FROM generate_series(1, 3) AS n, unnest(ARRAY['Quillon', 'Aquill']) AS f
       RETURNING id, family_name`,
    );
    const listed = await app.http
      .get('/api/v1/contacts?q=quill&deleted=true')
      .set(admin.auth)
      .expect(200);
    const names = (listed.body as { items: { familyName: string }[] }).items.map(
      (c) => c.familyName,
    );
    expect(names).toEqual(['Aquill', 'Aquill', 'Aquill', 'Quillon', 'Quillon', 'Quillon']);
    expect(deleted.rows).toHaveLength(6);
  });
});

describe('the search box', () => {
  async function box(term: string, limit = 10): Promise<{ id: string; label: string }[]> {
    const res = await app.http
      .get(`/api/v1/search?q=${encodeURIComponent(term)}&limit=${limit}`)
      .set(admin.auth);
    expect(res.status).toBe(200);
    return (res.body as { contacts: { id: string; label: string }[] }).contacts;
  }

  it('has a term for each way of ranking', async () => {
    expect(await estimate('zhang')).toBeLessThanOrEqual(300);
    expect(await estimate('middle')).toBeGreaterThan(300);
    expect(await estimate('middle')).toBeLessThanOrEqual(5_000);
    expect(await estimate('common')).toBeGreaterThan(5_000);
  });

  it('ranks a few matches by similarity', async () => {
    const hits = await box('zhang');
    expect(hits).toHaveLength(10);
    for (const hit of hits) expect(hit.label).toMatch(/ Zhang$/);
  });

  it('puts names that begin with the term first when there are more', async () => {
    const hits = await box('middle');
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM contacts WHERE family_name = 'Middleton'
       ORDER BY lower(family_name || ' ' || coalesce(given_name, '')), id LIMIT 10`,
    );
    expect(hits.map((h) => h.id)).toEqual(rows.map((r) => r.id));
  });

  it('follows the names that begin with the term by the other matches, by name', async () => {
    // 20 names begin with "middle", read off contacts_name_prefix_idx; the 30 others are sorted.
    const hits = await box('middle', 50);
    const { rows } = await app.db.query<{ id: string }>(
      `SELECT id FROM contacts WHERE search_key LIKE '%middle%' AND deleted_at IS NULL
       ORDER BY family_name = 'Middleton' DESC,
                lower(family_name || ' ' || coalesce(given_name, '')), id
       LIMIT 50`,
    );
    expect(hits).toHaveLength(50);
    expect(hits.map((h) => h.id)).toEqual(rows.map((r) => r.id));
  });

  it('puts names that begin with the term first when there are very many too, then by name', async () => {
    // 25 names begin with "common", in byte order off contacts_name_prefix_idx (the Zhangs that
    // match it sort last of all: a walk of the name index would meet them last).
    expect((await box('common')).map((h) => h.id)).toEqual(
      (await expected('common', false)).slice(0, 10),
    );
    // And the 15 after them by name, as a walk of the name index finds them.
    const hits = await box('common', 40);
    expect(hits.map((h) => h.id)).toEqual((await expected('common', false)).slice(0, 40));
  });
});
