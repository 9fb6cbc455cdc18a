import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreateFollowUpDto,
  FollowUpDto,
  FollowUpListQuery,
  toFollowUpDto,
  UpdateFollowUpDto,
} from './follow-ups.dto';
import { FollowUpsService } from './follow-ups.service';

@ApiTags('follow-ups')
@ApiBearerAuth()
@Controller('api/v1/follow-ups')
export class FollowUpsController {
  constructor(private readonly followUps: FollowUpsService) {}

  @Get()
  @Allow('follow-up:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: FollowUpListQuery,
  ): Promise<Page<FollowUpDto>> {
    const page = await this.followUps.list(actor, query);
    return { items: page.items.map(toFollowUpDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('follow-up:write')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateFollowUpDto): Promise<FollowUpDto> {
    return toFollowUpDto(await this.followUps.create(actor, dto));
  }

  @Get(':id')
  @Allow('follow-up:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<FollowUpDto> {
    return toFollowUpDto(await this.followUps.get(actor, id));
  }

  @Patch(':id')
  @Allow('follow-up:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateFollowUpDto,
  ): Promise<FollowUpDto> {
    return toFollowUpDto(await this.followUps.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('follow-up:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.followUps.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('follow-up:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<FollowUpDto> {
    return toFollowUpDto(await this.followUps.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.followUps.purge(actor, id);
  }

  @Post(':id/complete')
  @Allow('follow-up:complete')
  @HttpCode(200)
  async complete(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<FollowUpDto> {
    return toFollowUpDto(await this.followUps.complete(actor, id, version));
  }
}
