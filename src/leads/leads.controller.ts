import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreateLeadDto,
  CreateLeadNoteDto,
  LeadDto,
  LeadListQuery,
  LeadNoteDto,
  LeadPipelineQuery,
  PipelineRowDto,
  toLeadDto,
  toLeadNoteDto,
  UpdateLeadDto,
} from './leads.dto';
import { LeadsService } from './leads.service';

@ApiTags('leads')
@ApiBearerAuth()
@Controller('api/v1/leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  @Allow('lead:read')
  async list(@CurrentActor() actor: Actor, @Query() query: LeadListQuery): Promise<Page<LeadDto>> {
    const page = await this.leads.list(actor, query);
    return { items: page.items.map(toLeadDto), nextCursor: page.nextCursor };
  }

  /** Leads by company and stage with their value: the dashboard's pipeline chart. */
  @Get('pipeline')
  @Allow('lead:read')
  async pipeline(
    @CurrentActor() actor: Actor,
    @Query() query: LeadPipelineQuery,
  ): Promise<{ items: PipelineRowDto[] }> {
    return { items: await this.leads.pipeline(actor, query) };
  }

  @Post()
  @Allow('lead:write')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateLeadDto): Promise<LeadDto> {
    return toLeadDto(await this.leads.create(actor, dto));
  }

  @Get(':id')
  @Allow('lead:read')
  async get(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<LeadDto> {
    return toLeadDto(await this.leads.get(actor, id));
  }

  @Patch(':id')
  @Allow('lead:update')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateLeadDto,
  ): Promise<LeadDto> {
    return toLeadDto(await this.leads.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('lead:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.leads.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('lead:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<LeadDto> {
    return toLeadDto(await this.leads.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.leads.purge(actor, id);
  }

  @Get(':id/notes')
  @Allow('lead-note:read')
  async notes(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<LeadNoteDto>> {
    const page = await this.leads.notes(actor, id, query);
    return { items: page.items.map(toLeadNoteDto), nextCursor: page.nextCursor };
  }

  @Post(':id/notes')
  @Allow('lead-note:create')
  async addNote(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Body() dto: CreateLeadNoteDto,
  ): Promise<LeadNoteDto> {
    return toLeadNoteDto(await this.leads.addNote(actor, id, dto));
  }
}
