import { NestedRecordController } from '../common/record-controller';
import {
  ParticipantListQuery,
  CreateParticipantDto,
  ParticipantDto,
  toParticipantDto,
  UpdateParticipantDto,
} from './participants.dto';
import { ParticipantsService } from './participants.service';

export class ParticipantsController extends NestedRecordController({
  path: 'api/v1/trips/:tripId/participants/:participantId',
  service: ParticipantsService,
  read: 'trip:read',
  write: 'trip:write',
  toDto: toParticipantDto,
  dto: ParticipantDto,
  body: { create: CreateParticipantDto, update: UpdateParticipantDto },
  query: ParticipantListQuery,
}) {}
