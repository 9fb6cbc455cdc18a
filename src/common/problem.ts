import { maxHeaderSize, STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DomainError, FieldError, fieldError } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 problem details, with the request id so a user can quote it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  /** A machine-readable reason where the type alone is too broad (`mfaRequired` on a 403). */
  code?: string;
  errors?: FieldError[];
}

export class FieldErrorDto implements FieldError {
  @ApiProperty({ example: 'companyId' }) field: string;
  @ApiProperty({
    example: 'reference',
    description:
      'The rule it broke: one of SERVICE_ERROR_CODES (src/common/errors.ts) or a class-validator constraint key (isEmail, maxLength, isIn, …).',
  })
  code: string;
  @ApiProperty({ example: 'companyId must name an existing company' }) message: string;
}

/** The problem+json body, as the OpenAPI document shows it. */
export class ProblemDto implements Problem {
  @ApiProperty({ example: '/problems/validation' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty() detail: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({ example: 'mfaRequired', description: 'On some 403s: why.' })
  code?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'On a 400: each bad field.' })
  errors?: FieldErrorDto[];
}

export interface ProblemWithHeaders {
  problem: Problem;
  headers: Record<string, string>;
  /** True when the cause is ours, not the caller's: log it with its stack. */
  unexpected: boolean;
  /** True when the database could not be reached: an outage (src/database/outage.ts) counts it. */
  databaseUnavailable?: boolean;
}

const problemType = (slug: string) => `/problems/${slug}`;

const SLUG_BY_STATUS: Record<number, string> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  412: 'version-conflict',
  422: 'unprocessable',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  428: 'precondition-required',
  429: 'too-many-requests',
  431: 'request-header-fields-too-large',
  500: 'internal',
  503: 'unavailable',
};

function problemFor(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: problemType(SLUG_BY_STATUS[status] ?? 'error'),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
}

/** TypeORM's errors for a connection that the driver gave up on in the middle of a transaction. */
const RELEASED_CONNECTION = [
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
];

/**
 * PostgreSQL / driver failures that mean "the database is not reachable, went away or is too
 * slow" — at any stage of a transaction (connect, begin, query, commit, release). The client may
 * retry: what the transaction wrote was rolled back, or it committed (then a retry with the same
 * Idempotency-Key answers what it did).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; name?: string; cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  if (typeof e.name === 'string' && RELEASED_CONNECTION.includes(e.name)) return true;
  if (typeof e.code === 'string') {
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(
        e.code,
      )
    )
      return true;
    // 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections;
    // 57014: statement timeout; 08xxx: connection exceptions.
    if (/^(57P0[123]|53300|57014|08...)$/.test(e.code)) return true;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return (
    /Connection terminated|timeout exceeded when trying to connect|Connection refused|connect ECONNREFUSED|is not queryable|Cannot use a pool after calling end/i.test(
      message,
    ) ||
    (e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause))
  );
}

/** Turns anything thrown while serving a request into the answer the client gets. */
export function toProblem(error: unknown): ProblemWithHeaders {
  if (error instanceof DomainError) {
    return {
      problem: {
        ...problemFor(error.status, error.message),
        type: problemType(error.slug),
        ...('code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
        ...('errors' in error && Array.isArray(error.errors)
          ? { errors: error.errors as FieldError[] }
          : {}),
      },
      headers: error.headers,
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse() as { message?: unknown; errors?: FieldError[] } | string;
    const detail =
      typeof body === 'string'
        ? body
        : typeof body.message === 'string'
          ? body.message
          : error.message;
    // A 400 that did not come from validation is about the body as a whole (e.g. malformed JSON).
    const errors =
      typeof body === 'object' && body.errors
        ? body.errors
        : status === 400
          ? [fieldError('body', 'malformed', detail)]
          : undefined;
    return {
      problem: problemFor(status, detail, errors ? { errors } : {}),
      headers: {},
      unexpected: status >= 500,
    };
  }
  const refused = refusedRequest(error);
  if (refused) {
    const [status, detail, field] = refused;
    return {
      problem: problemFor(
        status,
        detail,
        field ? { errors: [fieldError(field, 'malformed', detail)] } : {},
      ),
      headers: {},
      unexpected: false,
    };
  }
  // Errors raised by Fastify itself (body parsing, size limit, media type) carry a statusCode.
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (
    typeof fastifyError?.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500 &&
    typeof fastifyError.code === 'string' &&
    fastifyError.code.startsWith('FST_')
  ) {
    const status = fastifyError.statusCode;
    const detail =
      status === 413
        ? 'The request body is larger than the limit of 1 MiB.'
        : status === 400 && /JSON/i.test(fastifyError.message ?? '')
          ? 'The request body is not valid JSON.'
          : status === 415
            ? 'Send the request body as application/json.'
            : (fastifyError.message ?? 'Bad request.');
    return {
      problem: problemFor(
        status,
        detail,
        status === 400 ? { errors: [fieldError('body', 'malformed', detail)] } : {},
      ),
      headers: {},
      unexpected: false,
    };
  }
  const unique = uniqueViolation(error);
  if (unique) {
    return {
      problem: problemFor(409, `This ${unique} is already taken.`, {
        errors: [fieldError(unique, 'unique', `${unique} is already taken`)],
      }),
      headers: {},
      unexpected: false,
    };
  }
  if (isDatabaseUnavailable(error)) {
    // Not the caller's fault, nor a defect: src/database/outage.ts logs the outage once.
    return {
      problem: problemFor(503, 'The database is unavailable right now. Try again shortly.'),
      headers: { 'Retry-After': '5' },
      unexpected: false,
      databaseUnavailable: true,
    };
  }
  return {
    problem: problemFor(
      500,
      'Something went wrong on our side. Quote the request id if you report it.',
    ),
    headers: {},
    unexpected: true,
  };
}

/**
 * Requests refused for how they arrived, by their error code: by Node's HTTP parser (`HPE_…`,
 * answered by Fastify's clientErrorHandler) or Fastify's router (`FST_ERR_BAD_URL`,
 * `FST_ERR_MAX_PARAM_LENGTH`, answered through its frameworkErrors), before any route; or a body
 * cut off as it was read. Status, detail, and the field a 400 names.
 */
const REFUSED: Record<string, [number, string, string?]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    `The request line and headers together are larger than the limit of ${maxHeaderSize / 1024} KiB.`,
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'The chunk extensions of the request body are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time.'],
  FST_ERR_BAD_URL: [400, 'The URL is not valid: a percent-encoding is malformed.', 'url'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'A part of the URL path is longer than 100 characters.'],
};
const NOT_HTTP: [number, string, string] = [400, 'The request is not well-formed HTTP.', 'request'];

const CUT_OFF: [number, string, string] = [400, 'The request body was cut off.', 'body'];

function refusedRequest(error: unknown): [number, string, string?] | undefined {
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string') return undefined;
  if (Object.hasOwn(REFUSED, code)) return REFUSED[code];
  if (code.startsWith('HPE_')) return NOT_HTTP;
  // The body's stream failed as it was read (Fastify marks that 400): the client cut the
  // connection, or Node's parser refused the rest of it. Not a database's ECONNRESET.
  return statusCode === 400 && /^(ECONN|ERR_STREAM_)/.test(code) ? CUT_OFF : undefined;
}

/**
 * A unique constraint PostgreSQL refused (two writers raced past a service's own check): the
 * field it is about, from the constraint's key (`Key (email)=…` → `email`), never the value.
 */
function uniqueViolation(error: unknown): string | undefined {
  const e = error as {
    code?: string;
    detail?: string;
    driverError?: { code?: string; detail?: string };
  };
  const code = e?.code ?? e?.driverError?.code;
  if (code !== '23505') return undefined;
  const detail = e.detail ?? e.driverError?.detail ?? '';
  const column = /^Key \((?:lower\()?"?([a-z_]+)/.exec(detail)?.[1];
  return column ? column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : 'body';
}
