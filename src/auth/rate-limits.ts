import { Inject, Injectable, Logger, OnApplicationShutdown, SetMetadata } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { TooManyRequests } from '../common/errors';
import { APP_CONFIG, AppConfig } from '../config/config';

/** Routes that no limit counts: probes of a load balancer, the pages' static files. */
export const NOT_RATE_LIMITED = 'liaison:not-rate-limited';
export const NotRateLimited = () => SetMetadata(NOT_RATE_LIMITED, true);

const WINDOW_SECONDS = 60;
/** How often each instance adds what it counted to the shared count, and learns the others'. */
const SYNC_EVERY_MS = 1000;

/**
 * One limit (requests per minute per key), held across instances without a database write per
 * request: each instance decides from its own count in memory, and once a second adds what it
 * counted to the shared count in PostgreSQL and takes over the total. A key this instance has not
 * seen in the window starts from the shared count. So the limit holds across instances, give or
 * take what the others let through within one second.
 */
class SharedLimit {
  private readonly local: RateLimiterMemory;
  private readonly shared: RateLimiterPostgres;
  private pending = new Map<string, number>();

  constructor(
    db: DataSource,
    readonly name: string,
    private readonly perMinute: number,
  ) {
    const options = { points: perMinute, duration: WINDOW_SECONDS, keyPrefix: name };
    this.local = new RateLimiterMemory(options);
    this.shared = new RateLimiterPostgres({
      ...options,
      storeClient: db,
      storeType: 'typeorm',
      tableName: 'rate_limits',
      tableCreated: true,
      // Both limits share the table: the user limit's store deletes what expired, for both.
      clearExpiredByTimeout: name === 'user',
    });
  }

  async take(key: string): Promise<void> {
    if (this.perMinute === 0) return;
    if (!this.pending.has(key) && !(await this.local.get(key))) await this.startFromShared(key);
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    try {
      await this.local.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new TooManyRequests(
        refusal.msBeforeNext / 1000,
        `Too many requests: at most ${this.perMinute} a minute per ${this.name}. Try again later.`,
      );
    }
  }

  private async startFromShared(key: string): Promise<void> {
    const total = await this.shared.get(key).catch(() => null);
    if (total && total.consumedPoints > 0)
      await this.local.set(key, total.consumedPoints, total.msBeforeNext / 1000);
  }

  /** Adds this instance's counts to the shared ones and takes over the totals. */
  async sync(): Promise<void> {
    const counted = this.pending;
    this.pending = new Map();
    for (const [key, points] of counted) {
      try {
        const total = await this.shared.penalty(key, points);
        const since = this.pending.get(key) ?? 0;
        await this.local.set(key, total.consumedPoints + since, total.msBeforeNext / 1000);
      } catch {
        // The database is away: keep deciding alone, and add these to the next sync.
        this.pending.set(key, (this.pending.get(key) ?? 0) + points);
      }
    }
  }
}

/**
 * Requests per minute per signed-in user and per client address (`RATE_LIMIT_USER_PER_MINUTE`,
 * `RATE_LIMIT_ADDRESS_PER_MINUTE`; 0 turns one off), answered 429 with `Retry-After` beyond.
 * The access guard asks: the address before anything else, the user once known. A page's own
 * calls to the API are part of the page request and not counted again.
 */
@Injectable()
export class RateLimits implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimits.name);
  private readonly perUser: SharedLimit;
  private readonly perAddress: SharedLimit;
  private readonly timer: NodeJS.Timeout | undefined;
  private syncing = false;

  constructor(@InjectDataSource() db: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    this.perUser = new SharedLimit(db, 'user', config.rateLimits.userPerMinute);
    this.perAddress = new SharedLimit(db, 'address', config.rateLimits.addressPerMinute);
    if (config.rateLimits.userPerMinute > 0 || config.rateLimits.addressPerMinute > 0) {
      this.timer = setInterval(() => void this.sync(), SYNC_EVERY_MS);
      this.timer.unref();
    }
  }

  user(userId: string): Promise<void> {
    return this.perUser.take(userId);
  }

  address(ip: string): Promise<void> {
    return this.perAddress.take(ip);
  }

  private async sync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      await this.perUser.sync();
      await this.perAddress.sync();
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limits could not be shared');
    } finally {
      this.syncing = false;
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
