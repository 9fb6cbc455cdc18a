import type { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { organisationMatchKeys } from '../common/organisation-keys';
import { andPositional, positionalParams } from '../common/scope';
import { normalize } from '../common/search';
import { companyScope } from '../companies/scope';
import { nameKey, phoneE164 } from '../contacts/match-keys';
import { newContactNames } from '../contacts/names';
import { contactScope } from '../contacts/scope';
import { COMMON_NAME, REASON_WEIGHTS, strongestFirst } from '../merge/duplicates';
import type { DuplicateReason } from '../merge/merge.dto';
import { partnerScope } from '../partners/scope';
import type { CardFields } from './read';

/** The company or partner a card's organisation is taken to be. */
export interface OrganisationMatch {
  entity: 'company' | 'partner';
  id: string;
  name: string;
  /** `key`: the same name without legal form (or website); `similar`: close by trigrams. */
  by: 'key' | 'similar';
}

/** A live contact the card may be: the reasons of the duplicate rule, strongest first. */
export interface ContactMatch {
  id: string;
  name: string;
  reasons: DuplicateReason[];
  score: number;
}

/** How close (pg_trgm `similarity`) an organisation's search key must be to count as it. */
const SIMILAR = 0.45;

/**
 * The organisation on a card, found among the live companies, then partners, the caller sees:
 * first by the match keys the duplicate list joins on (src/common/organisation-keys.ts: the name
 * without legal form, the website's domain), else the most similar name by trigrams (through
 * the search keys' trigram indexes).
 */
export async function matchOrganisation(
  em: EntityManager,
  actor: Actor,
  fields: Pick<CardFields, 'organisation' | 'nativeOrganisation' | 'website'>,
): Promise<OrganisationMatch | null> {
  const keys = organisationMatchKeys({
    names: [fields.organisation, fields.nativeOrganisation],
    website: fields.website,
  });
  const term = normalize(fields.organisation ?? fields.nativeOrganisation ?? '');
  const tables = [
    { entity: 'company' as const, table: 'companies', scope: companyScope(actor, 'o') },
    { entity: 'partner' as const, table: 'partners', scope: partnerScope(actor, 'o') },
  ];
  if (keys.length)
    for (const { entity, table, scope } of tables) {
      const { values, param } = positionalParams(keys);
      const [row] = (await em.query(
        `SELECT o.id, o.name FROM ${table} o
         WHERE o.match_keys && $1::text[] AND o.deleted_at IS NULL ${andPositional(scope, param)}
         ORDER BY o.created_at, o.id LIMIT 1`,
        values,
      )) as { id: string; name: string }[];
      if (row) return { entity, id: row.id, name: row.name, by: 'key' };
    }
  if (term.length < 3) return null;
  let best: (OrganisationMatch & { similarity: number }) | null = null;
  for (const { entity, table, scope } of tables) {
    const { values, param } = positionalParams(term, SIMILAR);
    const [row] = (await em.query(
      `SELECT o.id, o.name, similarity(o.search_key, $1) AS similarity FROM ${table} o
       WHERE o.search_key % $1 AND similarity(o.search_key, $1) >= $2 AND o.deleted_at IS NULL
         ${andPositional(scope, param)}
       ORDER BY similarity DESC, o.id LIMIT 1`,
      values,
    )) as { id: string; name: string; similarity: number }[];
    if (row && (!best || row.similarity > best.similarity))
      best = { entity, id: row.id, name: row.name, by: 'similar', similarity: row.similarity };
  }
  return best && { entity: best.entity, id: best.id, name: best.name, by: best.by };
}

/**
 * The live contacts the caller sees that may be the person on the card, by the duplicate rule of
 * src/merge/duplicates.ts: the same e-mail, phone (E.164), WeChat id, or name key — a name held
 * by more than COMMON_NAME contacts only at the same organisation — weighted by REASON_WEIGHTS,
 * strongest first. Each key through its index.
 */
export async function matchContacts(
  em: EntityManager,
  actor: Actor,
  fields: CardFields,
  organisation: OrganisationMatch | null,
  limit = 5,
): Promise<ContactMatch[]> {
  const emails = fields.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
  const phones = fields.phones.map((p) => phoneE164(p)).filter((p): p is string => p !== null);
  const names = newContactNames({
    familyName: fields.familyName,
    givenName: fields.givenName,
    nativeName: fields.nativeName,
  });
  const key = names ? nameKey({ ...names, nativeName: fields.nativeName ?? null }) : null;
  if (!emails.length && !phones.length && !fields.wechatId && !key) return [];
  const companyId = organisation?.entity === 'company' ? organisation.id : null;
  const partnerId = organisation?.entity === 'partner' ? organisation.id : null;
  const { values, param } = positionalParams(
    emails,
    phones,
    fields.wechatId ?? null,
    key,
    companyId,
    partnerId,
    COMMON_NAME,
  );
  const rows = (await em.query(
    `WITH found AS (
       SELECT id, 'email' AS reason FROM contacts WHERE email = ANY ($1::citext[]) AND deleted_at IS NULL
       UNION ALL
       SELECT id, 'phone' FROM contacts WHERE phone_key = ANY ($2::text[]) AND deleted_at IS NULL
       UNION ALL
       SELECT id, 'wechat' FROM contacts WHERE wechat_id = $3 AND deleted_at IS NULL
       UNION ALL
       SELECT id, 'name' FROM contacts n WHERE name_key = $4 AND deleted_at IS NULL
         AND ((SELECT count(*) FROM contacts WHERE name_key = $4 AND deleted_at IS NULL) <= $7
              OR n.company_id = $5 OR n.partner_id = $6))
     SELECT c.id, c.family_name, c.given_name, c.native_name,
            array_agg(DISTINCT f.reason) || CASE WHEN c.company_id = $5 OR c.partner_id = $6
              THEN ARRAY['organisation'] ELSE ARRAY[]::text[] END AS reasons
     FROM found f JOIN contacts c ON c.id = f.id
     WHERE TRUE ${andPositional(contactScope(actor, 'c'), param)}
     GROUP BY c.id`,
    values,
  )) as {
    id: string;
    family_name: string;
    given_name: string | null;
    native_name: string | null;
    reasons: string[];
  }[];
  return rows
    .map((r) => {
      const reasons = strongestFirst(r.reasons);
      return {
        id: r.id,
        name: [r.native_name, [r.given_name, r.family_name].filter(Boolean).join(' ')]
          .filter(Boolean)
          .join(' · '),
        reasons,
        score: reasons.reduce((sum, reason) => sum + REASON_WEIGHTS[reason], 0),
      };
    })
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit);
}
