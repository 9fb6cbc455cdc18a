import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { CONTENT_TYPES, csvWriter } from '../exports/formats';
import { HOME_TIME_ZONE, localDay } from '../trips/time';
import { AuditEvent } from './audit-event.entity';
import type { AuditExportQuery } from './audit.dto';
import { AuditService } from './audit.service';

const PAGE_SIZE = 200;

const HEADERS = {
  de: [
    'Zeitpunkt',
    'Benutzer-ID',
    'Benutzer',
    'Aktion',
    'Datensatzart',
    'Datensatz-ID',
    'Änderungen',
    'Anfrage-ID',
  ],
  en: ['At', 'User ID', 'User', 'Action', 'Record kind', 'Record ID', 'Changes', 'Request ID'],
} as const;

/**
 * `GET /api/v1/audit/export`: every event the filters match, newest first, read a keyset page at
 * a time and written as CSV (src/exports/formats.ts: UTF-8 with BOM, `,` or `;`) while the client
 * takes it. The export is itself an audit event, written before the first row goes out (so it is
 * in the log even when the download is broken off, and never in its own file).
 */
@Injectable()
export class AuditExport {
  private readonly logger = new Logger(AuditExport.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async send(actor: Actor, query: AuditExportQuery, reply: FastifyReply): Promise<void> {
    const { format, delimiter, lang, ...filter } = query;
    const read = (cursor?: string) =>
      this.audit.list(filter, { limit: PAGE_SIZE, cursor, sort: '-at' });
    // Read before the answer starts: a refused query is still a problem with its status.
    const first = await read();
    const locale = lang ?? (await this.localeOf(actor));
    await this.audit.record(this.db.manager, {
      actorId: actor.userId,
      action: 'export',
      entity: 'auditEvent',
      entityId: null,
      changes: {
        format,
        delimiter: delimiter ?? 'comma',
        filters: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)),
      },
    });
    const out = new PassThrough();
    const day = localDay(new Date(), HOME_TIME_ZONE);
    void reply
      .header('Content-Type', CONTENT_TYPES.csv)
      .header('Content-Disposition', `attachment; filename="audit-${day}.csv"`)
      .send(out);
    const writer = csvWriter(out, [...HEADERS[locale]], delimiter === 'semicolon' ? ';' : ',');
    void (async () => {
      try {
        let page = first;
        for (;;) {
          if (out.destroyed) return;
          const names = await this.namesOf(page.items);
          await writer.rows(
            page.items.map((e) => [
              e.at.toISOString(),
              e.actorId,
              (e.actorId && names.get(e.actorId)) ?? null,
              e.action,
              e.entity,
              e.entityId,
              JSON.stringify(e.changes),
              e.requestId,
            ]),
          );
          if (!page.nextCursor) break;
          page = await read(page.nextCursor);
        }
        await writer.end();
      } catch (error) {
        // The answer has begun: break it off, so that the file is not taken for whole.
        this.logger.error(`audit export failed: ${String(error)}`);
        out.destroy(error as Error);
      }
    })();
  }

  private async namesOf(events: AuditEvent[]): Promise<Map<string, string>> {
    const ids = [...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))];
    if (ids.length === 0) return new Map();
    const rows = (await this.db.query(
      'SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])',
      [ids],
    )) as { id: string; display_name: string }[];
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  private async localeOf(actor: Actor): Promise<'de' | 'en'> {
    const [user] = (await this.db.query('SELECT locale FROM users WHERE id = $1', [
      actor.userId,
    ])) as { locale: string }[];
    return user?.locale === 'en' ? 'en' : 'de';
  }
}
