import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { escapeLike, MAX_SEARCH_WORDS, normalize, searchCondition } from '../common/search';
import { SearchHitDto, SearchResultsDto } from './search.dto';

type Params = Record<string, unknown>;

interface Scope {
  /** Agency roles see every record that is not deleted. */
  agency: boolean;
  params: Params;
}

/** `technology_park` → `technology park` */
const words = (code: string | null): string | null => (code ? code.replace(/_/g, ' ') : null);
const joined = (...parts: (string | null | undefined)[]): string | null =>
  parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ') || null;

// A company user sees contacts and partners through the live leads of its company.
const CONTACT_IN_SCOPE = `EXISTS (SELECT 1 FROM leads l
  WHERE l.contact_id = c.id AND l.company_id = :scopeCompanyId AND l.deleted_at IS NULL)`;
const PARTNER_IN_SCOPE = (alias: string) => `EXISTS (SELECT 1 FROM leads l
  WHERE l.partner_id = ${alias}.id AND l.company_id = :scopeCompanyId AND l.deleted_at IS NULL)`;

/**
 * One search box over contacts, companies, partners and leads. Each query carries the caller's
 * scope in its own WHERE; the four run in parallel, each ranked by trigram similarity.
 */
@Injectable()
export class SearchService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(actor: Actor, q: string, limit: number): Promise<SearchResultsDto> {
    const term = normalize(q);
    // Nothing searchable (only punctuation or wildcards): nothing found, and no query run.
    if (term === '') return { contacts: [], companies: [], partners: [], leads: [] };
    const scope: Scope =
      actor.role === 'company'
        ? { agency: false, params: { scopeCompanyId: actor.companyId } }
        : { agency: true, params: {} };
    if (!scope.agency && !actor.companyId)
      return { contacts: [], companies: [], partners: [], leads: [] };
    const [contacts, companies, partners, leads] = await Promise.all([
      this.contacts(scope, q, term, limit),
      this.companies(scope, q, term, limit),
      this.partners(scope, q, term, limit),
      this.leads(scope, term, limit),
    ]);
    return { contacts, companies, partners, leads };
  }

  private async contacts(
    scope: Scope,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const search = searchCondition('c', q);
    // The organisation shown is one the caller may know of: for a company user its own company,
    // or a partner linked to one of its leads.
    const organisation = scope.agency
      ? 'coalesce(co.name, p.name)'
      : `coalesce(CASE WHEN co.id = :scopeCompanyId THEN co.name END,
                  CASE WHEN ${PARTNER_IN_SCOPE('p')} THEN p.name END)`;
    const rows = await this.run<{
      id: string;
      family_name: string;
      given_name: string | null;
      native_name: string | null;
      position: string | null;
      country: string | null;
      organisation: string | null;
    }>(
      `SELECT c.id, c.family_name, c.given_name, c.native_name, c.position, c.country,
              ${organisation} AS organisation
       FROM contacts c
       LEFT JOIN companies co ON co.id = c.company_id AND co.deleted_at IS NULL
       LEFT JOIN partners p ON p.id = c.partner_id AND p.deleted_at IS NULL
       WHERE c.deleted_at IS NULL
         AND ${search.sql}
         ${scope.agency ? '' : `AND ${CONTACT_IN_SCOPE}`}
       ORDER BY similarity(c.search_key, :term) DESC, c.id
       LIMIT :limit`,
      { ...search.params, ...scope.params, term, limit },
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
    scope: Scope,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const search = searchCondition('co', q);
    const rows = await this.run<{
      id: string;
      name: string;
      industry: string | null;
      city: string | null;
      country: string;
    }>(
      `SELECT co.id, co.name, co.industry, co.city, co.country
       FROM companies co
       WHERE co.deleted_at IS NULL
         AND ${search.sql}
         ${scope.agency ? '' : 'AND co.id = :scopeCompanyId'}
       ORDER BY similarity(co.search_key, :term) DESC, co.id
       LIMIT :limit`,
      { ...search.params, ...scope.params, term, limit },
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.name,
      detail: joined(r.industry, r.city, r.country),
    }));
  }

  private async partners(
    scope: Scope,
    q: string,
    term: string,
    limit: number,
  ): Promise<SearchHitDto[]> {
    const search = searchCondition('p', q);
    const rows = await this.run<{
      id: string;
      name: string;
      native_name: string | null;
      kind: string;
      city: string | null;
      country: string;
    }>(
      `SELECT p.id, p.name, p.native_name, p.kind, p.city, p.country
       FROM partners p
       WHERE p.deleted_at IS NULL
         AND ${search.sql}
         ${scope.agency ? '' : `AND ${PARTNER_IN_SCOPE('p')}`}
       ORDER BY similarity(p.search_key, :term) DESC, p.id
       LIMIT :limit`,
      { ...search.params, ...scope.params, term, limit },
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.name,
      detail: joined(r.native_name, words(r.kind), r.city, r.country),
    }));
  }

  private async leads(scope: Scope, term: string, limit: number): Promise<SearchHitDto[]> {
    // Lead titles are matched as the trigram index leads_search_idx holds them; every word of
    // the term must occur, and `%`/`_` are never wildcards (normalize() drops them, escapeLike
    // guards the rest).
    const title = 'immutable_unaccent(lower(l.title))';
    const params: Params = { ...scope.params, term, limit };
    const clauses = term
      .split(' ')
      .slice(0, MAX_SEARCH_WORDS)
      .map((word, n) => {
        params[`title${n}`] = `%${escapeLike(word)}%`;
        return `${title} LIKE :title${n}`;
      });
    const rows = await this.run<{
      id: string;
      title: string;
      stage: string;
      company_name: string;
    }>(
      `SELECT l.id, l.title, l.stage, co.name AS company_name
       FROM leads l
       JOIN companies co ON co.id = l.company_id
       WHERE l.deleted_at IS NULL
         AND ${clauses.join(' AND ')}
         ${scope.agency ? '' : 'AND l.company_id = :scopeCompanyId'}
       ORDER BY similarity(${title}, :term) DESC, l.id
       LIMIT :limit`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      label: r.title,
      detail: joined(r.company_name, r.stage),
    }));
  }

  /** Runs SQL with `:named` parameters (as searchCondition() produces them). */
  private run<T>(sql: string, params: Params): Promise<T[]> {
    const [text, values] = this.db.driver.escapeQueryWithParameters(sql, params);
    return this.db.query(text, values) as Promise<T[]>;
  }
}
