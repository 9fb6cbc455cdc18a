import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { stripUndefined } from '../common/dto';
import { Conflict, NotFound, PreconditionRequired } from '../common/errors';
import { CURSOR_KEY } from '../common/pagination';
import { ownNewestFirst } from '../common/own-list';
import { inRequestTransaction, transaction } from '../common/transaction';
import type { Contact } from '../contacts/contact.entity';
import type { CreateContactDto, UpdateContactDto } from '../contacts/contacts.dto';
import { phoneE164 } from '../contacts/match-keys';
import { ContactsService } from '../contacts/contacts.service';
import { visibleContactIds } from '../contacts/scope';
import { Jobs } from '../jobs/jobs.service';
import {
  CardScanDto,
  CardScanListQuery,
  CardScanPageDto,
  CardScanRecord,
  SavedCardScanDto,
  SaveCardScanDto,
  toCardScanDto,
} from './cards.dto';
import type { CardSide } from './images';
import type { CardImage } from './upload';

/** The job that reads a scan's photos (src/cards/card-read.ts). */
export const CARD_READ = 'card-read';

/** A scan's columns but its photos' bytes (their sizes instead). */
const COLUMNS = `id, created_by, status, front_type, back_type, octet_length(front) AS front_size,
  octet_length(back) AS back_size, proposal, error, read_ms, contact_id, created_at, updated_at,
  version`;

/** Someone met whose card the agency was handed is kept for its public task. */
const FROM_A_CARD = { basis: 'public_task' as const, source: 'Visitenkarte / business card' };

/** The notes' lines a card adds to a contact that holds another e-mail or phone already. */
const noteLine = (label: string, value: string) => `${label}: ${value}`;

/**
 * Business-card scans: the photos kept and read by a job (`card-read`), the proposal shown for the
 * user to confirm, and the save into a new or an existing contact through ContactsService, after
 * which the photos are the contact's (`contact_cards`). A user sees its own scans, an admin all.
 */
@Injectable()
export class CardsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CURSOR_KEY) private readonly cursorKey: Buffer,
    private readonly jobs: Jobs,
    private readonly contacts: ContactsService,
  ) {}

  /** The scan as the caller may see it: its own, or any for an admin; else 404. */
  private async find(
    actor: Actor,
    id: string,
    manager: EntityManager = this.db.manager,
    lock = false,
  ): Promise<CardScanRecord> {
    const [record] = (await manager.query(
      `SELECT ${COLUMNS} FROM card_scans WHERE id = $1 AND ($2 OR created_by = $3)
       ${lock ? 'FOR UPDATE' : ''}`,
      [id, actor.role === 'admin', actor.userId],
    )) as CardScanRecord[];
    if (!record) throw new NotFound('card scan', id);
    return record;
  }

  /** A scan's answer: of the contacts it matched, those the caller sees (still) live. */
  private async dto(actor: Actor, record: CardScanRecord): Promise<CardScanDto> {
    const dto = toCardScanDto(record);
    if (dto.proposal?.matches.length) {
      const visible = visibleContactIds(this.db.manager, actor);
      const live = (await this.db.query(
        'SELECT id FROM contacts WHERE id = ANY ($1) AND deleted_at IS NULL',
        [dto.proposal.matches.map((m) => m.id)],
      )) as { id: string }[];
      const seen = visible ? await visible(live.map((r) => r.id)) : new Set(live.map((r) => r.id));
      dto.proposal = {
        ...dto.proposal,
        matches: dto.proposal.matches.filter((m) => seen.has(m.id)),
      };
    }
    return dto;
  }

  async create(actor: Actor, front: CardImage, back: CardImage | null): Promise<CardScanDto> {
    return transaction(this.db, async (em) => {
      const [{ id }] = (await em.query(
        `INSERT INTO card_scans (created_by, status, front, front_type, back, back_type)
         VALUES ($1, 'queued', $2, $3, $4, $5) RETURNING id`,
        [actor.userId, front.bytes, front.type, back?.bytes ?? null, back?.type ?? null],
      )) as { id: string }[];
      await this.jobs.enqueue(em, CARD_READ, { scanId: id });
      return toCardScanDto(await this.find(actor, id, em));
    });
  }

  async get(actor: Actor, id: string): Promise<CardScanDto> {
    return this.dto(actor, await this.find(actor, id));
  }

  async list(actor: Actor, query: CardScanListQuery): Promise<CardScanPageDto> {
    // Through card_scans_created_by_idx (own) or card_scans_created_idx (an admin's all).
    const { rows, nextCursor } = await ownNewestFirst<CardScanRecord>(
      this.db,
      this.cursorKey,
      actor,
      query,
      { table: 'card_scans', columns: COLUMNS },
    );
    return { items: rows.map(toCardScanDto), nextCursor };
  }

  /** A photo of a scan not yet saved (404 once saved: it is then the contact's). */
  async scanImage(
    actor: Actor,
    id: string,
    side: CardSide,
  ): Promise<{ bytes: Buffer; type: string }> {
    await this.find(actor, id);
    const [row] = (await this.db.query(
      `SELECT ${side} AS bytes, ${side}_type AS type FROM card_scans WHERE id = $1`,
      [id],
    )) as { bytes: Buffer | null; type: string | null }[];
    if (!row?.bytes || !row.type) throw new NotFound(`${side} of card scan`, id);
    return { bytes: row.bytes, type: row.type };
  }

  /** A photo of a contact's card, for whoever sees the contact. */
  async contactImage(
    actor: Actor,
    contactId: string,
    side: CardSide,
  ): Promise<{ bytes: Buffer; type: string }> {
    await this.contacts.get(actor, contactId);
    const [row] = (await this.db.query(
      'SELECT image, media_type FROM contact_cards WHERE contact_id = $1 AND side = $2',
      [contactId, side],
    )) as { image: Buffer; media_type: string }[];
    if (!row) throw new NotFound(`card ${side} of contact`, contactId);
    return { bytes: row.image, type: row.media_type };
  }

  /** Which sides of a contact's card are kept (for its page), for whoever sees the contact. */
  async contactSides(actor: Actor, contactId: string): Promise<CardSide[]> {
    await this.contacts.get(actor, contactId);
    const rows = (await this.db.query(
      `SELECT side FROM contact_cards WHERE contact_id = $1 ORDER BY side DESC`,
      [contactId],
    )) as { side: CardSide }[];
    return rows.map((r) => r.side);
  }

  /**
   * Saves what the user confirmed into a new contact or into `contactId` (at the version
   * `ifMatch` names: 428 without, 412 on another), in one transaction with the move of the
   * photos to the contact and the scan's `saved`. A scan is saved once (409 after).
   */
  async save(
    actor: Actor,
    id: string,
    dto: SaveCardScanDto,
    ifMatch: () => number,
  ): Promise<SavedCardScanDto> {
    const { contactId, ...fields } = stripUndefined(dto);
    const version = contactId ? ifMatch() : undefined;
    return transaction(this.db, (em) =>
      // The contact's own update opens `transaction()`, which then joins this one.
      inRequestTransaction(em, async () => {
        const scan = await this.find(actor, id, em, true);
        if (scan.status !== 'read' && scan.status !== 'failed')
          throw new Conflict(
            scan.status === 'saved'
              ? 'This card has been saved already.'
              : 'This card is still being read; save it once it is read.',
          );
        let contact: Contact;
        if (contactId) {
          const before = await this.contacts.get(actor, contactId, em);
          if (version === undefined) throw new PreconditionRequired();
          contact = await this.contacts.update(
            actor,
            contactId,
            version,
            this.additions(before, fields),
          );
        } else {
          contact = await this.contacts.create(
            actor,
            { ...(fields as CreateContactDto), legalBasis: FROM_A_CARD },
            em,
          );
        }
        // The card now on the contact replaces the one it had.
        await em.query('DELETE FROM contact_cards WHERE contact_id = $1', [contact.id]);
        await em.query(
          `INSERT INTO contact_cards (contact_id, side, image, media_type)
           SELECT $1::uuid, 'front', front, front_type FROM card_scans WHERE id = $2 AND front IS NOT NULL
           UNION ALL
           SELECT $1::uuid, 'back', back, back_type FROM card_scans WHERE id = $2 AND back IS NOT NULL`,
          [contact.id, id],
        );
        await em.query(
          `UPDATE card_scans SET status = 'saved', contact_id = $2, front = NULL, back = NULL,
             version = version + 1, updated_at = now()
           WHERE id = $1`,
          [id, contact.id],
        );
        return {
          contactId: contact.id,
          outcome: contactId ? 'updated' : 'created',
          scan: await this.dto(actor, await this.find(actor, id, em)),
        };
      }),
    );
  }

  /**
   * What a card changes of an existing contact: the fields confirmed, except that an e-mail or
   * phone it holds already stays and the card's other one is added to its notes (as are the
   * notes sent), each line once.
   */
  private additions(before: Contact, fields: Omit<SaveCardScanDto, 'contactId'>): UpdateContactDto {
    const { email, phone, notes, ...rest } = fields;
    const change: UpdateContactDto = {};
    for (const [key, value] of Object.entries(rest) as [keyof typeof rest, unknown][])
      if (value !== null && value !== (before as unknown as Record<string, unknown>)[key])
        (change as Record<string, unknown>)[key] = value;
    // A contact works at one organisation: the card's replaces the other kind's.
    if (change.companyId) change.partnerId = null;
    if (change.partnerId) change.companyId = null;
    const lines: string[] = [];
    if (email) {
      if (!before.email) change.email = email;
      else if (before.email.toLowerCase() !== email.toLowerCase())
        lines.push(noteLine('E-Mail', email));
    }
    if (phone) {
      if (!before.phone) change.phone = phone;
      else if (phoneE164(before.phone, before.country) !== phoneE164(phone, before.country))
        lines.push(noteLine('Tel.', phone));
    }
    if (notes) lines.push(...notes.split(/\r?\n/).filter((line) => line.trim()));
    const kept = new Set((before.notes ?? '').split(/\r?\n/).map((line) => line.trim()));
    const added = [...new Set(lines)].filter((line) => !kept.has(line.trim()));
    if (added.length) change.notes = [before.notes?.trimEnd(), ...added].filter(Boolean).join('\n');
    return change;
  }
}
