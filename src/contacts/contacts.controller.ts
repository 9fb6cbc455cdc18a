import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { UuidParam } from '../common/params';
import { RecordController } from '../common/record-controller';
import {
  ContactListQuery,
  ContactView,
  CreateContactDto,
  TimelinePageDto,
  TimelineQuery,
  toContactDto,
  toTimelineItemDto,
  UpdateContactDto,
} from './contacts.dto';
import { Contact } from './contact.entity';
import { ContactsService } from './contacts.service';

const viewOf = (actor: Actor): ContactView => (!isAgency(actor) ? 'company' : 'agency');

export class ContactsController extends RecordController({
  path: 'api/v1/contacts/:id',
  service: ContactsService,
  read: 'contact:read',
  write: 'contact:write',
  // A company user reads the company view (only agency staff write contacts).
  toDto: (contact: Contact, actor) => toContactDto(contact, viewOf(actor)),
  body: { create: CreateContactDto, update: UpdateContactDto },
  query: ContactListQuery,
}) {
  @Get(':id/timeline')
  @Allow('contact:read')
  @ApiOkResponse({ type: TimelinePageDto })
  async timeline(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: TimelineQuery,
  ): Promise<TimelinePageDto> {
    const page = await this.service.timeline(actor, id, query);
    return { items: page.items.map(toTimelineItemDto), nextCursor: page.nextCursor };
  }
}
