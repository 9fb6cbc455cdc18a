/** A field-level complaint about the request, as it appears in a problem's `errors`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Domain errors: services throw these, one exception filter turns them into problem+json.
 * They carry no HTTP types so that services stay free of transport concerns.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly slug: string;
  readonly headers: Record<string, string> = {};
}

export class BadInput extends DomainError {
  readonly status = 400;
  readonly slug = 'validation';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
  static field(field: string, message: string): BadInput {
    return new BadInput([{ field, message }]);
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly slug = 'unauthorized';
  constructor(message = 'Authentication is required.') {
    super(message);
    this.headers['WWW-Authenticate'] = 'Bearer';
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly slug = 'forbidden';
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly slug = 'not-found';
  constructor(kind = 'resource', id?: string) {
    super(id ? `No ${kind} with id ${id}.` : `No such ${kind}.`);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly slug = 'conflict';
}

export class VersionConflict extends DomainError {
  readonly status = 412;
  readonly slug = 'version-conflict';
  constructor(readonly currentVersion?: number) {
    super(
      'The record was changed by someone else since you read it. Reload it and apply your change again.',
    );
    if (currentVersion !== undefined) this.headers.ETag = `"${currentVersion}"`;
  }
}

export class PreconditionRequired extends DomainError {
  readonly status = 428;
  readonly slug = 'precondition-required';
  constructor() {
    super('This change needs an If-Match header with the version (ETag) you last read.');
  }
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly slug = 'too-many-requests';
  constructor(retryAfterSeconds: number, message = 'Too many attempts. Try again later.') {
    super(message);
    this.headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  readonly slug = 'unavailable';
  constructor(message = 'The service is unavailable right now. Try again shortly.') {
    super(message);
    this.headers['Retry-After'] = '5';
  }
}

/** A browser page needs a signed-in user: pages answer with a redirect to the sign-in form. */
export class SignInRequired extends DomainError {
  readonly status = 401;
  readonly slug = 'unauthorized';
  constructor() {
    super('Please sign in.');
  }
}
