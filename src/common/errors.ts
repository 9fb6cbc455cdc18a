/**
 * The codes of the rules the services check themselves, one per rule and the same rule the same
 * code everywhere, so that a client can translate each one. Fields that fail a class-validator
 * constraint carry the constraint's key instead (`isEmail`, `maxLength`, `isIn`, …), except that
 * a field that is not allowed is `unknown` and a missing value is `required`.
 */
export const SERVICE_ERROR_CODES = [
  /** A value the rule needs is missing (familyName, a follow-up's assignee or company, …). */
  'required',
  /** A field that is not allowed in this request. */
  'unknown',
  /** Names a record that does not exist or is deleted. */
  'reference',
  /** A value that must be unique and is taken (a user's email). */
  'unique',
  /** Names no active user. */
  'activeUser',
  /** Names no active admin or staff user (owners of contacts and leads). */
  'agencyUser',
  /** Ends before it starts: endsOn/startsOn, to/from, endsAt/startsAt, validUntil/signedOn. */
  'order',
  /** An appointment outside its trip's days. */
  'range',
  /** A merge of a record with itself. */
  'sameRecord',
  /** A version a request names in its body that is not the record's now (a merge's otherVersion). */
  'stale',
  /** A contact at a company and at a partner at once. */
  'oneOrganisation',
  /** An appointment of another trip than the record's tripId. */
  'sameTrip',
  /** A delegate's login belongs to another company than the delegate. */
  'sameCompany',
  /** Text that is not well formed: a lone UTF-16 surrogate or a NUL character. */
  'encoding',
  /** An attendee who is not a delegate of the appointment's trip. */
  'attendee',
  /** companyId on a user whose role is not company. */
  'companyRole',
  /** lostReason on a lead that is not in stage lost. */
  'onlyWhenLost',
  /** The current password given is not the user's. */
  'wrongPassword',
  /** A password link's token that is unknown, expired or already used. */
  'invalidToken',
  /** A cursor this server did not issue, or one of another sort order. */
  'cursor',
  /** If-Match that is not one version tag. */
  'versionTag',
  /** An Idempotency-Key that is not 1–255 visible ASCII characters. */
  'idempotencyKey',
  /** The body (or the URL, or the request) as a whole: not JSON, not an object, not HTTP. */
  'malformed',
  /** A body nesting objects and arrays deeper than MAX_BODY_DEPTH (src/common/request-limits.ts). */
  'tooDeep',
  /** More than MAX_FIELDS keys and array elements: in a body, all levels together (413), or in a query string (414). */
  'tooManyFields',
  /** An id in the path that is not a UUID (the key class-validator uses for the same rule). */
  'isUuid',
  /** A sort that is not in the list's whitelist (the key class-validator uses for the same rule). */
  'isIn',
  /** A number in the path that is not a whole number (an import's row). */
  'isInt',
  /** A file larger than the limit (an import's, IMPORT_MAX_BYTES). */
  'maxSize',
  /** A list that must have as many entries as another (an import's mapping and its headers). */
  'arrayLength',
  /** A decision for an import's row that duplicates nothing. */
  'notDuplicate',
  /** A day on the wrong side of today: an objection made after today, an extension not after it. */
  'when',
  /** A file that is not of a kind the route takes, by its bytes (a card's photo: JPEG, PNG, WebP). */
  'imageType',
] as const;

export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** A field-level complaint about the request, as it appears in a problem's `errors`. */
export interface FieldError {
  field: string;
  /** The rule it broke: a ServiceErrorCode or a class-validator constraint key. */
  code: string;
  message: string;
}

/** A complaint of a service's own rule. */
export const fieldError = (field: string, code: ServiceErrorCode, message: string): FieldError => ({
  field,
  code,
  message,
});

/**
 * Domain errors: services throw these, one exception filter turns them into problem+json.
 * They carry no HTTP types so that services stay free of transport concerns.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly slug: string;
  readonly headers: Record<string, string> = {};
}

/** The most field errors a 400 lists; `detail` says how many there were in all. */
export const MAX_LISTED_ERRORS = 50;

export class BadInput extends DomainError {
  readonly status = 400;
  readonly slug = 'validation';
  /** The first MAX_LISTED_ERRORS of them. */
  readonly errors: FieldError[];
  /**
   * @param total how many there were, when `errors` is already a part of them (asPartOf).
   */
  constructor(
    errors: FieldError[],
    readonly total = errors.length,
  ) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS);
    super(
      total > listed.length
        ? `The request has ${total} errors; the first ${listed.length} are listed.`
        : listed.map((e) => `${e.field}: ${e.message}`).join('; '),
    );
    this.errors = listed;
  }
  static field(field: string, code: ServiceErrorCode, message: string): BadInput {
    return new BadInput([fieldError(field, code, message)]);
  }
}

/**
 * Runs the write of a record that a larger request carries at `path` (`newContacts.0`,
 * `followUp`): the owner's complaints about its fields are named by their place in that request
 * (`newContacts.0.familyName`), as the validation pipe names the fields it refuses there.
 */
export async function asPartOf<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BadInput)) throw error;
    throw new BadInput(
      error.errors.map((e) => ({ ...e, field: `${path}.${e.field}` })),
      error.total,
    );
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

/**
 * A user of a role in MFA_REQUIRED_ROLES without a second factor: until one is set up, only the
 * routes of enrolment answer (src/auth/access.guard.ts).
 */
export class MfaRequired extends DomainError {
  readonly status = 403;
  readonly slug = 'mfa-required';
  readonly code = 'mfaRequired';
  constructor() {
    super(
      'Your role needs a second factor before anything else: set one up on the page /account/security, or with POST /api/v1/me/mfa/totp or POST /api/v1/me/passkeys/options.',
    );
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly slug = 'not-found';
  constructor(kind = 'resource', id?: string) {
    super(id ? `No ${kind} with id ${id}.` : `No such ${kind}.`);
  }
}

/**
 * A request larger than the app reads: a body (413) or a query string (414) of more fields than
 * it takes (a body of too many bytes is Fastify's own 413).
 */
export class TooLarge extends DomainError {
  readonly slug: string;
  constructor(
    readonly status: 413 | 414,
    message: string,
    readonly errors: FieldError[],
  ) {
    super(message);
    this.slug = status === 413 ? 'payload-too-large' : 'uri-too-long';
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly slug = 'conflict';
  /** The field it is about, when it is one (a taken email). */
  constructor(
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

/** Another request with the same Idempotency-Key is still running: retry when it is done. */
export class IdempotencyKeyInUse extends DomainError {
  readonly status = 409;
  readonly slug = 'idempotency-key-in-use';
  constructor() {
    super(
      'A request with this Idempotency-Key is still being processed. Retry in a moment to get its answer.',
    );
    this.headers['Retry-After'] = '1';
  }
}

/** The same Idempotency-Key was used for another request: a client's mistake, never replayed. */
export class IdempotencyKeyReused extends DomainError {
  readonly status = 422;
  readonly slug = 'idempotency-key-reused';
  constructor() {
    super(
      'This Idempotency-Key was used for a different request (another path or body). Use a new key for a new request.',
    );
  }
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
