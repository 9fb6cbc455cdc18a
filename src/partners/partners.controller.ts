import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreatePartnerDto,
  PartnerDto,
  PartnerListQuery,
  toPartnerDto,
  UpdatePartnerDto,
} from './partners.dto';
import { PartnersService } from './partners.service';

@ApiTags('partners')
@ApiBearerAuth()
@Controller('api/v1/partners')
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Get()
  @Allow('partner:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: PartnerListQuery,
  ): Promise<Page<PartnerDto>> {
    const page = await this.partners.list(actor, query);
    return { items: page.items.map(toPartnerDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('partner:write')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreatePartnerDto): Promise<PartnerDto> {
    return toPartnerDto(await this.partners.create(actor, dto));
  }

  @Get(':id')
  @Allow('partner:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<PartnerDto> {
    return toPartnerDto(await this.partners.get(actor, id));
  }

  @Patch(':id')
  @Allow('partner:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdatePartnerDto,
  ): Promise<PartnerDto> {
    return toPartnerDto(await this.partners.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('partner:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.partners.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('partner:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<PartnerDto> {
    return toPartnerDto(await this.partners.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.partners.purge(actor, id);
  }
}
