import { NestedRecordController } from '../common/record-controller';
import {
  AppointmentListQuery,
  CreateAppointmentDto,
  AppointmentDto,
  toAppointmentDto,
  UpdateAppointmentDto,
} from './appointments.dto';
import { AppointmentsService } from './appointments.service';

export class AppointmentsController extends NestedRecordController({
  path: 'api/v1/trips/:tripId/appointments/:appointmentId',
  service: AppointmentsService,
  read: 'trip:read',
  write: 'trip:write',
  toDto: toAppointmentDto,
  dto: AppointmentDto,
  body: { create: CreateAppointmentDto, update: UpdateAppointmentDto },
  query: AppointmentListQuery,
}) {}
