import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { Page, PageQuery } from '../common/pagination';
import { UuidParam } from '../common/params';
import { RecordController } from '../common/record-controller';
import {
  CreateLeadDto,
  CreateLeadNoteDto,
  LeadBoardDto,
  LeadBoardQuery,
  LeadListQuery,
  LeadNoteDto,
  LeadPipelineQuery,
  PipelineRowDto,
  LeadDto,
  toLeadDto,
  toLeadNoteDto,
  UpdateLeadDto,
} from './leads.dto';
import { LeadsService } from './leads.service';
import { Idempotent } from '../common/idempotency';
import { ResponseSchema } from '../common/response-schema';

export class LeadsController extends RecordController({
  path: 'api/v1/leads/:id',
  service: LeadsService,
  read: 'lead:read',
  write: 'lead:write',
  // A company user may change its own leads but not create or delete them.
  update: 'lead:update',
  toDto: toLeadDto,
  dto: LeadDto,
  body: { create: CreateLeadDto, update: UpdateLeadDto },
  query: LeadListQuery,
}) {
  /** Leads by company and stage with their value: the dashboard's pipeline chart. */
  @Get('pipeline')
  @Allow('lead:read')
  async pipeline(
    @CurrentActor() actor: Actor,
    @Query() query: LeadPipelineQuery,
  ): Promise<{ items: PipelineRowDto[] }> {
    return { items: await this.service.pipeline(actor, query) };
  }

  /**
   * A board in one call: every stage with its totals and first leads (`?limit=` of each, the most
   * recently changed first); a column's next leads are the list's `?stage=&sort=-updatedAt`.
   */
  @Get('board')
  @Allow('lead:read')
  @ResponseSchema(LeadBoardDto)
  async board(@CurrentActor() actor: Actor, @Query() query: LeadBoardQuery): Promise<LeadBoardDto> {
    const stages = await this.service.board(actor, query);
    return { stages: stages.map((s) => ({ ...s, items: s.items.map(toLeadDto) })) };
  }

  @Get(':id/notes')
  @Allow('lead-note:read')
  async notes(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<LeadNoteDto>> {
    const page = await this.service.notes(actor, id, query);
    return { items: page.items.map(toLeadNoteDto), nextCursor: page.nextCursor };
  }

  @Post(':id/notes')
  @Idempotent()
  @Allow('lead-note:create')
  async addNote(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Body() dto: CreateLeadNoteDto,
  ): Promise<LeadNoteDto> {
    return toLeadNoteDto(await this.service.addNote(actor, id, dto));
  }
}
