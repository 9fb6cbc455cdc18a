import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import type { Page, PageQuery } from '../common/pagination';
import { currentRequestId, runWithRequestId } from '../common/request-context';
import type { ContactDto } from '../contacts/contacts.dto';
import { ContactsService } from '../contacts/contacts.service';
import { personName } from '../contacts/names';
import { HOME_TIME_ZONE } from '../trips/time';
import { countryName, localDay } from '../web/kit/format';
import { t, type Locale } from '../web/kit/i18n';
import type { ExportFormat, ExportOptions } from './export.dto';
import {
  CONTENT_TYPES,
  csvWriter,
  EXTENSIONS,
  TableWriter,
  writeText,
  xlsxWriter,
} from './formats';
import { columnsFor, CONTACTS, ExportKind, headerOf, Lister, NamedTable, Names } from './kinds';
import { vcard } from './vcard';

/** Rows read per list page while exporting: the most the answer holds at once. */
export const EXPORT_PAGE_SIZE = 1000;

/** How each linked table's rows are named. */
const NAME_SQL: Record<Exclude<NamedTable, 'contacts'>, string> = {
  companies: 'SELECT id, name FROM companies WHERE id = ANY($1::uuid[])',
  partners: 'SELECT id, name FROM partners WHERE id = ANY($1::uuid[])',
  leads: 'SELECT id, title AS name FROM leads WHERE id = ANY($1::uuid[])',
  trips: 'SELECT id, title AS name FROM trips WHERE id = ANY($1::uuid[])',
  users: 'SELECT id, display_name AS name FROM users WHERE id = ANY($1::uuid[])',
};

const NO_NAMES: Names = { of: () => null };

/**
 * A record list as a file: the kind's own `list` (its scope, filters, search and sort) walked
 * page by page through its cursor, each page written to the answer as it comes. What a caller
 * exports is what the caller's list shows, every page of it; each export is audited.
 */
@Injectable()
export class ExportService {
  private readonly logger = new Logger(ExportService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly audit: AuditService,
  ) {}

  /**
   * Answers with the export. The first page is read before the answer starts, so a refused query
   * (a sort, a filter, the deleted view) is still a problem with its status.
   */
  async send(
    actor: Actor,
    kind: ExportKind,
    query: ExportOptions & Record<string, unknown>,
    reply: FastifyReply,
  ): Promise<void> {
    const { format, delimiter, lang, ...filters } = query;
    const service = this.moduleRef.get(kind.service, { strict: false });
    const list = kind.list ?? ((s, a, q) => (s as Lister<unknown>).list(a, q));
    const read = (cursor?: string) =>
      list(service, actor, { ...filters, limit: EXPORT_PAGE_SIZE, cursor } as PageQuery);
    let first: Page<unknown> | undefined = await read();
    const locale = lang ?? (await this.localeOf(actor));
    // Holds no page while the next is read: each is garbage once written.
    async function* pages() {
      let next = first!.nextCursor;
      yield first!.items;
      first = undefined;
      while (next) {
        const page = await read(next);
        next = page.nextCursor;
        yield page.items;
      }
    }
    const out = this.answer(reply, kind.name, format);
    const columns = columnsFor(kind, actor);
    const header = columns.map((c) => headerOf(c, locale));
    const writer: ExportWriter =
      format === 'xlsx'
        ? xlsxWriter(out, header, t(locale, kind.title))
        : format === 'csv'
          ? csvWriter(out, header, delimiter === 'semicolon' ? ';' : ',')
          : cardWriter(out, locale);
    const requestId = currentRequestId();
    void this.produce(actor, kind, locale, pages(), writer, out).then(({ rows, complete }) =>
      this.audited(requestId, actor, kind, {
        format,
        ...(format === 'csv' && { delimiter: delimiter ?? 'comma' }),
        filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
        rows,
        complete,
      }),
    );
  }

  /** One contact as a vCard, as the caller sees it. */
  async card(actor: Actor, id: string, reply: FastifyReply): Promise<void> {
    const contacts = this.moduleRef.get(ContactsService, { strict: false });
    const contact = CONTACTS.toDto(await contacts.get(actor, id), actor) as ContactDto;
    const locale = await this.localeOf(actor);
    const names = await this.names(actor, CONTACTS, [contact]);
    const text = cardOf(contact, names, locale);
    const name = personName(contact)
      .normalize('NFKD')
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '');
    await reply
      .header('Content-Type', CONTENT_TYPES.vcard)
      .header('Content-Disposition', `attachment; filename="${name || 'contact'}.vcf"`)
      .send(text);
    await this.audited(currentRequestId(), actor, CONTACTS, {
      format: 'vcard',
      filters: { id },
      rows: 1,
      complete: true,
    });
  }

  private answer(reply: FastifyReply, name: string, format: ExportFormat): PassThrough {
    const out = new PassThrough();
    const day = localDay(new Date(), HOME_TIME_ZONE);
    void reply
      .header('Content-Type', CONTENT_TYPES[format])
      .header('Content-Disposition', `attachment; filename="${name}-${day}.${EXTENSIONS[format]}"`)
      .send(out);
    return out;
  }

  private async produce(
    actor: Actor,
    kind: ExportKind,
    locale: Locale,
    pages: AsyncGenerator<unknown[]>,
    writer: ExportWriter,
    out: PassThrough,
  ): Promise<{ rows: number; complete: boolean }> {
    const columns = columnsFor(kind, actor);
    let rows = 0;
    try {
      for await (const items of pages) {
        if (out.destroyed) break;
        const records = items.map((e) => kind.toDto(e, actor));
        const names = await this.names(actor, kind, records);
        if ('cards' in writer) await writer.cards(records as ContactDto[], names);
        else await writer.rows(records.map((r) => columns.map((c) => c.value(r, names, locale))));
        rows += records.length;
      }
      if (out.destroyed) return { rows, complete: false };
      await writer.end();
      return { rows, complete: true };
    } catch (error) {
      // The answer has begun: all that is left is to break it off, so that the file is not
      // taken for whole.
      this.logger.error(`export of ${kind.name} failed: ${String(error)}`);
      out.destroy(error as Error);
      return { rows, complete: false };
    }
  }

  /** The names of a page's linked ids, one query per table; ids the caller may not see are null already. */
  private async names(actor: Actor, kind: ExportKind, records: unknown[]): Promise<Names> {
    if (!kind.links) return NO_NAMES;
    const wanted = new Map<NamedTable, Set<string>>();
    for (const record of records)
      for (const [table, ids] of Object.entries(kind.links(record)) as [NamedTable, string[]][]) {
        if (table === 'users' && !isAgency(actor)) continue;
        const set = wanted.get(table) ?? new Set<string>();
        for (const id of ids) if (id) set.add(id);
        wanted.set(table, set);
      }
    const names = new Map<string, string>();
    await Promise.all(
      [...wanted].map(async ([table, set]) => {
        if (set.size === 0) return;
        const ids = [...set];
        if (table === 'contacts') {
          const rows = (await this.db.query(
            `SELECT id, family_name AS "familyName", given_name AS "givenName",
                    native_name AS "nativeName"
             FROM contacts WHERE id = ANY($1::uuid[])`,
            [ids],
          )) as {
            id: string;
            familyName: string;
            givenName: string | null;
            nativeName: string | null;
          }[];
          for (const r of rows) names.set(r.id, personName(r));
          return;
        }
        const rows = (await this.db.query(NAME_SQL[table], [ids])) as {
          id: string;
          name: string;
        }[];
        for (const r of rows) names.set(r.id, r.name);
      }),
    );
    return { of: (id) => (id && names.get(id)) || null };
  }

  /** The language the caller chose for the interface: the headers' and labels'. */
  private async localeOf(actor: Actor): Promise<Locale> {
    const [user] = (await this.db.query('SELECT locale FROM users WHERE id = $1', [
      actor.userId,
    ])) as { locale: Locale }[];
    return user?.locale === 'en' ? 'en' : 'de';
  }

  /** Who exported which kind, how, with which filters, and how many rows reached the file. */
  private async audited(
    requestId: string | undefined,
    actor: Actor,
    kind: ExportKind,
    changes: Record<string, unknown>,
  ): Promise<void> {
    const write = () =>
      this.audit.record(this.db.manager, {
        actorId: actor.userId,
        action: 'export',
        entity: kind.entity,
        entityId: null,
        changes,
      });
    try {
      await (requestId ? runWithRequestId(requestId, write) : write());
    } catch (error) {
      this.logger.error(`export of ${kind.name}: audit event not written: ${String(error)}`);
    }
  }
}

type CardWriter = {
  cards: (contacts: ContactDto[], names: Names) => Promise<void>;
  end: () => Promise<void>;
};
type ExportWriter = TableWriter | CardWriter;

/** A contact's vCard with its organisation's name and its country in the caller's language. */
function cardOf(contact: ContactDto, names: Names, locale: Locale): string {
  return vcard(contact, {
    organisation: names.of(contact.companyId ?? contact.partnerId),
    countryName: contact.country ? countryName(contact.country, locale) : null,
  });
}

/** A contacts export as vCards, one after the other: an address book reads them all. */
function cardWriter(out: PassThrough, locale: Locale): CardWriter {
  return {
    cards: (contacts, names) =>
      writeText(out, contacts.map((c) => cardOf(c, names, locale)).join('')),
    end: async () => {
      out.end();
    },
  };
}
