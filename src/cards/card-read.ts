import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import type { Role } from '../auth/permissions';
import { Jobs } from '../jobs/jobs.service';
import type { CardProposal } from './cards.dto';
import { CARD_READ } from './cards.service';
import { matchContacts, matchOrganisation } from './matches';
import { close, readCard } from './read';

/** The text kept of a reader's failure: enough to say what went wrong, nothing of the card. */
const ERROR_TEXT = 500;

/**
 * The job `card-read`: a scan's photos through the card reader (src/cards/read/, off the
 * request: a slow photo never holds one up), then the organisation and the contacts the fields
 * match as the scanner sees them, stored as the scan's proposal. A photo the reader cannot read
 * makes the scan `failed` with the reason (the user can still type the fields in); a database
 * that fails is retried. The reader is closed when the app stops, after the jobs (Jobs waits for
 * them before the shutdown hooks).
 */
@Injectable()
export class CardRead implements OnApplicationShutdown {
  private readonly logger = new Logger('CardRead');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    jobs: Jobs,
  ) {
    jobs.define<{ scanId: string }>({
      name: CARD_READ,
      run: (data) => this.read(data.scanId),
      // Someone waits for the proposal on the scan's page.
      watched: true,
      retryLimit: 2,
      expireInSeconds: 120,
    });
  }

  async read(scanId: string): Promise<void> {
    const [scan] = (await this.db.query(
      `UPDATE card_scans SET status = 'reading', version = version + 1, updated_at = now()
       WHERE id = $1 AND status IN ('queued', 'reading')
       RETURNING front, back, created_by`,
      [scanId],
    )) as [{ front: Buffer | null; back: Buffer | null; created_by: string }[], number];
    const row = Array.isArray(scan) ? scan[0] : undefined;
    if (!row?.front) return;
    let read: Awaited<ReturnType<typeof readCard>>;
    try {
      read = await readCard(row.back ? [row.front, row.back] : [row.front]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, scan: scanId }, 'card not read');
      await this.db.query(
        `UPDATE card_scans SET status = 'failed', error = $2, version = version + 1,
           updated_at = now()
         WHERE id = $1 AND status = 'reading'`,
        [scanId, message.slice(0, ERROR_TEXT)],
      );
      return;
    }
    const actor = await this.scanner(row.created_by);
    const organisation = actor
      ? await matchOrganisation(this.db.manager, actor, read.fields)
      : null;
    const matches = actor
      ? await matchContacts(this.db.manager, actor, read.fields, organisation)
      : [];
    const proposal: CardProposal = { fields: read.fields, text: read.text, organisation, matches };
    await this.db.query(
      `UPDATE card_scans SET status = 'read', proposal = $2, read_ms = $3, error = NULL,
         version = version + 1, updated_at = now()
       WHERE id = $1 AND status = 'reading'`,
      [scanId, JSON.stringify(proposal), Math.round(read.ms)],
    );
  }

  /** The scanner as an actor, for the scope of the matches (none when the user is gone). */
  private async scanner(userId: string): Promise<Actor | null> {
    const [user] = (await this.db.query(
      'SELECT id, role, company_id FROM users WHERE id = $1 AND active',
      [userId],
    )) as { id: string; role: Role; company_id: string | null }[];
    return user
      ? { userId: user.id, role: user.role, companyId: user.company_id, sessionId: '' }
      : null;
  }

  async onApplicationShutdown(): Promise<void> {
    await close();
  }
}
