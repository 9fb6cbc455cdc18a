import { Inject, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, encodeCursor } from './cursor';
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
export const SortOf = (fields: readonly string[], defaultSort: string) =>
  ApiPropertyOptional({
    enum: fields.flatMap((f) => [f, `-${f}`]),
    default: defaultSort,
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

/** A list's whitelist: one SortKey for each of its sort fields. */
export type Sorts<T, Field extends string> = Record<Field, SortKey<T>>;

export interface KeysetOptions<T> {
  /** The whitelist: API field name → how to sort by it. */
  sorts: Record<string, SortKey<T>>;
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

    if (query.cursor !== undefined) {
      const cursor = decodeCursor(this.key, query.cursor);
      if (!cursor) throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
      if (cursor.sort !== sortParam) {
        throw BadInput.field('cursor', 'cursor', 'cursor belongs to another sort order');
      }
      if (!/^[0-9a-f-]{36}$/.test(cursor.id) || cursor.value === null) {
        throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
      }
      const op = descending ? '<' : '>';
      qb.andWhere(
        `(${sortKey.sql}, ${options.idColumn}) ${op} (CAST(:cursorValue AS ${sortKey.type}), CAST(:cursorId AS uuid))`,
        { cursorValue: cursor.value, cursorId: cursor.id },
      );
    }
    qb.orderBy(sortKey.sql, direction)
      .addOrderBy(options.idColumn, direction)
      .limit(query.limit + 1);
    const rows = await qb.getMany();
    const hasMore = rows.length > query.limit;
    const items = hasMore ? rows.slice(0, query.limit) : rows;
    const last = items[items.length - 1];
    const nextCursor =
      hasMore && last
        ? encodeCursor(this.key, {
            sort: sortParam,
            value: serialise(sortKey.value(last)),
            id: String((last as unknown as { id: string }).id),
          })
        : null;
    return { items, nextCursor };
  }
}

function serialise(value: string | number | Date): string | number {
  return value instanceof Date ? value.toISOString() : value;
}
