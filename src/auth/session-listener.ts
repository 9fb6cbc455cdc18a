import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DATABASE_URL } from '../jobs/jobs.service';
import type { Actor } from './actor';
import { SESSION_CHANNEL, SessionCache } from './session-cache';

/** The longest a request that changed sessions waits for this instance's listener to hear it. */
const SETTLE_MS = 500;
const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/**
 * Keeps the session check's cache (src/auth/session-cache.ts) true: a connection of its own (not
 * the pool's) LISTENs on `SESSION_CHANNEL` and hands each notification to the cache. Lost, the
 * cache is bypassed and emptied and the listener connects again with backoff; it is live again
 * only once it listens. With SESSION_CACHE_SECONDS=0 it does not connect at all.
 */
@Injectable()
export class SessionListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SessionCache');
  readonly cache: SessionCache<Actor>;
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private lostSince: number | undefined;
  private stopped = false;
  private syncs = 0;
  private readonly waiting = new Map<string, () => void>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
  ) {
    this.cache = new SessionCache(config.sessionCacheSeconds * 1000);
  }

  onApplicationBootstrap(): void {
    if (this.config.sessionCacheSeconds > 0) void this.connect();
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.databaseUrl,
      application_name: 'liaison-sessions',
      connectionTimeoutMillis: this.config.db.connectTimeoutMs,
      keepAlive: true,
    });
    this.client = client;
    client.on('error', () => this.lose(client));
    client.on('end', () => this.lose(client));
    client.on('notification', ({ payload }) => this.heard(payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch {
      this.lose(client);
      return;
    }
    if (this.client !== client) return;
    this.retryMs = FIRST_RETRY_MS;
    this.cache.setLive(true);
    if (this.lostSince !== undefined) {
      this.logger.log({ downMs: Date.now() - this.lostSince }, 'listening again');
      this.lostSince = undefined;
    }
  }

  private lose(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.cache.setLive(false);
    for (const settled of this.waiting.values()) settled();
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (this.lostSince === undefined) {
      this.lostSince = Date.now();
      this.logger.warn('the session listener lost its connection; sessions are read every time');
    }
    this.retry = setTimeout(() => void this.connect(), this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, LAST_RETRY_MS);
  }

  private heard(payload: string): void {
    if (payload.startsWith('sync:')) this.waiting.get(payload)?.();
    else this.cache.invalidate(payload);
  }

  /**
   * Resolves once this instance's listener has heard every notification committed before the
   * call (its own marker comes after them: PostgreSQL delivers in commit order), or after
   * SETTLE_MS. Without a live listener there is no cache here to wait for.
   */
  async settle(): Promise<void> {
    const client = this.client;
    if (!client || !this.cache.enabled) return;
    const marker = `sync:${process.pid}:${++this.syncs}`;
    await new Promise<void>((resolve) => {
      const settled = () => {
        clearTimeout(timer);
        this.waiting.delete(marker);
        resolve();
      };
      const timer = setTimeout(settled, SETTLE_MS);
      this.waiting.set(marker, settled);
      client.query('SELECT pg_notify($1, $2)', [SESSION_CHANNEL, marker]).catch(settled);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.cache.setLive(false);
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.end().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, 1000))),
    ]);
    clearTimeout(timer);
  }
}
