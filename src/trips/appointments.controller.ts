import { NestedRecordController } from '../common/record-controller';
import {
  AppointmentListQuery,
  CreateAppointmentDto,
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
  body: { create: CreateAppointmentDto, update: UpdateAppointmentDto },
  query: AppointmentListQuery,
}) {}
