import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { estimatedRows } from '../common/estimate';
import { onlyWhere, SqlCondition } from '../common/scope';
import {
  escapeLike,
  MAX_SEARCH_WORDS,
  namePrefixPattern,
  normalize,
  searchCondition,
} from '../common/search';
import {
  contactNameBeginsWith,
  contactNameOrder,
  contactNamePrefixOrder,
} from '../contacts/contact-search';
import { contactScope } from '../contacts/scope';
import { companyScope } from '../companies/scope';
import { leadScope } from '../leads/scope';
import { partnerScope } from '../partners/scope';
import { SearchHitDto, SearchResultsDto } from './search.dto';

type Params = Record<string, unknown>;

/** `AND <rule>` for a query's WHERE, empty where the caller sees every record of the kind. */
const and = (condition: SqlCondition | undefined): string =>
  condition ? `AND ${condition.sql}` : '';

/** `technology_park` → `technology park` */
const words = (code: string | null): string | null => (code ? code.replace(/_/g, ' ') : null);
const joined = (...parts: (string | null | undefined)[]): string | null =>
  parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ') || null;

/**
 * How hits are ranked depends on how many match, as the planner estimates it. Up to
 * RANK_ALL_UP_TO, by trigram similarity: it works out a similarity for every match (some 20 µs
 * each on a search key of 120 characters), which took 41 ms for "wang f" (1,500 matches among
 * 200,000 contacts) and 670 ms for "ang" (40,000). Above, names that begin with the term first
 * ("Wang Fang" for "wang f"), then by name. Where the table has a name index in byte order
 * (`prefix`, contacts_name_prefix_idx) those names are read off it in its order, the first
 * `limit` of them and no more, and the other matches are looked for only when there are fewer
 * such names than `limit`: sorting all 3,351 matches of "zhang" to show ten took 34 ms, reading
 * the first ten Zhangs off the index 0.3 ms. The others, up to SORT_MATCHES_UP_TO, are sorted;
 * beyond, the table's name index (contacts_name_idx, …) is walked, which finds the first few of
 * that many matches at once where they spread over the alphabet. Not where they cluster: the
 * ~17,000 Zhangs of 1,000,000 contacts sort at its end, and walking the name index to them took
 * 2.8 s; they begin with the term, so they come off the prefix index now. Without a prefix index
 * (leads) beyond SORT_MATCHES_UP_TO only by name.
 */
const RANK_ALL_UP_TO = 300;
const SORT_MATCHES_UP_TO = 5_000;

/**
 * One search box over contacts, companies, partners and leads. Each query carries the caller's
 * scope in its own WHERE; the four run in parallel, each ranked as RANK_ALL_UP_TO describes.
 */
@Injectable()
export class SearchService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(actor: Actor, q: string, limit: number): Promise<SearchResultsDto> {
    const term = normalize(q);
    // Nothing searchable (only punctuation or wildcards): nothing found, and no query run.
    if (term === '') return { contacts: [], companies: [], partners: [], leads: [] };
    if (!isAgency(actor) && !actor.companyId)
      return { contacts: [], companies: [], partners: [], leads: [] };
    const [contacts, companies, partners, leads] = await Promise.all([
      this.contacts(actor, q, term, limit),
      this.companies(actor, q, term, limit),
      this.partners(actor, q, term, limit),
      this.leads(actor, q, term, limit),
    ]);
    return { contacts, companies, partners, leads };
  }

  private async contacts(
    actor: Actor,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const search = searchCondition('c', q);
    // The organisation shown is one the caller may know of: for a company user its own company,
    // or a partner linked to one of its leads.
    const company = companyScope(actor, 'co');
    const partner = partnerScope(actor, 'p');
    const contact = contactScope(actor, 'c');
    const beginsWith = contactNameBeginsWith('c', q);
    const organisation = `coalesce(${onlyWhere(company, 'co.name')}, ${onlyWhere(partner, 'p.name')})`;
    const rows = await this.ranked<{
      id: string;
      family_name: string;
      given_name: string | null;
      native_name: string | null;
      position: string | null;
      country: string | null;
      organisation: string | null;
    }>(
      {
        select: `c.id, c.family_name, c.given_name, c.native_name, c.position, c.country,
                 ${organisation} AS organisation`,
        from: 'contacts c',
        joins: `LEFT JOIN companies co ON co.id = c.company_id AND co.deleted_at IS NULL
                LEFT JOIN partners p ON p.id = c.partner_id AND p.deleted_at IS NULL`,
        where: `c.deleted_at IS NULL
                AND ${search.sql}
                ${and(contact)}`,
        similarity: 'similarity(c.search_key, :term)',
        name: contactNameOrder('c'),
        prefix: { order: contactNamePrefixOrder('c'), beginsWith: beginsWith.sql },
        id: 'c.id',
      },
      {
        ...search.params,
        ...company?.params,
        ...partner?.params,
        ...contact?.params,
        ...beginsWith.params,
        term,
        limit,
      },
    );
    return rows.map((r) => ({
      id: r.id,
      label:
        [r.given_name, r.family_name].filter(Boolean).join(' ') +
        (r.native_name ? ` (${r.native_name})` : ''),
      detail: joined(r.position, r.organisation, r.country),
    }));
  }

  private async companies(
    actor: Actor,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const search = searchCondition('co', q);
    const scope = companyScope(actor, 'co');
    const rows = await this.ranked<{
      id: string;
      name: string;
      industry: string | null;
      city: string | null;
      country: string;
    }>(
      {
        select: 'co.id, co.name, co.industry, co.city, co.country',
        from: 'companies co',
        where: `co.deleted_at IS NULL
                AND ${search.sql}
                ${and(scope)}`,
        similarity: 'similarity(co.search_key, :term)',
        name: 'lower(co.name)',
        id: 'co.id',
        small: true,
      },
      { ...search.params, ...scope?.params, term, limit, namePrefix: namePrefixPattern(q) },
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.name,
      detail: joined(r.industry, r.city, r.country),
    }));
  }

  private async partners(
    actor: Actor,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const search = searchCondition('p', q);
    const scope = partnerScope(actor, 'p');
    const rows = await this.ranked<{
      id: string;
      name: string;
      native_name: string | null;
      kind: string;
      city: string | null;
      country: string;
    }>(
      {
        select: 'p.id, p.name, p.native_name, p.kind, p.city, p.country',
        from: 'partners p',
        where: `p.deleted_at IS NULL
                AND ${search.sql}
                ${and(scope)}`,
        similarity: 'similarity(p.search_key, :term)',
        name: 'lower(p.name)',
        id: 'p.id',
        small: true,
      },
      { ...search.params, ...scope?.params, term, limit, namePrefix: namePrefixPattern(q) },
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.name,
      detail: joined(r.native_name, words(r.kind), r.city, r.country),
    }));
  }

  private async leads(
    actor: Actor,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const scope = leadScope(actor, 'l');
    // Lead titles are matched as the trigram index leads_search_idx holds them; every word of
    // the term must occur, and `%`/`_` are never wildcards (normalize() drops them, escapeLike
    // guards the rest).
    const title = 'immutable_unaccent(lower(l.title))';
    const params: Params = { ...scope?.params, term, limit, namePrefix: namePrefixPattern(q) };
    const clauses = term
      .split(' ')
      .slice(0, MAX_SEARCH_WORDS)
      .map((word, n) => {
        params[`title${n}`] = `%${escapeLike(word)}%`;
        return `${title} LIKE :title${n}`;
      });
    const rows = await this.ranked<{
      id: string;
      title: string;
      stage: string;
      company_name: string;
    }>(
      {
        select: 'l.id, l.title, l.stage, co.name AS company_name',
        from: 'leads l',
        joins: 'JOIN companies co ON co.id = l.company_id',
        where: `l.deleted_at IS NULL
                AND ${clauses.join(' AND ')}
                ${and(scope)}`,
        similarity: `similarity(${title}, :term)`,
        name: 'lower(l.title)',
        id: 'l.id',
      },
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.title,
      detail: joined(r.company_name, r.stage),
    }));
  }

  /**
   * The first `:limit` rows of a search, ranked as RANK_ALL_UP_TO describes by how many rows the
   * planner expects it to find. `params` holds `:term`, the normalised search term, and
   * `:namePrefix`, the pattern of names that begin with it (namePrefixPattern).
   */
  private async ranked<T>(
    query: {
      select: string;
      /** One table and its alias; `where` and the ranking refer to it alone. */
      from: string;
      /** Tables joined to the hits, for what they show. */
      joins?: string;
      where: string;
      /** Trigram similarity of a row to `:term`. */
      similarity: string;
      /** The expression of the table's name index. */
      name: string;
      /**
       * The same name `COLLATE "C"`, the expression of a btree index over the live rows (`order`),
       * and the condition of a name that begins with the term (`beginsWith`): a range of it, in
       * its order.
       */
      prefix?: { order: string; beginsWith: string };
      id: string;
      /**
       * A table of thousands of rows at most (companies, partners): every match is ranked by
       * similarity, without asking the planner first (that costs more than it saves there).
       */
      small?: boolean;
    },
    params: Params,
  ): Promise<T[]> {
    const { from, where, similarity, name, prefix, id } = query;
    const matches = query.small
      ? 0
      : await this.estimate(`SELECT 1 FROM ${from} WHERE ${where}`, params);
    if (matches <= RANK_ALL_UP_TO) return this.hits<T>(query, `${similarity} DESC, ${id}`, params);
    if (!prefix)
      return matches > SORT_MATCHES_UP_TO
        ? this.hits<T>(query, `${name}, ${id}`, params)
        : this.hits<T>(query, `(${name} LIKE :namePrefix) DESC, ${name}, ${id}`, params);
    // Names that begin with the term, off the index in its order. The subquery with OFFSET 0
    // keeps the search condition out of the index scan: pushed into it, the planner estimates
    // the two as independent (38 rows where 3,351 match), and combines both indexes' bitmaps of
    // every match, to sort them. The hits are taken in its order (`sorted`): sorted again, the
    // subquery would be planned to return every row, and would sort them all itself.
    const alias = from.split(' ').pop()!;
    const beginning = await this.hits<T>(
      {
        ...query,
        from: `(SELECT ${alias}.*, ${prefix.order} AS name_rank FROM ${from}
                WHERE ${alias}.deleted_at IS NULL AND ${prefix.beginsWith}
                ORDER BY name_rank, ${id} OFFSET 0) ${alias}`,
        sorted: true,
      },
      `${alias}.name_rank, ${id}`,
      params,
    );
    const rest = Number(params.limit) - beginning.length;
    if (rest === 0) return beginning;
    const others = await this.hits<T>(
      { ...query, where: `${where} AND NOT (${prefix.beginsWith})` },
      `${name}, ${id}`,
      { ...params, limit: rest },
    );
    return [...beginning, ...others];
  }

  /**
   * The first `:limit` rows of a query in `order`, chosen before anything is joined to them
   * (joined first, every match was). `sorted`: `from` is a subquery that returns its rows in
   * that order already.
   */
  private hits<T>(
    query: { select: string; from: string; joins?: string; where: string; sorted?: boolean },
    order: string,
    params: Params,
  ): Promise<T[]> {
    const { select, from, joins, where } = query;
    const alias = from.split(' ').pop()!;
    return this.run<T>(
      `SELECT ${select}
       FROM (SELECT ${alias}.* FROM ${from} WHERE ${where}
             ${query.sorted ? '' : `ORDER BY ${order}`} LIMIT :limit) ${alias}
       ${joins ?? ''}
       ORDER BY ${order}`,
      params,
    );
  }

  /** The rows SQL with `:named` parameters would return, as the planner estimates them. */
  private estimate(sql: string, params: Params): Promise<number> {
    const [text, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    return estimatedRows(this.db, text, values);
  }

  /** Runs SQL with `:named` parameters (as searchCondition() produces them). */
  private run<T>(sql: string, params: Params): Promise<T[]> {
    const [text, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    return this.db.query(text, values) as Promise<T[]>;
  }
}
