import { ParseUUIDPipe } from '@nestjs/common';
import { BadInput } from './errors';

/** Path parameters that are ids: a malformed one is a 400 naming it, never a database error. */
export const UuidParam = (name = 'id') =>
  new ParseUUIDPipe({
    exceptionFactory: () => BadInput.field(name, 'isUuid', `${name} must be a UUID`),
  });
