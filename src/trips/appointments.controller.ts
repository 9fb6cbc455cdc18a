import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NestedRecordController } from '../common/record-controller';
import {
  AppointmentListQuery,
  CreateAppointmentDto,
  toAppointmentDto,
  UpdateAppointmentDto,
} from './appointments.dto';
import { AppointmentsService } from './appointments.service';

@ApiTags('trips')
@ApiBearerAuth()
@Controller('api/v1/trips/:tripId/appointments')
export class AppointmentsController extends NestedRecordController({
  service: AppointmentsService,
  params: { parent: 'tripId', id: 'appointmentId' },
  read: 'trip:read',
  write: 'trip:write',
  toDto: toAppointmentDto,
  body: { create: CreateAppointmentDto, update: UpdateAppointmentDto },
  query: AppointmentListQuery,
}) {}
