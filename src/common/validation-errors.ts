import type { ValidationError, ValidatorOptions } from 'class-validator';
import type { FieldError } from './errors';

/** How every body and query is validated: unknown fields are refused. */
export const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  // The value is kept for codeOf (missing or not); it never reaches the answer.
  validationError: { target: false, value: true },
} as const satisfies ValidatorOptions;

/**
 * The code of a failed constraint: its key (`isEmail`, `maxLength`, …), except for a field that
 * is not allowed (`unknown`) and for a value that is missing or null where one is needed
 * (`required`): whichever constraint happened to be checked first (`isString`, `isLength`) would
 * tell a client nothing about what to do.
 */
function codeOf(constraint: string, error: ValidationError): string {
  if (constraint === 'whitelistValidation' || constraint === 'unknownValue') return 'unknown';
  if (error.value === undefined || error.value === null) return 'required';
  return constraint;
}

/** `destinations.0.country` style paths, one entry per failed constraint. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        field,
        code: codeOf(constraint, error),
        message: message.replace(
          /^an unknown value was passed to the validate function$/,
          `${field} is not allowed`,
        ),
      });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}
