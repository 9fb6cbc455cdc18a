import { Inject, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { CursorPayload, decodeCursor, encodeCursor } from './cursor';
import { BadInput } from './errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `?limit=&cursor=&sort=`, shared by every list. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page, as given.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  cursor?: string;

  @ApiPropertyOptional({ description: 'A field to sort by, `-field` for descending.' })
  @IsOptional()
  @IsString()
  @Matches(/^-?[A-Za-z]{1,40}$/, { message: 'sort must be a field name, optionally prefixed by -' })
  sort?: string;
}

/**
 * A list's `?sort=` in the OpenAPI document: the fields of its whitelist, each ascending or
 * `-descending`. The service's KeysetOptions.sorts has exactly these keys (`Sorts<T, …>`), and
 * the paginator refuses any other (400, code isIn).
 */
export const SortOf = (fields: readonly string[], defaultSort: string, description?: string) =>
  ApiPropertyOptional({
    enum: fields.flatMap((f) => [f, `-${f}`]),
    default: defaultSort,
    ...(description && { description }),
  });

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The SQL type a sort column's cursor value is cast to when compared. */
export type SortType = 'text' | 'timestamptz' | 'date' | 'numeric' | 'integer';

export interface SortKey<T> {
  /** A NOT NULL SQL expression over the query's alias (nullable columns need a coalesce). */
  sql: string;
  type: SortType;
  /** The same value read off a fetched row. */
  value: (row: T) => string | number | Date;
}

/** One tier of a TieredSortKey: the rows of `where`, in the order of its own sort key. */
export interface SortTier<T> extends SortKey<T> {
  where: string;
  params?: Record<string, unknown>;
}

/**
 * A sort whose rows fall into tiers listed one after the other, each in its own order (e.g.
 * names that begin with a search term, then the other matches): ascending tier by tier, the
 * descending sort the exact reverse. The tiers' conditions must not overlap. Each tier is its own
 * query, run only when the tiers before it leave the page short; a cursor carries its row's tier.
 * A tier given as a function is made only then (e.g. after asking the planner how to sort it).
 */
export interface TieredSortKey<T> {
  tiers: (SortTier<T> | (() => Promise<SortTier<T>>))[];
}

/** A list's whitelist: one SortKey for each of its sort fields. */
export type Sorts<T, Field extends string> = Record<Field, SortKey<T> | TieredSortKey<T>>;

export interface KeysetOptions<T> {
  /** The whitelist: API field name → how to sort by it. */
  sorts: Record<string, SortKey<T> | TieredSortKey<T>>;
  /** E.g. `-createdAt`. */
  defaultSort: string;
  /** The alias' primary key column, the tie-breaker. */
  idColumn: string;
}

export const CURSOR_KEY = Symbol('CURSOR_KEY');

/**
 * Keyset pagination: `ORDER BY key, id LIMIT n+1` and `WHERE (key, id) > (last)` for the next page,
 * so page 1000 costs what page 1 costs. Never OFFSET.
 */
@Injectable()
export class Paginator {
  constructor(@Inject(CURSOR_KEY) private readonly key: Buffer) {}

  async page<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    query: PageQuery,
    options: KeysetOptions<T>,
  ): Promise<Page<T>> {
    const sortParam = query.sort ?? options.defaultSort;
    const descending = sortParam.startsWith('-');
    const field = descending ? sortParam.slice(1) : sortParam;
    // Own properties only: `constructor` or `toString` would find Object's, and sort by nothing.
    const sortKey = Object.hasOwn(options.sorts, field) ? options.sorts[field] : undefined;
    if (!sortKey) {
      throw BadInput.field(
        'sort',
        'isIn',
        `sort must be one of ${Object.keys(options.sorts)
          .map((f) => `${f}, -${f}`)
          .join(', ')}`,
      );
    }
    const direction = descending ? 'DESC' : 'ASC';
    const cursor = query.cursor === undefined ? undefined : this.cursor(query.cursor, sortParam);
    if ('tiers' in sortKey)
      return this.tiered(qb, query, options, {
        sortParam,
        descending,
        tiers: sortKey.tiers,
        cursor,
      });

    if (cursor) {
      if (cursor.tier !== undefined) throw notIssued();
      const op = descending ? '<' : '>';
      qb.andWhere(
        `(${sortKey.sql}, ${options.idColumn}) ${op} (CAST(:cursorValue AS ${sortKey.type}), CAST(:cursorId AS uuid))`,
        { cursorValue: cursor.value, cursorId: cursor.id },
      );
    }
    qb.orderBy(sortKey.sql, direction)
      .addOrderBy(options.idColumn, direction)
      .limit(query.limit + 1);
    return this.pageOf(
      await qb.getMany(),
      query.limit,
      (row) => row,
      (last) => ({
        sort: sortParam,
        value: serialise(sortKey.value(last)),
        id: idOf(last),
      }),
    );
  }

  /**
   * The first page of each of several groups of one list (a leads board's stages), in one
   * statement: `qb` is the list's query, scope and filters applied; each group's page is what
   * page() answers for `qb` with `group.sql = value` added, cursor included. The rows' ids come
   * from a LATERAL subquery per group value, so each group reads its own index range and stops
   * at its limit; one statement instead of one per group (each a round trip, a query built and
   * its rows mapped). A tiered sort and a cursor are page()'s alone.
   */
  async firstPages<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    query: PageQuery,
    options: KeysetOptions<T>,
    group: { sql: string; values: readonly string[]; of: (row: T) => string },
  ): Promise<Map<string, Page<T>>> {
    const pages = new Map<string, Page<T>>();
    if (group.values.length === 0) return pages;
    const sortParam = query.sort ?? options.defaultSort;
    const descending = sortParam.startsWith('-');
    const sortKey = options.sorts[descending ? sortParam.slice(1) : sortParam];
    if (!sortKey || 'tiers' in sortKey || query.cursor !== undefined)
      throw new Error(`firstPages: ${sortParam} is no plain sort, or a cursor was given`);
    const direction = descending ? 'DESC' : 'ASC';
    const page = qb
      .clone()
      .select(options.idColumn, 'page_id')
      .andWhere(`${group.sql} = page_group.value`)
      .orderBy(sortKey.sql, direction)
      .addOrderBy(options.idColumn, direction)
      .limit(query.limit + 1);
    const rows = await qb
      .clone()
      .where(
        `${options.idColumn} IN (SELECT page_rows.page_id
           FROM unnest(CAST(:pageGroups AS text[])) AS page_group(value)
           CROSS JOIN LATERAL (${page.getQuery()}) AS page_rows)`,
        { ...page.getParameters(), pageGroups: group.values },
      )
      .orderBy(sortKey.sql, direction)
      .addOrderBy(options.idColumn, direction)
      .getMany();
    for (const value of group.values) {
      const own = rows.filter((row) => group.of(row) === value);
      pages.set(
        value,
        this.pageOf(
          own,
          query.limit,
          (row) => row,
          (last) => ({ sort: sortParam, value: serialise(sortKey.value(last)), id: idOf(last) }),
        ),
      );
    }
    return pages;
  }

  /** The page of `rows` (one more than `limit` when more follow) and the cursor after its last. */
  private pageOf<R, T>(
    rows: R[],
    limit: number,
    itemOf: (row: R) => T,
    cursorOf: (last: R) => CursorPayload,
  ): Page<T> {
    const hasMore = rows.length > limit;
    const items = hasMore ? rows.slice(0, limit) : rows;
    const last = items[items.length - 1];
    return {
      items: items.map(itemOf),
      nextCursor: hasMore && last !== undefined ? encodeCursor(this.key, cursorOf(last)) : null,
    };
  }

  /** The cursor of `?cursor=`, checked to be one this server issued for this sort. */
  private cursor(token: string, sortParam: string): CursorPayload {
    const cursor = decodeCursor(this.key, token);
    if (!cursor) throw notIssued();
    if (cursor.sort !== sortParam) {
      throw BadInput.field('cursor', 'cursor', 'cursor belongs to another sort order');
    }
    if (!/^[0-9a-f-]{36}$/.test(cursor.id) || cursor.value === null) throw notIssued();
    return cursor;
  }

  /**
   * A page of a TieredSortKey: tier after tier (descending: from the last), each queried for what
   * the page still lacks, from the cursor's tier on. Within the cursor's tier the keyset condition
   * is also a bound of the tier's sort expression (`key >= value`), which narrows the range its
   * index is read in and the planner's estimate alike; the exact comparison of (key, id) is left
   * out of the estimate (a coalesce() it has no statistics for counts as one half): estimated as
   * independent of that range, which it lies within, it made the planner expect a handful of
   * rows where thousands remain, and sort them all instead of reading the first few in order.
   */
  private async tiered<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    query: PageQuery,
    options: KeysetOptions<T>,
    sort: {
      sortParam: string;
      descending: boolean;
      tiers: TieredSortKey<T>['tiers'];
      cursor: CursorPayload | undefined;
    },
  ): Promise<Page<T>> {
    const { sortParam, descending, tiers, cursor } = sort;
    if (cursor && (cursor.tier === undefined || cursor.tier >= tiers.length)) throw notIssued();
    const direction = descending ? 'DESC' : 'ASC';
    const op = descending ? '<' : '>';
    const order = tiers.map((_, n) => n);
    if (descending) order.reverse();
    const rows: { row: T; tier: number }[] = [];
    const made: SortTier<T>[] = [];
    for (const n of order.slice(cursor?.tier === undefined ? 0 : order.indexOf(cursor.tier))) {
      if (rows.length > query.limit) break;
      const given = tiers[n];
      const tier = (made[n] = typeof given === 'function' ? await given() : given);
      const tierQuery = qb.clone().andWhere(tier.where, tier.params);
      if (cursor?.tier === n) {
        const value = `CAST(:cursorValue AS ${tier.type})`;
        tierQuery.andWhere(
          `${tier.sql} ${op}= ${value}
           AND coalesce((${tier.sql}, ${options.idColumn}) ${op} (${value}, CAST(:cursorId AS uuid)), false)`,
          { cursorValue: cursor.value, cursorId: cursor.id },
        );
      }
      tierQuery
        .orderBy(tier.sql, direction)
        .addOrderBy(options.idColumn, direction)
        .limit(query.limit + 1 - rows.length);
      for (const row of await tierQuery.getMany()) rows.push({ row, tier: n });
    }
    return this.pageOf(
      rows,
      query.limit,
      (r) => r.row,
      (last) => ({
        sort: sortParam,
        value: serialise(made[last.tier].value(last.row)),
        id: idOf(last.row),
        tier: last.tier,
      }),
    );
  }
}

const notIssued = () => BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');

const idOf = (row: unknown): string => String((row as { id: string }).id);

function serialise(value: string | number | Date): string | number {
  return value instanceof Date ? value.toISOString() : value;
}
