import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { BadInput, Conflict, NotFound } from '../common/errors';
import { CURSOR_KEY, Page } from '../common/pagination';
import { transaction } from '../common/transaction';
import { JobRow, Jobs, JobState } from '../jobs/jobs.service';

/** The Jobs page's rules: which queue exists, the pages of its jobs, retrying a failed one. */
@Injectable()
export class JobsAdmin {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CURSOR_KEY) private readonly key: Buffer,
    private readonly jobs: Jobs,
    private readonly audit: AuditService,
  ) {}

  queues() {
    return this.jobs.overview();
  }

  async list(
    queue: string,
    query: { state: JobState; limit: number; cursor?: string },
  ): Promise<Page<JobRow>> {
    this.known(queue);
    const sort = `-createdAt:${query.state}`;
    let after: { createdOn: string; id: string } | undefined;
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(this.key, query.cursor);
      if (!cursor || cursor.sort !== sort || typeof cursor.value !== 'string')
        throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
      after = { createdOn: cursor.value, id: cursor.id };
    }
    const rows = await this.jobs.list(query.state, { queue, limit: query.limit + 1, after });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > query.limit
          ? encodeCursor(this.key, { sort, value: last.createdOn.toISOString(), id: last.id })
          : null,
    };
  }

  /** A failed job once more, with the audit event of who sent it back; 409 for any other state. */
  retry(actor: Actor, queue: string, id: string): Promise<JobRow> {
    this.known(queue);
    return transaction(this.db, async (em) => {
      const before = await this.jobs.get(queue, id, em);
      if (!before) throw new NotFound('job', id);
      if (!(await this.jobs.retry(em, queue, id)))
        throw new Conflict(`The job is ${before.state}: only a failed job is retried.`);
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'retry',
        entity: 'job',
        entityId: id,
        changes: { queue, state: { before: 'failed', after: 'retry' } },
      });
      return (await this.jobs.get(queue, id, em))!;
    });
  }

  private known(queue: string): void {
    if (!this.jobs.has(queue)) throw new NotFound('queue');
  }
}
