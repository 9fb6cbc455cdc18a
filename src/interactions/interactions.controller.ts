import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreateInteractionDto,
  InteractionDto,
  InteractionListQuery,
  toInteractionDto,
  UpdateInteractionDto,
} from './interactions.dto';
import { InteractionsService } from './interactions.service';

@ApiTags('interactions')
@ApiBearerAuth()
@Controller('api/v1/interactions')
export class InteractionsController {
  constructor(private readonly interactions: InteractionsService) {}

  @Get()
  @Allow('interaction:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: InteractionListQuery,
  ): Promise<Page<InteractionDto>> {
    const page = await this.interactions.list(actor, query);
    return { items: page.items.map(toInteractionDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('interaction:write')
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateInteractionDto,
  ): Promise<InteractionDto> {
    return toInteractionDto(await this.interactions.create(actor, dto));
  }

  @Get(':id')
  @Allow('interaction:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<InteractionDto> {
    return toInteractionDto(await this.interactions.get(actor, id));
  }

  @Patch(':id')
  @Allow('interaction:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateInteractionDto,
  ): Promise<InteractionDto> {
    return toInteractionDto(await this.interactions.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('interaction:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.interactions.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('interaction:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<InteractionDto> {
    return toInteractionDto(await this.interactions.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.interactions.purge(actor, id);
  }
}
