import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  Matches,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import type { IsURLOptions } from 'validator';
import type { Actor } from '../auth/actor';
import { isDay } from './day';
import { isInstant } from './instant';
import { PageQuery, SortOf } from './pagination';

/*
 * The kit of field validators every request DTO is written with: one name per idea, one message
 * per rule code. Rules (`IsId`, `IsCountry`, …) name the code a client gets; fields (`OptionalText`,
 * `OptionalId`, `DeletedFilter`, …) bundle the OpenAPI property, presence, transform and rule of
 * a field group that several kinds share.
 */

// ---- Transforms ----

/** Trims strings; an empty string becomes null (a cleared field), other values pass through. */
export const TrimToNull = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  });

/** Trims strings, keeps empty ones (so a required field still fails its length check). */
export const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims each string of a list. */
export const TrimEach = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value,
  );

/** ISO codes arrive in any case; stored upper case. */
export const UpperCase = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value.trim().toUpperCase()
      : Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v))
        : value,
  );

/** UUIDs compare in lower case, as PostgreSQL writes them. */
export const LowerCase = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );

/** `?flag=true|false` → boolean; anything else stays and fails @IsBoolean. */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

// ---- Presence ----

/**
 * For optional fields whose column is NOT NULL (a name, a kind, an array): the field may be left
 * out, but `null` is validated like any other value and refused. `@IsOptional()` would let a null
 * through to the database, where it fails as a 500 instead of a 400 naming the field.
 */
export const OptionalNonNull = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

// ---- Rules: one message per code ----

/** URL rule for websites: http(s) with a real host. */
export const WEBSITE_OPTIONS: IsURLOptions = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: true,
};

/** isUuid */
export const IsId = (options?: ValidationOptions) =>
  IsUUID('all', { message: '$property must be a UUID', ...options });

/** isIso31661Alpha2 */
export const IsCountry = () =>
  IsISO31661Alpha2({ message: '$property must be an ISO 3166-1 alpha-2 code such as DE or CN' });

/** isIso31661Alpha2 for a list of countries. */
export const IsCountries = () =>
  IsISO31661Alpha2({ each: true, message: '$property must hold ISO 3166-1 alpha-2 codes' });

/** isIn */
export const IsOneOf = (values: readonly string[]) =>
  IsIn(values, { message: `$property must be one of ${values.join(', ')}` });

/** isBoolean */
export const IsFlag = () => IsBoolean({ message: '$property must be true or false' });

/** isUrl */
export const IsWebsite = () =>
  IsUrl(WEBSITE_OPTIONS, { message: '$property must be an http(s) URL' });

/** matches: `?ownerId=me`, `?assigneeId=me`: a user's id, or `me` for the caller. */
export const IsUserIdOrMe = () =>
  Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: '$property must be a UUID or me',
  });

/**
 * isAmount: a finite number with at most two decimals, an amount of money. class-validator's
 * `maxDecimalPlaces` splits the number's text at its point and throws on `5e-324`, which has none.
 */
export const isAmount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Number(value.toFixed(2)) === value;

export const IsAmount = () =>
  ValidateBy({
    name: 'isAmount',
    validator: {
      validate: isAmount,
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be an amount in EUR with at most two decimals`,
    },
  });

/** isDay: a `date` column's input, a real calendar day `YYYY-MM-DD`. */
export const IsDay = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDay',
      validator: {
        validate: (value: unknown) => isDay(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a real calendar day as YYYY-MM-DD`,
      },
    },
    options,
  );

/**
 * isInstant: an ISO 8601 instant with its offset on a real calendar day. `accepts` narrows the
 * rule where the value's parser is stricter (an appointment's instant: milliseconds, year ≥ 1000).
 */
export const IsInstant = (accepts: (value: unknown) => boolean = isInstant) =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => accepts(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must be an ISO 8601 instant with offset on a real date, e.g. 2026-10-20T09:30:00+08:00`,
    },
  });

// ---- Fields: a field group written once ----

/** Decorators in the order they are written above a property (the lowest applies first). */
const field = (...decorators: PropertyDecorator[]) => applyDecorators(...decorators.reverse());

/** A text that cannot be empty: trimmed, 1 to `max` characters. */
export const NonEmptyText = (max: number) => field(Trim(), IsString(), Length(1, max));

/** A required text, trimmed, 1 to `max` characters. */
export const RequiredText = (max: number, api?: ApiPropertyOptions) =>
  field(ApiProperty(api), NonEmptyText(max));

/** An optional text, trimmed; empty or null clears it. */
export const OptionalText = (max: number, api?: ApiPropertyOptions) =>
  field(ApiPropertyOptional(api), IsOptional(), TrimToNull(), IsString(), MaxLength(max));

/** A website, http(s) with a real host; empty or null clears it. */
export const OptionalWebsite = (api?: ApiPropertyOptions) =>
  field(ApiPropertyOptional(api), IsOptional(), TrimToNull(), IsWebsite(), MaxLength(500));

/** The id of a record the body or query refers to. */
export const RequiredId = (api?: ApiPropertyOptions) =>
  field(ApiProperty({ format: 'uuid', ...api } as ApiPropertyOptions), LowerCase(), IsId());

/** An optional id: a reference in a body (null clears it), or a filter in a query. */
export const OptionalId = (api?: ApiPropertyOptions) =>
  field(
    ApiPropertyOptional({ format: 'uuid', ...api } as ApiPropertyOptions),
    IsOptional(),
    LowerCase(),
    IsId(),
  );

/** An optional calendar day (null clears it, or a query's bound). */
export const OptionalDay = (api?: ApiPropertyOptions) =>
  field(
    ApiPropertyOptional({ format: 'date', ...api } as ApiPropertyOptions),
    IsOptional(),
    IsDay(),
  );

/** An optional amount in EUR, 0 to `max`, two decimals at most; null clears it. */
export const OptionalAmount = (max: number, api?: ApiPropertyOptions) =>
  field(
    ApiPropertyOptional({ nullable: true, minimum: 0, maximum: max, ...api }),
    IsOptional(),
    IsAmount(),
    Min(0, { message: '$property must not be negative' }),
    Max(max, { message: `$property must not exceed ${max}` }),
  );

/** An optional count in a query (`?limit=`, `?top=`): a whole number from 1 to `max`. */
export const OptionalCount = (max: number, api?: ApiPropertyOptions) =>
  field(
    ApiPropertyOptional({ minimum: 1, maximum: max, ...api } as ApiPropertyOptions),
    IsOptional(),
    Type(() => Number),
    IsInt({ message: '$property must be a whole number' }),
    Min(1, { message: '$property must be at least 1' }),
    Max(max, { message: `$property must not exceed ${max}` }),
  );

/** An optional country; `api` gives its example. */
export const OptionalCountry = (api?: ApiPropertyOptions) =>
  field(ApiPropertyOptional(api), IsOptional(), UpperCase(), IsCountry());

/** A body's enumerated field with a default: it may be left out, not sent as null. */
export const OneOf = (values: readonly string[], api?: ApiPropertyOptions) =>
  field(
    ApiPropertyOptional({ enum: values, ...api } as ApiPropertyOptions),
    OptionalNonNull(),
    IsOneOf(values),
  );

/** A body's flag with a default: it may be left out, not sent as null. */
export const OptionalFlag = (api?: ApiPropertyOptions) =>
  field(ApiPropertyOptional(api), OptionalNonNull(), IsFlag());

/** `?q=`: words or part of a name, described per list. */
export const SearchTerm = (description: string) =>
  field(ApiPropertyOptional({ description }), IsOptional(), IsString(), MaxLength(200));

/** `?status=`, `?kind=`: one of an enumeration's values. */
export const OneOfFilter = (values: readonly string[]) =>
  field(ApiPropertyOptional({ enum: values }), IsOptional(), IsOneOf(values));

/** `?flag=true|false`. */
export const FlagFilter = (api?: ApiPropertyOptions) =>
  field(ApiPropertyOptional(api), IsOptional(), QueryBoolean(), IsFlag());

/** `?deleted=true`: the soft-deleted records, to restore them. */
export const DeletedFilter = (what = 'records') =>
  FlagFilter({
    description: `true: only soft-deleted ${what} (agency staff), to restore them.`,
  });

/** The most ids `?ids=` takes: one page of a list at its largest. */
export const MAX_IDS = 200;

/**
 * `?ids=a,b,c`: only these records (comma-separated, or the parameter repeated), e.g. the names
 * of the records a page links to. An id the caller may not see is simply not in the answer.
 */
export const IdsFilter = () =>
  field(
    ApiPropertyOptional({
      description: `Only the records with these ids (comma-separated UUIDs, at most ${MAX_IDS}), e.g. to name the records a page links to.`,
      example: '0b0c6f9e-3d5e-4f41-9f0e-2f4b8a6a5c11,5d7e9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' || Array.isArray(value)
        ? [value]
            .flat()
            .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
            .map((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v))
            .filter((v) => v !== '')
        : value,
    ),
    IsArray({ message: '$property must be comma-separated UUIDs' }),
    ArrayMaxSize(MAX_IDS, { message: `$property must hold at most ${MAX_IDS} ids` }),
    IsUUID('all', { each: true, message: '$property must hold UUIDs' }),
  );

/** `?ownerId=me`: a user's id, or `me` for the caller. */
export const UserIdOrMeFilter = (
  api: ApiPropertyOptions = { description: 'A user id, or `me`.' },
) => field(ApiPropertyOptional(api), IsOptional(), IsString(), IsUserIdOrMe());

/**
 * A searchable list's query: `?limit=&cursor=`, `?sort=` from its whitelist and `?q=`, described
 * per list. The list's filters follow in the class that extends it.
 */
export function ListQuery(
  sorts: readonly string[],
  defaultSort: string,
  search: string,
  sortDescription?: string,
) {
  class SearchableListQuery extends PageQuery {
    @SortOf(sorts, defaultSort, sortDescription)
    override sort?: string = undefined;

    @SearchTerm(search)
    q?: string;
  }
  return SearchableListQuery;
}

// ---- Answers ----

export const iso = (date: Date | null | undefined): string | null =>
  date ? date.toISOString() : null;

/** The user a `?…Id=me` filter names: the caller for `me`, else the id as given. */
export const userIdOrMe = (id: string, actor: Pick<Actor, 'userId'>): string =>
  id.toLowerCase() === 'me' ? actor.userId : id;

/** PATCH semantics: a field absent from the body is left alone. */
export function stripUndefined<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
}
