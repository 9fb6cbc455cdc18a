import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** The database URL the app runs on (the embedded one's when DATABASE_URL is unset). */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** Where the schedules' cron expressions are read: the agency's clock, summer time included. */
export const SCHEDULE_ZONE = 'Europe/Berlin';

/** Held while an instance declares its queues (beside data-source.ts' MIGRATION_LOCK, 4_723_001). */
const JOB_SETUP_LOCK = 4_723_002;

/** How long a shutdown waits for running jobs (server.ts gives the whole stop 25 s). */
const SHUTDOWN_WAIT_MS = 10_000;

/** The pg-boss schema (created and migrated by pg-boss itself when the app starts). */
export const JOB_SCHEMA = 'pgboss';

export interface Queue<T extends object> {
  name: string;
  /** Runs one job; a throw fails the attempt, which is retried with backoff until the limit. */
  run: (data: T, job: PgBoss.JobWithMetadata<T>) => Promise<void>;
  /** Attempts after the first (default 8: 1 s, 2 s, 4 s … about four minutes in all). */
  retryLimit?: number;
  /** Seconds before the first retry (default 1); each retry waits twice as long as the last. */
  retryDelay?: number;
  /** How long one attempt may run before it counts as failed (default 5 minutes). */
  expireInSeconds?: number;
  /** Jobs come often (every mail): JOB_CONCURRENCY at once per instance instead of one. */
  busy?: boolean;
  /** Someone watches each job (an import's progress bar): it starts within a second too. */
  watched?: boolean;
}

export interface Schedule {
  queue: string;
  /** Five fields, read in Europe/Berlin: `0 7 * * *` is 07:00 in winter and in summer. */
  cron: string;
}

export type JobState = PgBoss.JobWithMetadata['state'];

/**
 * Durable background work in PostgreSQL (pg-boss). A feature declares its queue (`define`) and
 * schedules (`schedule`) when its module starts; a write enqueues a job with `enqueue(em, …)` in
 * its own transaction, so a job exists exactly when the change it follows committed. Every
 * instance works the queues (`JOB_CONCURRENCY` at once each); a schedule fires once per tick
 * however many instances run (pg-boss sends each tick's job with a singleton key). Failed attempts
 * are retried with exponential backoff and end in the `failed` state, where an admin sees and
 * retries them (the Jobs page). A shutdown stops fetching and waits for the jobs running.
 */
@Injectable()
export class Jobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private boss!: PgBoss;
  private readonly queues = new Map<string, Queue<object>>();
  private readonly schedules: Schedule[] = [];
  private started = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {}

  /** pg-boss, once the queues are known: every worker polls with a connection of its own. */
  private create(): PgBoss {
    const workers = this.queues.size;
    const boss = new PgBoss({
      connectionString: this.databaseUrl,
      schema: JOB_SCHEMA,
      application_name: 'liaison-jobs',
      // One worker per queue, each polling with a connection (a pool smaller than the workers
      // made a stop wait for ever), and three more for the sends, maintenance and schedules.
      max: workers + 3,
      // Completed jobs are kept a week for the Jobs page, failed ones until an admin acts (30 days).
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
      archiveFailedAfterSeconds: 30 * 24 * 3600,
      deleteAfterDays: 30,
      // How often schedules are checked (one instance per interval does it) and their jobs sent.
      cronMonitorIntervalSeconds: this.config.jobs.cronCheckSeconds,
      cronWorkerIntervalSeconds: Math.min(5, this.config.jobs.cronCheckSeconds),
    });
    boss.on('error', (error: Error) => this.logger.warn({ err: error }, 'job queue error'));
    return boss;
  }

  /** Declares a queue and how its jobs run; before the app starts (a module's constructor). */
  define<T extends object>(queue: Queue<T>): void {
    if (this.started) throw new Error(`queue ${queue.name} defined after the start`);
    this.queues.set(queue.name, queue as unknown as Queue<object>);
  }

  /** Runs a queue's job on a schedule; the queue must be defined too. */
  schedule(schedule: Schedule): void {
    if (this.started) throw new Error(`schedule of ${schedule.queue} set after the start`);
    this.schedules.push(schedule);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.boss = this.create();
    await this.boss.start();
    await this.oneInstanceAtATime(() => this.declare());
    this.started = true;
    if (this.config.jobs.concurrency === 0) return;
    for (const queue of this.queues.values()) {
      // One worker per queue fetches up to `batchSize` jobs, runs them side by side and settles
      // each on its own: a failed one is failed (and retried), the others complete. pg-boss then
      // waits out the polling interval before it fetches again, so the batch is the throughput.
      await this.boss.work<object>(
        queue.name,
        {
          batchSize: this.batchOf(queue),
          includeMetadata: true,
          // A busy or watched queue's job (a mail, an import someone waits for) starts within a
          // second; the others' (a schedule's) within five, which spares the database a poll
          // every half second.
          pollingIntervalSeconds: queue.busy || queue.watched ? 1 : 5,
        },
        async (jobs: PgBoss.JobWithMetadata<object>[]) => {
          await Promise.all(jobs.map((job) => this.runOne(queue, job)));
        },
      );
    }
  }

  /** The queues and their schedules in pg-boss, as this version defines them. */
  private async declare(): Promise<void> {
    const boss = this.boss;
    for (const queue of this.queues.values()) {
      const options = {
        name: queue.name,
        policy: 'standard' as const,
        retryLimit: queue.retryLimit ?? 8,
        retryDelay: queue.retryDelay ?? 1,
        retryBackoff: true,
        expireInSeconds: queue.expireInSeconds ?? 300,
      };
      // createQueue is idempotent; updateQueue brings a queue created by an older version along.
      await boss.createQueue(queue.name, options);
      await boss.updateQueue(queue.name, options);
    }
    for (const schedule of this.schedules) {
      await boss.schedule(schedule.queue, schedule.cron, {}, { tz: SCHEDULE_ZONE });
    }
  }

  /**
   * Instances that start together declare their queues one after the other: two creating the
   * same new queue at once deadlock in pg-boss (its row in pgboss.queue and the queue's table),
   * and the loser's start fails. A session advisory lock on a connection of its own, held for
   * the declaration only.
   */
  private async oneInstanceAtATime(work: () => Promise<void>): Promise<void> {
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'liaison-jobs-setup',
    });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [JOB_SETUP_LOCK]);
      await work();
    } finally {
      // Ending the session releases its lock, whatever happened.
      await client.end();
    }
  }

  /** Runs one job; a throw fails it here (its batch's others still complete). */
  private async runOne(queue: Queue<object>, job: PgBoss.JobWithMetadata<object>): Promise<void> {
    try {
      await queue.run(job.data, job);
    } catch (error) {
      this.logger.warn(
        { err: error, queue: queue.name, job: job.id, attempt: job.retryCount + 1 },
        `job ${queue.name} failed (attempt ${job.retryCount + 1} of ${job.retryLimit + 1})`,
      );
      const e = error instanceof Error ? error : new Error(String(error));
      await this.boss
        .fail(queue.name, job.id, { name: e.name, message: e.message, stack: e.stack })
        .catch((failed: unknown) => this.logger.warn({ err: failed }, 'job not marked failed'));
    }
  }

  /** How many of a queue's jobs an instance runs at once: JOB_CONCURRENCY for a busy queue. */
  private batchOf(queue: Queue<object>): number {
    return queue.busy ? this.config.jobs.concurrency : 1;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.boss) return; // the start failed before pg-boss was made
    // Before the database pool closes (TypeORM closes it on application shutdown): stops
    // fetching and waits for the running jobs (test/jobs-shutdown.e2e-spec.ts).
    await this.boss.stop({ graceful: true, wait: true, timeout: SHUTDOWN_WAIT_MS, close: false });
    // pg-boss records a finished job's completion without awaiting it: a query still waiting
    // for a connection when its pool ends would never run, and the job would stay active until
    // it expires. So its pool closes once it has nothing left to do.
    const db = this.db() as PgBoss.Db & {
      pool?: { totalCount: number; idleCount: number; waitingCount: number };
      close(): Promise<void>;
    };
    const busy = () =>
      !!db.pool && (db.pool.waitingCount > 0 || db.pool.idleCount < db.pool.totalCount);
    for (const deadline = Date.now() + 2000; busy() && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await db.close();
  }

  /**
   * Enqueues a job in the caller's transaction: it runs after the commit, and never when the
   * transaction rolls back. `key` makes it once only: a second job of the queue with the same key
   * is not created while the first waits or runs.
   */
  async enqueue(
    em: EntityManager,
    queue: string,
    data: object,
    options: { key?: string; startAfter?: Date } = {},
  ): Promise<void> {
    if (!this.queues.has(queue)) throw new Error(`no queue ${queue}`);
    if (!em.queryRunner?.isTransactionActive)
      throw new Error(`a job of ${queue} enqueued outside a transaction`);
    await this.boss.send(queue, data, {
      singletonKey: options.key,
      startAfter: options.startAfter,
      db: inTransaction(em),
    });
  }

  /**
   * Brings a queue's jobs waiting to be retried forward to now: what failed for a reason that is
   * gone (the SMTP server is back) need not wait out its backoff.
   */
  async hurry(queue: string): Promise<void> {
    await this.sql(
      `UPDATE ${JOB_SCHEMA}.job SET start_after = now()
       WHERE name = $1 AND state = 'retry' AND start_after > now()`,
      [queue],
    );
  }

  /** Enqueues a job outside any transaction (the Jobs page's "run now"). */
  async send(queue: string, data: object = {}): Promise<string | null> {
    return this.boss.send(queue, data);
  }

  /** Whether the queue is one of this app's. */
  has(queue: string): boolean {
    return this.queues.has(queue);
  }

  /** The queues with their jobs counted by state. */
  async overview(): Promise<{ name: string; counts: Record<JobState, number> }[]> {
    const names = [...this.queues.keys()].sort();
    const rows = await this.sql<{ name: string; state: JobState; count: number }>(
      `SELECT name, state, count(*)::int AS count FROM ${JOB_SCHEMA}.job
       WHERE name = ANY($1) GROUP BY name, state`,
      [names],
    );
    return names.map((name) => {
      const counts = {
        created: 0,
        retry: 0,
        active: 0,
        completed: 0,
        cancelled: 0,
        failed: 0,
      } as Record<JobState, number>;
      for (const row of rows) if (row.name === name) counts[row.state] = row.count;
      return { name, counts };
    });
  }

  /**
   * The jobs of a queue (or all) in a state, newest first; `after` (the last row of the page
   * before) for the next page. Failed jobs are few: pg-boss archives them after 30 days.
   */
  async list(
    state: JobState,
    options: { queue?: string; limit?: number; after?: { createdOn: string; id: string } } = {},
  ): Promise<JobRow[]> {
    const values: unknown[] = [
      state,
      options.queue ? [options.queue] : [...this.queues.keys()],
      options.limit ?? 50,
    ];
    let after = '';
    if (options.after) {
      values.push(options.after.createdOn, options.after.id);
      after = `AND (${CREATED_MS}, id) < ($4::timestamptz, $5::uuid)`;
    }
    return this.sql<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM ${JOB_SCHEMA}.job
       WHERE state = $1 AND name = ANY($2) ${after}
       ORDER BY ${CREATED_MS} DESC, id DESC LIMIT $3`,
      values,
    );
  }

  /** One job of a queue, or undefined. */
  async get(queue: string, id: string, em?: EntityManager): Promise<JobRow | undefined> {
    const sql = `SELECT ${JOB_COLUMNS} FROM ${JOB_SCHEMA}.job WHERE name = $1 AND id = $2`;
    const rows = em
      ? ((await em.query(sql, [queue, id])) as JobRow[])
      : await this.sql<JobRow>(sql, [queue, id]);
    return rows[0];
  }

  /**
   * Sends a failed job back to its queue for one more attempt, in `em`'s transaction (with the
   * audit event of who did it). False when the job is not failed (any more).
   */
  async retry(em: EntityManager, queue: string, id: string): Promise<boolean> {
    const [job] = (await em.query(
      `SELECT state FROM ${JOB_SCHEMA}.job WHERE name = $1 AND id = $2 FOR UPDATE`,
      [queue, id],
    )) as { state: JobState }[];
    if (!job || job.state !== 'failed') return false;
    await this.boss.retry(queue, id, { db: inTransaction(em) });
    return true;
  }

  private db(): PgBoss.Db {
    return (this.boss as unknown as { getDb(): PgBoss.Db }).getDb();
  }

  private async sql<T>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.db().executeSql(text, values)).rows as T[];
  }
}

/** A job's creation to the millisecond, as a cursor holds it (pg-boss keeps microseconds). */
const CREATED_MS = `date_trunc('milliseconds', created_on)`;

const JOB_COLUMNS = `id, name, state, data, output, retry_count AS "retryCount",
  retry_limit AS "retryLimit", created_on AS "createdOn", started_on AS "startedOn",
  completed_on AS "completedOn"`;

/** pg-boss's statements run on a TypeORM transaction's connection. */
function inTransaction(em: EntityManager): PgBoss.Db {
  const runner = em.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('pg-boss used outside a transaction');
  return {
    executeSql: async (text, values) => ({
      rows: (await runner.query(text, values, true)).records as unknown[],
    }),
  };
}

export interface JobRow {
  id: string;
  name: string;
  state: JobState;
  data: object;
  output: { message?: string; stack?: string } | null;
  retryCount: number;
  retryLimit: number;
  createdOn: Date;
  startedOn: Date | null;
  completedOn: Date | null;
}
