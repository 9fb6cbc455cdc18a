import { Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { NamesDto, NamesLimit } from '../common/names';
import { UuidParam } from '../common/params';
import { ResponseSchema } from '../common/response-schema';
import { RecordController } from '../common/record-controller';
import { AppointmentsService } from './appointments.service';
import { CostReportDto, toCostReportDto } from './participants.dto';
import { ParticipantsService } from './participants.service';
import {
  CreateTripDto,
  toTripDetailDto,
  TripDto,
  toTripDto,
  TripDetailDto,
  TripListQuery,
  UpdateTripDto,
} from './trips.dto';
import { TripsService } from './trips.service';

export class TripsController extends RecordController({
  path: 'api/v1/trips/:id',
  service: TripsService,
  read: 'trip:read',
  write: 'trip:write',
  toDto: toTripDto,
  dto: TripDto,
  body: { create: CreateTripDto, update: UpdateTripDto },
  query: TripListQuery,
  names: true,
}) {
  // Named with @Inject: a class without a decorator of its own gets no parameter types recorded.
  constructor(
    @Inject(TripsService) trips: TripsService,
    @Inject(ParticipantsService) private readonly participants: ParticipantsService,
    @Inject(AppointmentsService) private readonly appointments: AppointmentsService,
  ) {
    super(trips);
  }

  /** One trip answers with what it produced (interactions, leads, agreements); the list does not. */
  @Get(':id')
  @Allow('trip:read')
  override async get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<TripDetailDto> {
    return toTripDetailDto(await this.service.detail(actor, id));
  }

  @Get(':id/costs')
  @Allow('trip-cost:read')
  async costs(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
  ): Promise<CostReportDto> {
    return toCostReportDto(await this.participants.costs(actor, id));
  }

  /** The contacts met on the trip (named by its interactions): their names, latest met first. */
  @Get(':id/contacts')
  @Allow('interaction:read')
  @ResponseSchema(NamesDto)
  contacts(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam()) id: string,
    @Query() query: NamesLimit,
  ): Promise<NamesDto> {
    return this.service.contactsMet(actor, id, query);
  }

  @Get(':id/itinerary.ics')
  @Allow('trip:read')
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'The appointments the caller may attend, as iCalendar.' })
  @Header('Content-Type', 'text/calendar; charset=utf-8')
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
