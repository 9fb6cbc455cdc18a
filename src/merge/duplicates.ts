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
 * A name shared by more live contacts than this says little on its own (王伟 Wang Wei is one of
 * China's most common names): such contacts are paired by name only within one organisation, so
 * a common name does not flood the list with the square of its bearers.
 */
export const COMMON_NAME = 20;

/** Whether the two contacts of a pair work at the same company or partner. */
const SAME_ORGANISATION = `coalesce(x.company_id = y.company_id OR x.partner_id = y.partner_id, false)`;

/**
 * The pairs of live contacts sharing one key: first the key's values held more than once, read
 * from the key's index alone (an index-only scan, grouped in index order), then the few contacts
 * holding each through the same index. `live`: the index holds live contacts only (its predicate
 * must then be in the query); `having` the count of holders, `also` a further condition on a pair.
 */
const pairsOn = (
  reason: DuplicateReason,
  column: string,
  o: { live: boolean; having?: string; also?: string },
) => `
    SELECT x.id AS a, y.id AS b, '${reason}'::text AS reason, ${SAME_ORGANISATION} AS same_organisation
    FROM (SELECT ${column} AS k FROM contacts
          WHERE ${column} IS NOT NULL ${o.live ? 'AND deleted_at IS NULL' : ''}
          GROUP BY ${column} HAVING count(*) ${o.having ?? '> 1'}) shared
    CROSS JOIN LATERAL (${holders(column, 'shared.k')}) x
    CROSS JOIN LATERAL (${holders(column, 'shared.k', 'AND id > x.id')}) y
    ${o.also ? `WHERE ${o.also}` : ''}`;

/**
 * The live contacts holding one value of a key, looked up through the key's index for each value
 * (OFFSET 0 keeps the planner from turning the lookups into a join over every contact: it cannot
 * know how few values are shared).
 */
const holders = (column: string, value: string, also = '') =>
  `SELECT id, company_id, partner_id FROM contacts
   WHERE ${column} = ${value} AND deleted_at IS NULL ${also} OFFSET 0`;

/**
 * The pairs of live contacts sharing an e-mail address (contacts_email_idx), a phone in E.164
 * (contacts_phone_key_idx), a WeChat id (contacts_wechat_id_idx) or a name key
 * (contacts_name_key_idx): the work grows with the contacts' index entries and the pairs found,
 * never with the square of the contacts. Columns: a, b (a < b), reasons.
 */
export const CONTACT_PAIRS = `
  SELECT p.a, p.b,
         array_agg(DISTINCT p.reason) || CASE WHEN bool_or(p.same_organisation)
           THEN ARRAY['organisation'] ELSE ARRAY[]::text[] END AS reasons
  FROM (${[
    pairsOn('email', 'email', { live: false }),
    pairsOn('phone', 'phone_key', { live: true }),
    pairsOn('wechat', 'wechat_id', { live: true }),
    pairsOn('name', 'name_key', { live: true, having: `BETWEEN 2 AND ${COMMON_NAME}` }),
    pairsOn('name', 'name_key', {
      live: true,
      having: `> ${COMMON_NAME}`,
      also: '(y.company_id = x.company_id OR y.partner_id = x.partner_id)',
    }),
  ].join('\n    UNION ALL')}
  ) p
  GROUP BY p.a, p.b`;

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

/** Leaves out the pairs someone marked "not a duplicate" (a query over `pairs` with a and b). */
export const notMarked = (kind: string) =>
  `NOT EXISTS (SELECT 1 FROM not_duplicates n
     WHERE n.kind = '${kind}' AND n.a = pairs.a AND n.b = pairs.b)`;
