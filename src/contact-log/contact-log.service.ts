import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { BadInput, FieldError, fieldError } from '../common/errors';
import { searchColumns } from '../common/search';
import { contactSearchParts } from '../contacts/contact-search';
import { familyNameRequired, newContactNames } from '../contacts/names';
import { ContactLogDto, ContactLogResultDto } from './contact-log.dto';

async function insert(
  em: EntityManager,
  table: string,
  row: Record<string, unknown>,
): Promise<string> {
  const columns = Object.keys(row);
  const [result] = (await em.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(row),
  )) as { id: string }[];
  return result.id;
}

/**
 * "Log a contact", the most frequent action: new people, the interaction, and optionally a
 * follow-up and a lead, written in one transaction with an audit event for each record, or not
 * at all.
 */
@Injectable()
export class ContactLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async log(actor: Actor, dto: ContactLogDto): Promise<ContactLogResultDto> {
    if (!(dto.contactIds?.length || dto.newContacts?.length)) {
      throw BadInput.field(
        'contactIds',
        'required',
        'name at least one contact, existing (contactIds) or new (newContacts)',
      );
    }
    return this.db.transaction(async (em) => {
      const errors: FieldError[] = [];
      const missing = async (table: string, ids: string[], fieldName: string) => {
        if (ids.length === 0) return;
        const found = (await em.query(
          `SELECT id FROM ${table} WHERE id = ANY($1) AND deleted_at IS NULL`,
          [ids],
        )) as { id: string }[];
        const known = new Set(found.map((r) => r.id));
        if (ids.some((id) => !known.has(id)))
          errors.push(
            fieldError(fieldName, 'reference', `${fieldName} names a record that does not exist`),
          );
      };
      await missing('contacts', dto.contactIds ?? [], 'contactIds');
      const newContacts = (dto.newContacts ?? []).map((c, i) => {
        const names = newContactNames(c);
        if (!names) errors.push(familyNameRequired(`newContacts.${i}.familyName`));
        return { ...c, familyName: names?.familyName ?? '', givenName: names?.givenName ?? null };
      });
      for (const [i, c] of newContacts.entries()) {
        if (c.companyId && c.partnerId)
          errors.push(
            fieldError(
              `newContacts.${i}.partnerId`,
              'oneOrganisation',
              'a contact belongs to a company or a partner, not both',
            ),
          );
        if (c.companyId) await missing('companies', [c.companyId], `newContacts.${i}.companyId`);
        if (c.partnerId) await missing('partners', [c.partnerId], `newContacts.${i}.partnerId`);
      }
      if (dto.tripId) await missing('trips', [dto.tripId], 'tripId');
      let tripId = dto.tripId ?? null;
      if (dto.appointmentId) {
        const [appointment] = (await em.query(
          'SELECT trip_id FROM appointments WHERE id = $1 AND deleted_at IS NULL',
          [dto.appointmentId],
        )) as {
          trip_id: string;
        }[];
        if (!appointment)
          errors.push(
            fieldError(
              'appointmentId',
              'reference',
              'appointmentId names an appointment that does not exist',
            ),
          );
        else if (tripId && appointment.trip_id !== tripId)
          errors.push(
            fieldError('appointmentId', 'sameTrip', 'the appointment belongs to another trip'),
          );
        else tripId = appointment.trip_id;
      }
      if (dto.lead) await missing('companies', [dto.lead.companyId], 'lead.companyId');
      if (errors.length) throw new BadInput(errors);

      const contactIds = [...(dto.contactIds ?? [])];
      for (const c of newContacts) {
        const [organisation] = (await em.query(
          `SELECT (SELECT array[name, legal_name] FROM companies WHERE id = $1) AS company, (SELECT array[name, native_name] FROM partners WHERE id = $2) AS partner`,
          [c.companyId ?? null, c.partnerId ?? null],
        )) as { company: string[] | null; partner: string[] | null }[];
        const search = searchColumns(
          contactSearchParts({
            ...c,
            organisation: [...(organisation.company ?? []), ...(organisation.partner ?? [])],
          }),
        );
        const id = await insert(em, 'contacts', {
          family_name: c.familyName,
          given_name: c.givenName,
          native_name: c.nativeName ?? null,
          position: c.position ?? null,
          company_id: c.companyId ?? null,
          partner_id: c.partnerId ?? null,
          country: c.country ?? null,
          owner_id: actor.userId,
          legal_basis: 'public_task',
          legal_basis_recorded_at: new Date().toISOString(),
          legal_basis_source: 'Kontakt erfasst / contact logged',
          search_key: search.searchKey,
          search_prefixes: search.searchPrefixes,
        });
        contactIds.push(id);
        await this.audit.record(em, {
          actorId: actor.userId,
          action: 'create',
          entity: 'contact',
          entityId: id,
          changes: {
            familyName: { before: null, after: c.familyName },
            ...(c.givenName !== null && { givenName: { before: null, after: c.givenName } }),
            nativeName: { before: null, after: c.nativeName ?? null },
            ...(c.country && { country: { before: null, after: c.country } }),
          },
        });
      }

      const interactionId = await insert(em, 'interactions', {
        occurred_at: dto.occurredAt,
        kind: dto.kind ?? 'meeting',
        subject: dto.subject,
        summary: dto.summary ?? null,
        location: dto.location ?? null,
        trip_id: tripId,
        appointment_id: dto.appointmentId ?? null,
        confidential: dto.confidential ?? false,
        author_id: actor.userId,
      });
      for (const contactId of contactIds) {
        await em.query(
          'INSERT INTO interaction_contacts (interaction_id, contact_id) VALUES ($1, $2)',
          [interactionId, contactId],
        );
      }
      await this.audit.record(em, {
        actorId: actor.userId,
        action: 'create',
        entity: 'interaction',
        entityId: interactionId,
        changes: {
          subject: { before: null, after: dto.subject },
          contactIds: { before: null, after: contactIds },
        },
      });

      let leadId: string | null = null;
      if (dto.lead) {
        leadId = await insert(em, 'leads', {
          company_id: dto.lead.companyId,
          title: dto.lead.title,
          value_eur: dto.lead.valueEur ?? null,
          contact_id: contactIds[0] ?? null,
          trip_id: tripId,
          appointment_id: dto.appointmentId ?? null,
          owner_id: actor.userId,
        });
        await this.audit.record(em, {
          actorId: actor.userId,
          action: 'create',
          entity: 'lead',
          entityId: leadId,
          changes: { title: { before: null, after: dto.lead.title } },
        });
      }
      let followUpId: string | null = null;
      if (dto.followUp) {
        followUpId = await insert(em, 'follow_ups', {
          title: dto.followUp.title,
          due_on: dto.followUp.dueOn ?? null,
          priority: dto.followUp.priority ?? 'normal',
          assignee_id: actor.userId,
          contact_id: contactIds[0] ?? null,
          interaction_id: interactionId,
          lead_id: leadId,
          trip_id: tripId,
          created_by: actor.userId,
        });
        await this.audit.record(em, {
          actorId: actor.userId,
          action: 'create',
          entity: 'followUp',
          entityId: followUpId,
          changes: { title: { before: null, after: dto.followUp.title } },
        });
      }
      return { interactionId, contactIds, followUpId, leadId };
    });
  }
}
