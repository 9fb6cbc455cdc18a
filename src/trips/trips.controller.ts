import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import { AppointmentsService } from './appointments.service';
import { CostReportDto, toCostReportDto } from './participants.dto';
import { ParticipantsService } from './participants.service';
import {
  CreateTripDto,
  toTripDetailDto,
  toTripDto,
  TripDetailDto,
  TripDto,
  TripListQuery,
  UpdateTripDto,
} from './trips.dto';
import { TripsService } from './trips.service';

@ApiTags('trips')
@ApiBearerAuth()
@Controller('api/v1/trips')
export class TripsController {
  constructor(
    private readonly trips: TripsService,
    private readonly participants: ParticipantsService,
    private readonly appointments: AppointmentsService,
  ) {}

  @Get()
  @Allow('trip:read')
  async list(@CurrentActor() actor: Actor, @Query() query: TripListQuery): Promise<Page<TripDto>> {
    const page = await this.trips.list(actor, query);
    return { items: page.items.map(toTripDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('trip:write')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateTripDto): Promise<TripDto> {
    return toTripDto(await this.trips.create(actor, dto));
  }

  @Get(':id')
  @Allow('trip:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<TripDetailDto> {
    return toTripDetailDto(await this.trips.detail(actor, id));
  }

  @Patch(':id')
  @Allow('trip:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateTripDto,
  ): Promise<TripDto> {
    return toTripDto(await this.trips.update(actor, id, version, dto));
  }

  @Delete(':id')
  @Allow('trip:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.trips.remove(actor, id, version);
  }

  @Post(':id/restore')
  @Allow('trip:write')
  @HttpCode(200)
  async restore(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<TripDto> {
    return toTripDto(await this.trips.restore(actor, id));
  }

  @Post(':id/purge')
  @Allow('record:purge')
  @HttpCode(204)
  async purge(@CurrentActor() actor: Actor, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.trips.purge(actor, id);
  }

  @Get(':id/costs')
  @Allow('trip-cost:read')
  async costs(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<CostReportDto> {
    return toCostReportDto(await this.participants.costs(actor, id));
  }

  @Get(':id/itinerary.ics')
  @Allow('trip:read')
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'The appointments the caller may attend, as iCalendar.' })
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  async itinerary(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { filename, body } = await this.appointments.itinerary(actor, id);
    void reply.header('Content-Disposition', `attachment; filename="${filename}"`);
    return body;
  }
}
