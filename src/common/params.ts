import { ArgumentMetadata, ParseUUIDPipe } from '@nestjs/common';
import { BadInput } from './errors';

/**
 * Path parameters that are ids: a malformed one is a 400 naming it, never a database error; a
 * valid one in lower case, as PostgreSQL writes it, so `A…` and `a…` are one id in every
 * comparison a service makes (a record with itself, a pair's order).
 */
class LowerCaseUuidPipe extends ParseUUIDPipe {
  override async transform(value: string, metadata: ArgumentMetadata) {
    const id = await super.transform(value, metadata);
    return typeof id === 'string' ? id.toLowerCase() : id;
  }
}

export const UuidParam = (name = 'id') =>
  new LowerCaseUuidPipe({
    exceptionFactory: () => BadInput.field(name, 'isUuid', `${name} must be a UUID`),
  });
