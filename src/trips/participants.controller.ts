import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreateParticipantDto,
  ParticipantDto,
  ParticipantListQuery,
  toParticipantDto,
  UpdateParticipantDto,
} from './participants.dto';
import { ParticipantsService } from './participants.service';

@ApiTags('trips')
@ApiBearerAuth()
@Controller('api/v1/trips/:tripId/participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Get()
  @Allow('trip:read')
  async list(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Query() query: ParticipantListQuery,
  ): Promise<Page<ParticipantDto>> {
    const page = await this.participants.list(actor, tripId, query);
    return { items: page.items.map(toParticipantDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('trip:write')
  async create(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Body() dto: CreateParticipantDto,
  ): Promise<ParticipantDto> {
    return toParticipantDto(await this.participants.create(actor, tripId, dto));
  }

  @Get(':participantId')
  @Allow('trip:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Param('participantId', UuidParam('participantId')) id: string,
  ): Promise<ParticipantDto> {
    return toParticipantDto(await this.participants.get(actor, tripId, id));
  }

  @Patch(':participantId')
  @Allow('trip:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Param('participantId', UuidParam('participantId')) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateParticipantDto,
  ): Promise<ParticipantDto> {
    return toParticipantDto(await this.participants.update(actor, tripId, id, version, dto));
  }

  @Delete(':participantId')
  @Allow('trip:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Param('participantId', UuidParam('participantId')) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.participants.remove(actor, tripId, id, version);
  }
}
