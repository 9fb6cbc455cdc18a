import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CompanyDto,
  CompanyListQuery,
  CreateCompanyDto,
  toCompanyDto,
  UpdateCompanyDto,
} from './companies.dto';
import { CompaniesService } from './companies.service';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('api/v1/companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Get()
  @Allow('company:read')
  async list(
    @CurrentActor() actor: Actor,
    @Query() query: CompanyListQuery,
  ): Promise<Page<CompanyDto>> {
    const page = await this.companies.list(actor, query);
    return { items: page.items.map(toCompanyDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('company:write')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateCompanyDto): Promise<CompanyDto> {
    return toCompanyDto(await this.companies.create(actor, dto));
  }

  @Get(':id')
  @Allow('company:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<CompanyDto> {
    return toCompanyDto(await this.companies.get(actor, id));
  }

  @Patch(':id')
  @Allow('company:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateCompanyDto,
  ): Promise<CompanyDto> {
    return toCompanyDto(await this.companies.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('company:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.companies.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('company:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<CompanyDto> {
    return toCompanyDto(await this.companies.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.companies.purge(actor, id);
  }
}
