import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { IdsFilter, MAX_IDS, OptionalCount } from './dto';

/** How many names `GET /<kind>/names` gives without `?ids=` unless told. */
export const DEFAULT_NAMES = 50;

/**
 * How a kind's records are named where a page links to them or offers them as choices
 * (`GET /<kind>/names`): a few columns, not the whole record.
 */
export interface NameSpec {
  /** The columns a name is made of: a key of `of`'s row → SQL on the kind's alias. */
  columns: Record<string, string>;
  /** The order of a list of names, as SQL (the kind's `?sort=name`); the id decides ties. */
  order: string;
  /** The name, from those columns. */
  of: (row: Record<string, string | null>) => string;
  /**
   * A dated kind's day (a trip's first day), as SQL of a `date`: its names carry it (`day`), and
   * a list of them without `ids` comes latest first — what a page offers as choices.
   */
  day?: string;
  /**
   * SQL of a second name the record also goes by (a partner's name in its own script): its names
   * carry it (`other`) where it has one, for a choice that shows both.
   */
  other?: string;
}

/** `?limit=` of a list of names. */
export class NamesLimit {
  @OptionalCount(MAX_IDS, {
    default: DEFAULT_NAMES,
    description: 'Without `ids`: the first this many by name (a dated kind’s: the latest).',
  })
  limit: number = DEFAULT_NAMES;
}

/** `?ids=` or `?limit=` of `GET /<kind>/names`. */
export class NamesQuery extends NamesLimit {
  @IdsFilter() ids?: string[];
}

export class NameDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'The name a page shows for the record' }) name: string;
  @ApiPropertyOptional({
    format: 'date',
    description:
      'A dated kind’s day (a trip’s first day); the kind’s names then come latest first.',
  })
  day?: string;
  @ApiPropertyOptional({
    description: 'A second name the record also goes by (a partner’s name in its own script).',
  })
  other?: string;
}

export class NamesDto {
  @ApiProperty({ type: [NameDto] }) items: NameDto[];
  @ApiProperty({
    description:
      'Without `ids`: there are more than `limit` (find them by the list’s search); with `ids`: false.',
  })
  more: boolean;
}

/** A kind named by one column of text (a company's name, a trip's title), ordered as `?sort=`. */
export const nameColumn = (sql: string): NameSpec => ({
  columns: { name: sql },
  order: `lower(${sql})`,
  of: (row) => row.name ?? '',
});

/**
 * The names of what `qb` finds (its alias `alias`, already in the caller's scope), in the spec's
 * order (after `first`, descending, when given; after the day, latest first, for a dated kind):
 * the first `limit` and whether there are more.
 */
export async function namesOf(
  qb: SelectQueryBuilder<ObjectLiteral>,
  spec: NameSpec,
  alias: string,
  limit: number,
  first?: string,
): Promise<NamesDto> {
  qb.select(`${alias}.id`, 'id');
  for (const [key, sql] of Object.entries(spec.columns)) qb.addSelect(sql, key);
  // As text: the driver would make a Date of a date, at midnight where the server is.
  if (spec.day) qb.addSelect(`to_char(${spec.day}, 'YYYY-MM-DD')`, 'day');
  if (spec.other) qb.addSelect(spec.other, 'other');
  const latest = first ?? spec.day;
  if (latest) qb.orderBy(latest, 'DESC', 'NULLS LAST').addOrderBy(spec.order);
  else qb.orderBy(spec.order);
  const rows = await qb
    .addOrderBy(`${alias}.id`)
    .limit(limit + 1)
    .getRawMany<Record<string, string | null>>();
  return {
    items: rows.slice(0, limit).map((row) => ({
      id: row.id!,
      name: spec.of(row),
      ...(spec.day && { day: row.day! }),
      ...(row.other && { other: row.other }),
    })),
    more: rows.length > limit,
  };
}
