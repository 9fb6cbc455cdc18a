import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor } from '../auth/actor';
import { IfMatch } from '../common/concurrency';
import { Page } from '../common/pagination';
import { UuidParam } from '../common/params';
import {
  CreateAppointmentDto,
  AppointmentDto,
  AppointmentListQuery,
  toAppointmentDto,
  UpdateAppointmentDto,
} from './appointments.dto';
import { AppointmentsService } from './appointments.service';

@ApiTags('trips')
@ApiBearerAuth()
@Controller('api/v1/trips/:tripId/appointments')
export class AppointmentsController {
  constructor(private readonly appointments: AppointmentsService) {}

  @Get()
  @Allow('trip:read')
  async list(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Query() query: AppointmentListQuery,
  ): Promise<Page<AppointmentDto>> {
    const page = await this.appointments.list(actor, tripId, query);
    return { items: page.items.map(toAppointmentDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow('trip:write')
  async create(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Body() dto: CreateAppointmentDto,
  ): Promise<AppointmentDto> {
    return toAppointmentDto(await this.appointments.create(actor, tripId, dto));
  }

  @Get(':appointmentId')
  @Allow('trip:read')
  async get(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Param('appointmentId', UuidParam('appointmentId')) id: string,
  ): Promise<AppointmentDto> {
    return toAppointmentDto(await this.appointments.get(actor, tripId, id));
  }

  @Patch(':appointmentId')
  @Allow('trip:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Param('appointmentId', UuidParam('appointmentId')) id: string,
    @IfMatch() version: number,
    @Body() dto: UpdateAppointmentDto,
  ): Promise<AppointmentDto> {
    return toAppointmentDto(await this.appointments.update(actor, tripId, id, version, dto));
  }

  @Delete(':appointmentId')
  @Allow('trip:write')
  @HttpCode(204)
  async remove(
    @CurrentActor() actor: Actor,
    @Param('tripId', UuidParam('tripId')) tripId: string,
    @Param('appointmentId', UuidParam('appointmentId')) id: string,
    @IfMatch() version: number,
  ): Promise<void> {
    await this.appointments.remove(actor, tripId, id, version);
  }
}
