import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor';
import { asPartOf, BadInput } from '../common/errors';
import { LegalBasisDto } from '../contacts/contacts.dto';
import { ContactsService } from '../contacts/contacts.service';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { LeadsService } from '../leads/leads.service';
import { ContactLogDto, ContactLogResultDto } from './contact-log.dto';
import { InteractionsService } from './interactions.service';
import { transaction } from '../common/transaction';

/** Someone met at an encounter the agency logs is kept for its public task. */
const LOGGED: LegalBasisDto = { basis: 'public_task', source: 'Kontakt erfasst / contact logged' };

/**
 * "Log a contact", the most frequent action: new people, the interaction, and optionally a
 * follow-up and a lead, in one transaction or not at all. Each record is written by the service
 * that owns it, so it is checked, search-keyed and audited as if created through its own route;
 * what the log adds is how they hang together: the people met are the interaction's contacts,
 * and the lead and the follow-up belong to the first of them, the interaction and its trip.
 */
@Injectable()
export class ContactLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contacts: ContactsService,
    private readonly interactions: InteractionsService,
    private readonly leads: LeadsService,
    private readonly followUps: FollowUpsService,
  ) {}

  async log(actor: Actor, dto: ContactLogDto): Promise<ContactLogResultDto> {
    if (!(dto.contactIds?.length || dto.newContacts?.length)) {
      throw BadInput.field(
        'contactIds',
        'required',
        'name at least one contact, existing (contactIds) or new (newContacts)',
      );
    }
    const { newContacts = [], followUp, lead, ...encounter } = dto;
    return transaction(this.db, async (em) => {
      const contactIds = [...(dto.contactIds ?? [])];
      for (const [i, contact] of newContacts.entries()) {
        const created = await asPartOf(`newContacts.${i}`, () =>
          this.contacts.create(actor, { ...contact, legalBasis: LOGGED }, em),
        );
        contactIds.push(created.id);
      }
      const interaction = await this.interactions.create(actor, { ...encounter, contactIds }, em);
      // The lead and the follow-up are about the first person met, on the interaction's trip.
      const about = { contactId: contactIds[0], tripId: interaction.tripId };
      const createdLead =
        lead &&
        (await asPartOf('lead', () =>
          this.leads.create(
            actor,
            { ...lead, ...about, appointmentId: interaction.appointmentId },
            em,
          ),
        ));
      const leadId = createdLead?.id ?? null;
      const createdFollowUp =
        followUp &&
        (await asPartOf('followUp', () =>
          this.followUps.create(
            actor,
            { ...followUp, ...about, interactionId: interaction.id, leadId },
            em,
          ),
        ));
      return {
        interactionId: interaction.id,
        contactIds,
        followUpId: createdFollowUp?.id ?? null,
        leadId,
      };
    });
  }
}
