import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { isAgency } from '../auth/permissions';
import { IfMatch } from '../common/concurrency';
import { Idempotent } from '../common/idempotency';
import { UuidParam } from '../common/params';
import { RecordController } from '../common/record-controller';
import { ResponseSchema } from '../common/response-schema';
import {
  ContactDto,
  ContactListQuery,
  ContactView,
  CreateContactDto,
  ObjectionDto,
  RestrictionDto,
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
  dto: ContactDto,
  body: { create: CreateContactDto, update: UpdateContactDto },
  query: ContactListQuery,
  names: true,
}) {
  @Get(':id/timeline')
  @Allow('contact:read')
  @ResponseSchema(TimelinePageDto)
  async timeline(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: TimelineQuery,
  ): Promise<TimelinePageDto> {
    const page = await this.service.timeline(actor, id, query);
    return { items: page.items.map(toTimelineItemDto), nextCursor: page.nextCursor };
  }

  /** GDPR art. 18: restricts the processing; then only admins see the contact. */
  @Post(':id/restriction')
  @Idempotent()
  @Allow('contact:privacy')
  @HttpCode(200)
  @ApiOkResponse({ type: ContactDto })
  async restrict(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: RestrictionDto,
  ): Promise<ContactDto> {
    return toContactDto(await this.service.restrict(actor, id, version, dto.reason));
  }

  @Delete(':id/restriction')
  @Allow('contact:privacy')
  @ApiOkResponse({ type: ContactDto })
  async liftRestriction(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<ContactDto> {
    return toContactDto(await this.service.liftRestriction(actor, id, version));
  }

  /** GDPR art. 21: records an objection (it hides nothing by itself). */
  @Post(':id/objection')
  @Idempotent()
  @Allow('contact:privacy')
  @HttpCode(200)
  @ApiOkResponse({ type: ContactDto })
  async object(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: ObjectionDto,
  ): Promise<ContactDto> {
    return toContactDto(await this.service.object(actor, id, version, dto.note ?? null, dto.at));
  }

  @Delete(':id/objection')
  @Allow('contact:privacy')
  @ApiOkResponse({ type: ContactDto })
  async withdrawObjection(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<ContactDto> {
    return toContactDto(await this.service.withdrawObjection(actor, id, version));
  }
}
