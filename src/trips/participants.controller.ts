import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NestedRecordController } from '../common/record-controller';
import {
  ParticipantListQuery,
  CreateParticipantDto,
  toParticipantDto,
  UpdateParticipantDto,
} from './participants.dto';
import { ParticipantsService } from './participants.service';

@ApiTags('trips')
@ApiBearerAuth()
@Controller('api/v1/trips/:tripId/participants')
export class ParticipantsController extends NestedRecordController({
  service: ParticipantsService,
  params: { parent: 'tripId', id: 'participantId' },
  read: 'trip:read',
  write: 'trip:write',
  toDto: toParticipantDto,
  body: { create: CreateParticipantDto, update: UpdateParticipantDto },
  query: ParticipantListQuery,
}) {}
