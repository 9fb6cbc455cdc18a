import { ParseUUIDPipe } from '@nestjs/common';
import { BadInput } from './errors';

/** `:id` path parameters: a malformed id is a 400 naming `id`, never a database error. */
export const UuidParam = () =>
  new ParseUUIDPipe({ exceptionFactory: () => BadInput.field('id', 'id must be a UUID') });
