import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  ContactDto,
  ContactListQuery,
  ContactView,
  CreateContactDto,
  TimelinePageDto,
  TimelineQuery,
  toContactDto,
  toTimelineItemDto,
  UpdateContactDto,
} from './contacts.dto';
import { ContactsService } from './contacts.service';
import { isAgency } from '../auth/permissions';

const viewOf = (actor: Actor): ContactView => (!isAgency(actor) ? 'company' : 'agency');

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @Allow('contact:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: ContactListQuery,
  ): Promise<Page<ContactDto>> {
    const page = await this.contacts.list(actor, query);
    return {
      items: page.items.map((c) => toContactDto(c, viewOf(actor))),
      nextCursor: page.nextCursor,
    };
  }

  @Post()
  @Allow('contact:write')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateContactDto): Promise<ContactDto> {
    return toContactDto(await this.contacts.create(actor, dto));
  }

  @Get(':id')
  @Allow('contact:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<ContactDto> {
    return toContactDto(await this.contacts.get(actor, id), viewOf(actor));
  }

  @Get(':id/timeline')
  @Allow('contact:read')
  @ApiOkResponse({ type: TimelinePageDto })
  async timeline(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: TimelineQuery,
  ): Promise<TimelinePageDto> {
    const page = await this.contacts.timeline(actor, id, query);
    return { items: page.items.map(toTimelineItemDto), nextCursor: page.nextCursor };
  }

  @Patch(':id')
  @Allow('contact:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateContactDto,
  ): Promise<ContactDto> {
    return toContactDto(await this.contacts.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('contact:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.contacts.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('contact:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<ContactDto> {
    return toContactDto(await this.contacts.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.contacts.purge(actor, id);
  }
}
