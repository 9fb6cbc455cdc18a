import { createHash } from 'node:crypto';
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import type { RequestWithActor } from '../auth/actor';
import { BadInput, IdempotencyKeyInUse, IdempotencyKeyReused } from './errors';
import { PROBLEM_CONTENT_TYPE, ProblemDto } from './problem';
import { inRequestTransaction } from './transaction';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const IDEMPOTENT = 'liaison:idempotent';
/** How long a first answer is kept (at least; the sweep runs hourly). */
export const KEPT_SECONDS = 24 * 60 * 60;
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** The answer's headers a replay repeats (the body and status are kept whole). */
const KEPT_HEADERS = ['etag', 'location'];

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
});

/**
 * The route takes an `Idempotency-Key` (Stripe's semantics): the first answer to a key is kept
 * per user for 24 h, in the same transaction as what the request wrote, and a retry with the
 * same key and request gets it back (`Idempotent-Replayed: true`) instead of writing again.
 */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique value of 1–255 visible ASCII characters (a UUID), new for each intended change. A retry with the same key and request gets the first answer again (`Idempotent-Replayed: true`) and changes nothing; kept 24 hours per user. Answers that changed nothing (4xx, 5xx) are not kept: retry them with the same key.',
    }),
    ApiResponse({
      status: 409,
      ...problem('A request with this Idempotency-Key is still running: retry in a moment.'),
    }),
    ApiResponse({
      status: 422,
      ...problem('This Idempotency-Key was used for a different request.'),
    }),
  );

export function parseIdempotencyKey(header: string | string[]): string {
  const key = Array.isArray(header) ? header.join(',') : header;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw BadInput.field(
      'Idempotency-Key',
      'idempotencyKey',
      'Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID',
    );
  }
  return key;
}

/** The request a key stands for: method, path with query, and the body with its keys sorted. */
export function requestHash(method: string, url: string, body: unknown): string {
  const sorted = JSON.stringify(body ?? null, (_, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : value,
  );
  return createHash('sha256').update(`${method} ${url}\n${sorted}`).digest('base64url');
}

interface Kept {
  request_hash: string;
  status: number;
  body: string | null;
  headers: Record<string, string>;
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private lastSweep = 0;

  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithActor>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !this.reflector.get<boolean>(IDEMPOTENT, handler))
      return next.handle();
    const key = parseIdempotencyKey(header);
    const userId = request.actor!.userId;
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
      HttpStatus.CREATED;
    const hash = requestHash(request.method, request.url, request.body);
    const reply = http.getResponse<FastifyReply>();
    return from(
      this.once(userId, key, hash, status, reply, () =>
        lastValueFrom(next.handle(), { defaultValue: undefined }),
      ),
    );
  }

  /**
   * The request under its key, in one transaction: the key is locked for the transaction (a
   * second request meanwhile gets 409 at once, rather than waiting), a kept answer is replayed,
   * otherwise the request runs in this transaction and its answer is kept beside what it wrote.
   */
  private async once(
    userId: string,
    key: string,
    hash: string,
    status: number,
    reply: FastifyReply,
    run: () => Promise<unknown>,
  ): Promise<unknown> {
    const outcome = await this.db.transaction(
      async (em): Promise<{ kept?: Kept; body?: unknown }> => {
        const [{ locked }] = (await em.query(
          'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
          [`idempotency ${userId} ${key}`],
        )) as { locked: boolean }[];
        if (!locked) throw new IdempotencyKeyInUse();
        const [kept] = (await em.query(
          `SELECT request_hash, status, body, headers FROM idempotency_keys
         WHERE user_id = $1 AND key = $2 AND created_at > now() - make_interval(secs => $3)`,
          [userId, key, KEPT_SECONDS],
        )) as Kept[];
        if (kept) {
          if (kept.request_hash !== hash) throw new IdempotencyKeyReused();
          return { kept };
        }
        const body = await inRequestTransaction(em, run);
        const headers = Object.fromEntries(
          KEPT_HEADERS.flatMap((name) => {
            const value = reply.getHeader(name);
            return value === undefined ? [] : [[name, String(value)]];
          }),
        );
        await em.query(
          `INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, headers)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash,
           status = excluded.status, body = excluded.body, headers = excluded.headers, created_at = now()`,
          [userId, key, hash, status, body === undefined ? null : JSON.stringify(body), headers],
        );
        return { body };
      },
    );
    const { kept } = outcome;
    if (!kept) {
      this.sweepNowAndThen();
      return outcome.body;
    }
    void reply.headers(kept.headers).header('Idempotent-Replayed', 'true').status(kept.status);
    return kept.body === null ? undefined : (JSON.parse(kept.body) as unknown);
  }

  /** Answers older than they are kept are deleted, at most once an hour per instance. */
  private sweepNowAndThen(): void {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    this.db
      .query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)', [
        KEPT_SECONDS,
      ])
      .catch((error: unknown) => this.logger.warn({ err: error }, 'sweeping old keys failed'));
  }
}
