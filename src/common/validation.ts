import { ValidationError, ValidationPipe } from '@nestjs/common';
import { BadInput, FieldError } from './errors';

/** `destinations.0.country` style paths, one entry per failed constraint. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({
        field,
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

/** The one validation setup: unknown fields are refused, bodies and queries become DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadInput(flattenValidationErrors(errors)),
  });
}
