import type { IsURLOptions } from 'validator';
import { Transform } from 'class-transformer';
import { Matches, ValidateIf } from 'class-validator';
import type { Actor } from '../auth/actor';

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

/** ISO codes arrive in any case; stored upper case. */
export const UpperCase = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value.trim().toUpperCase()
      : Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v))
        : value,
  );

/** `?flag=true|false` → boolean; anything else stays and fails @IsBoolean. */
export const QueryBoolean = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

export const iso = (date: Date | null | undefined): string | null =>
  date ? date.toISOString() : null;

/** URL rule for websites: http(s) with a real host. */
export const WEBSITE_OPTIONS: IsURLOptions = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: true,
};

/**
 * For optional fields whose column is NOT NULL (a name, a kind, an array): the field may be left
 * out, but `null` is validated like any other value and refused. `@IsOptional()` would let a null
 * through to the database, where it fails as a 500 instead of a 400 naming the field.
 */
export const OptionalNonNull = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);

/** `?ownerId=me`, `?assigneeId=me`: a user's id, or `me` for the caller. */
export const IsUserIdOrMe = () =>
  Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: '$property must be a UUID or me',
  });

/** The user a `?…Id=me` filter names: the caller for `me`, else the id as given. */
export const userIdOrMe = (id: string, actor: Pick<Actor, 'userId'>): string =>
  id.toLowerCase() === 'me' ? actor.userId : id;

/** PATCH semantics: a field absent from the body is left alone. */
export function stripUndefined<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
}
