import type { DuplicateReason } from './merge.dto';

/**
 * How strongly each reason says two records are one: an address or number that one person has
 * outweighs a name that many share; the same organisation only adds to another reason. A pair's
 * score is the sum of its reasons' weights; the list shows the strongest first.
 */
export const REASON_WEIGHTS: Record<DuplicateReason, number> = {
  email: 8,
  phone: 8,
  wechat: 8,
  website: 6,
  name: 4,
  organisation: 2,
};

/**
 * The pairs of live contacts sharing an e-mail address, a phone (E.164), a WeChat id or a name
 * key: one self-join per key, each on its index of live contacts (the e-mail's, phone_key's,
 * wechat_id's, name_key's), so the work grows with the pairs found, not with the square of the
 * contacts. Columns: a, b (a < b), reasons.
 */
const CONTACT_KEYS: [DuplicateReason, string][] = [
  ['email', 'email'],
  ['phone', 'phone_key'],
  ['wechat', 'wechat_id'],
  ['name', 'name_key'],
];

export const CONTACT_PAIRS = `
  SELECT p.a, p.b,
         array_agg(p.reason) || CASE
           WHEN (ca.company_id IS NOT NULL AND ca.company_id = cb.company_id)
             OR (ca.partner_id IS NOT NULL AND ca.partner_id = cb.partner_id)
           THEN ARRAY['organisation'] ELSE ARRAY[]::text[] END AS reasons
  FROM (${CONTACT_KEYS.map(
    ([reason, column]) => `
    SELECT x.id AS a, y.id AS b, '${reason}'::text AS reason
    FROM contacts x JOIN contacts y ON y.${column} = x.${column} AND y.id > x.id
    WHERE x.deleted_at IS NULL AND y.deleted_at IS NULL
      AND x.${column} IS NOT NULL AND y.${column} IS NOT NULL`,
  ).join('\n    UNION ALL')}
  ) p
  JOIN contacts ca ON ca.id = p.a
  JOIN contacts cb ON cb.id = p.b
  GROUP BY p.a, p.b, ca.company_id, cb.company_id, ca.partner_id, cb.partner_id`;

/**
 * The pairs of live companies or partners sharing a match key (a name without legal form, a
 * website's domain): one self-join on the overlap of `match_keys`, through its GIN index of live
 * records. The reasons are the kinds of the keys they share.
 */
export const organisationPairs = (table: 'companies' | 'partners') => `
  SELECT x.id AS a, y.id AS b,
         ARRAY(SELECT DISTINCT CASE WHEN k LIKE 'web:%' THEN 'website' ELSE 'name' END
               FROM unnest(x.match_keys) k WHERE k = ANY (y.match_keys)) AS reasons
  FROM ${table} x JOIN ${table} y ON y.match_keys && x.match_keys AND y.id > x.id
  WHERE x.deleted_at IS NULL AND y.deleted_at IS NULL`;

/** The score of a pair's reasons, in SQL over its `reasons` column. */
export const SCORE_SQL = `(SELECT coalesce(sum(CASE r ${Object.entries(REASON_WEIGHTS)
  .map(([reason, weight]) => `WHEN '${reason}' THEN ${weight}`)
  .join(' ')} ELSE 0 END), 0)::int FROM unnest(reasons) r)`;

/** A pair's reasons, strongest first. */
export const strongestFirst = (reasons: string[]): DuplicateReason[] =>
  [...new Set(reasons as DuplicateReason[])].sort(
    (x, y) => REASON_WEIGHTS[y] - REASON_WEIGHTS[x] || x.localeCompare(y),
  );
