import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const PROBE_EVERY_MS = 500;

/**
 * An outage of the database is one story, not one error per request: the first request it
 * refuses logs one error line, then the database is probed until it answers, and one line says
 * it is back, how long it was away and how many requests were answered 503 meanwhile.
 */
@Injectable()
export class DatabaseOutage implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private current: { since: number; refused: number; probe: NodeJS.Timeout } | undefined;
  private probing = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A request was answered 503 because the database could not be reached. */
  refused(error: unknown): void {
    if (this.current) {
      this.current.refused++;
      return;
    }
    const cause = (error as { message?: string })?.message ?? String(error);
    this.logger.error({ cause }, 'the database is unavailable; requests are answered 503');
    const probe = setInterval(() => void this.check(), PROBE_EVERY_MS);
    probe.unref();
    this.current = { since: Date.now(), refused: 1, probe };
  }

  private async check(): Promise<void> {
    const outage = this.current;
    if (!outage || this.probing) return;
    this.probing = true;
    try {
      await this.db.query('SELECT 1');
    } catch {
      return;
    } finally {
      this.probing = false;
    }
    if (this.current !== outage) return;
    clearInterval(outage.probe);
    this.current = undefined;
    this.logger.warn(
      { downMs: Date.now() - outage.since, refused: outage.refused },
      'the database is back',
    );
  }

  onApplicationShutdown(): void {
    if (this.current) clearInterval(this.current.probe);
  }
}
