import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  AgreementDto,
  AgreementListQuery,
  CreateAgreementDto,
  toAgreementDto,
  UpdateAgreementDto,
} from './agreements.dto';
import { AgreementsService } from './agreements.service';

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/v1/agreements')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Get()
  @Allow('agreement:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: AgreementListQuery,
  ): Promise<Page<AgreementDto>> {
    const page = await this.agreements.list(actor, query);
    return { items: page.items.map(toAgreementDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('agreement:write')
  async create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateAgreementDto,
  ): Promise<AgreementDto> {
    return toAgreementDto(await this.agreements.create(actor, dto));
  }

  @Get(':id')
  @Allow('agreement:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<AgreementDto> {
    return toAgreementDto(await this.agreements.get(actor, id));
  }

  @Patch(':id')
  @Allow('agreement:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateAgreementDto,
  ): Promise<AgreementDto> {
    return toAgreementDto(await this.agreements.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('agreement:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.agreements.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('agreement:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<AgreementDto> {
    return toAgreementDto(await this.agreements.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.agreements.purge(actor, id);
  }
}
