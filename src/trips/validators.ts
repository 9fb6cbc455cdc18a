import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { canonicalTimeZone, isDay, parseInstant } from './time';

/** A real calendar day, `YYYY-MM-DD` (`2019-02-30` is refused). */
export const IsDay = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDay',
      validator: {
        validate: (value) => isDay(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a real calendar day, YYYY-MM-DD`,
      },
    },
    options,
  );

/** An ISO 8601 instant with its offset, e.g. `2019-10-21T14:00:00+08:00`. */
export const IsInstant = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) => parseInstant(value) !== undefined,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO 8601 date-time with an offset, e.g. 2019-10-21T14:00:00+08:00`,
      },
    },
    options,
  );

/** An IANA time zone the server knows, e.g. `Asia/Shanghai`. */
export const IsTimeZone = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value) => canonicalTimeZone(value) !== undefined,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an IANA time zone such as Asia/Shanghai or Europe/Berlin`,
      },
    },
    options,
  );

/**
 * The field may be left out (a default applies), but not sent as null: it cannot be empty.
 * (`@IsOptional()` lets null through, which would reach a NOT NULL column.)
 */
export const OmitOrValid = () =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
