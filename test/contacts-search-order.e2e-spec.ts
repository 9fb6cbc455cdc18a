import { Session, TestApp, useApp } from './helpers/world';

/**
 * A search listed by name runs one of two ways (src/contacts/contacts.service.ts): few matches are
 * collected through the search index and sorted, many are found by walking the name index. Both
 * must give the same pages in the same order, whichever way a term falls. The search box
 * (src/search/search.service.ts) ranks contacts one of three ways by the same estimate.
 */

let app: TestApp, admin: Session;
useApp((w) => ({ app, admin } = w));

const SPREAD = 12_000;
const CLUSTERED = 150;
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
  await app.db.query(
    `INSERT INTO contacts (family_name, given_name, search_key)
     SELECT 'Zhang', g, 'zhang ' || lower(g) || ' common'
     FROM (SELECT 'W' || n AS g FROM generate_series(1, $1) AS n) x`,
    [CLUSTERED],
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

async function expected(term: string, descending: boolean): Promise<string[]> {
  const direction = descending ? 'DESC' : 'ASC';
  const { rows } = await app.db.query<{ id: string }>(
    `SELECT id FROM contacts WHERE search_key LIKE $1 AND deleted_at IS NULL
     ORDER BY lower(family_name || ' ' || coalesce(given_name, '')) ${direction}, id ${direction}`,
    [`%${term}%`],
  );
  return rows.map((r) => r.id);
}

/** Every page of a search, following the cursors. */
async function allPages(term: string, sort: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ q: term, sort, limit: '200' });
    if (cursor) query.set('cursor', cursor);
    const res = await app.http.get(`/api/v1/contacts?${query}`).set(admin.auth);
    expect(res.status).toBe(200);
    const body = res.body as { items: { id: string }[]; nextCursor: string | null };
    ids.push(...body.items.map((x) => x.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

describe('a search listed by name', () => {
  it('has one term on each side of the line', async () => {
    expect(await estimate('zhang')).toBeLessThan(5_000);
    expect(await estimate('common')).toBeGreaterThan(5_000);
  });

  it.each([
    ['few matches, sorted', 'zhang', CLUSTERED],
    ['many matches, walked', 'common', SPREAD + CLUSTERED],
  ])('pages through %s in name order, forwards and backwards', async (_, term, count) => {
    for (const descending of [false, true]) {
      const ids = await allPages(term, descending ? '-name' : 'name');
      expect(ids).toHaveLength(count);
      expect(ids).toEqual(await expected(term, descending));
    }
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

  it('lists by name when there are very many', async () => {
    const hits = await box('common');
    expect(hits.map((h) => h.id)).toEqual((await expected('common', false)).slice(0, 10));
  });
});
