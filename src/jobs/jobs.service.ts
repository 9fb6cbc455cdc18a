import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** The database URL the app runs on (the embedded one's when DATABASE_URL is unset). */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** Where the schedules' cron expressions are read: the agency's clock, summer time included. */
export const SCHEDULE_ZONE = 'Europe/Berlin';

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
  private readonly boss: PgBoss;
  private readonly queues = new Map<string, Queue<object>>();
  private readonly schedules: Schedule[] = [];
  private started = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) databaseUrl: string,
  ) {
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: JOB_SCHEMA,
      application_name: 'liaison-jobs',
      // Every worker polls with a connection of its own: three were too few for two queues at
      // JOB_CONCURRENCY 2 (a stop then waited on the pool for ever: `cli.js routes` never ended).
      max: 10,
      // Completed jobs are kept a week for the Jobs page, failed ones until an admin acts (30 days).
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
      archiveFailedAfterSeconds: 30 * 24 * 3600,
      deleteAfterDays: 30,
      // How often schedules are checked (one instance per interval does it) and their jobs sent.
      cronMonitorIntervalSeconds: config.jobs.cronCheckSeconds,
      cronWorkerIntervalSeconds: Math.min(5, config.jobs.cronCheckSeconds),
    });
    this.boss.on('error', (error: Error) => this.logger.warn({ err: error }, 'job queue error'));
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
    await this.boss.start();
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
      await this.boss.createQueue(queue.name, options);
      await this.boss.updateQueue(queue.name, options);
    }
    for (const schedule of this.schedules) {
      await this.boss.schedule(schedule.queue, schedule.cron, {}, { tz: SCHEDULE_ZONE });
    }
    this.started = true;
    if (this.config.jobs.concurrency === 0) return;
    for (const queue of this.queues.values()) {
      await this.boss.work<object>(
        queue.name,
        {
          batchSize: 1,
          includeMetadata: true,
          pollingIntervalSeconds: 1,
        },
        async ([job]) => {
          try {
            await queue.run(job.data, job);
          } catch (error) {
            this.logger.warn(
              { err: error, queue: queue.name, job: job.id, attempt: job.retryCount + 1 },
              `job ${queue.name} failed (attempt ${job.retryCount + 1} of ${job.retryLimit + 1})`,
            );
            throw error;
          }
        },
      );
      // One worker fetches one job at a time: JOB_CONCURRENCY workers per queue.
      for (let i = 1; i < this.config.jobs.concurrency; i++) {
        await this.boss.work<object>(
          queue.name,
          { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 1 },
          async ([job]) => queue.run(job.data, job),
        );
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before the database pool closes (TypeORM closes it on application shutdown): stops
    // fetching, waits for the running jobs, then closes pg-boss's own pool.
    await this.boss.stop({ graceful: true, wait: true, timeout: SHUTDOWN_WAIT_MS });
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
    const runner = em.queryRunner;
    if (!runner?.isTransactionActive)
      throw new Error(`a job of ${queue} enqueued outside a transaction`);
    await this.boss.send(queue, data, {
      singletonKey: options.key,
      startAfter: options.startAfter,
      db: {
        executeSql: async (text, values) => ({
          rows: (await runner.query(text, values, true)).records as unknown[],
        }),
      },
    });
  }

  /** Enqueues a job outside any transaction (the Jobs page's "run now"). */
  async send(queue: string, data: object = {}): Promise<string | null> {
    return this.boss.send(queue, data);
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

  /** The jobs of a queue (or all) in a state, newest first. */
  async list(state: JobState, options: { queue?: string; limit?: number } = {}): Promise<JobRow[]> {
    return this.sql<JobRow>(
      `SELECT id, name, state, data, output, retry_count AS "retryCount",
              retry_limit AS "retryLimit", created_on AS "createdOn",
              started_on AS "startedOn", completed_on AS "completedOn"
       FROM ${JOB_SCHEMA}.job
       WHERE state = $1 AND name = ANY($2)
       ORDER BY created_on DESC, id DESC LIMIT $3`,
      [state, options.queue ? [options.queue] : [...this.queues.keys()], options.limit ?? 50],
    );
  }

  /** Sends a failed job back to its queue for another round of attempts. */
  async retry(queue: string, id: string): Promise<boolean> {
    const [job] = await this.sql<{ state: JobState }>(
      `SELECT state FROM ${JOB_SCHEMA}.job WHERE name = $1 AND id = $2`,
      [queue, id],
    );
    if (!job || job.state !== 'failed') return false;
    await this.boss.retry(queue, id);
    return true;
  }

  private async sql<T>(text: string, values: unknown[]): Promise<T[]> {
    const db = (this.boss as unknown as { getDb(): PgBoss.Db }).getDb();
    return (await db.executeSql(text, values)).rows as T[];
  }
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
