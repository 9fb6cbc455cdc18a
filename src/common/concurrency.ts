import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { BadInput, PreconditionRequired, VersionConflict } from './errors';

export const etagOf = (version: number): string => `"${version}"`;

/** Parses `If-Match: "7"` into 7; absent → 428, anything but one strong version tag → 400. */
export function parseIfMatch(header: string | string[] | undefined): number {
  if (header === undefined || header === '') throw new PreconditionRequired();
  const value = Array.isArray(header) ? header.join(',') : header;
  const match = /^\s*"(\d{1,9})"\s*$/.exec(value);
  if (!match) {
    throw BadInput.field(
      'If-Match',
      'versionTag',
      'If-Match must be one version tag as sent in the ETag, e.g. "3"',
    );
  }
  return Number(match[1]);
}

/** The version the client last read, from `If-Match`; required on every PATCH and DELETE. */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): number =>
  parseIfMatch(ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match']),
);

/** Sets `ETag: "<version>"` on every single-record answer (anything with an id and a version). */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const record = body as { id?: unknown; version?: unknown } | undefined;
        if (record && typeof record.id === 'string' && Number.isInteger(record.version)) {
          const reply = context.switchToHttp().getResponse<FastifyReply>();
          void reply.header('ETag', etagOf(record.version as number));
        }
        return body;
      }),
    );
  }
}

/**
 * The one way a versioned record is changed: `UPDATE … SET …, version = version + 1
 * WHERE id = $1 AND version = $2 [AND scope]`. TypeORM's save() does not check @VersionColumn,
 * so the check lives in the statement itself and a concurrent writer can never be overwritten.
 * `where` adds the caller's scope; a row it hides is reported as missing by the caller's lookup.
 * Returns false when no row matched (stale version, gone, or out of scope).
 */
export async function updateIfVersion<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  expectedVersion: number,
  values: QueryDeepPartialEntity<T>,
  where?: { sql: string; params?: Record<string, unknown> },
): Promise<boolean> {
  const qb = manager
    .createQueryBuilder()
    .update(entity)
    .set({
      ...values,
      version: () => 'version + 1',
      updatedAt: () => 'now()',
    } as QueryDeepPartialEntity<T>)
    .where('id = :id AND version = :expectedVersion', { id, expectedVersion });
  if (where) qb.andWhere(where.sql, where.params ?? {});
  const result = await qb.execute();
  return (result.affected ?? 0) === 1;
}

/** After a failed versioned write: 412 with the current version when the row is still there. */
export function staleOrMissing(currentVersion: number | undefined, missing: () => Error): Error {
  return currentVersion === undefined ? missing() : new VersionConflict(currentVersion);
}
