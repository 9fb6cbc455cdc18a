import { ValidationPipe } from '@nestjs/common';
import { BadInput } from './errors';
import { flattenValidationErrors, VALIDATOR_OPTIONS } from './validation-errors';

/** The one validation setup: unknown fields are refused, bodies and queries become DTOs. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => new BadInput(flattenValidationErrors(errors)),
  });
}
