import { RecordController } from '../common/record-controller';
import {
  InteractionListQuery,
  CreateInteractionDto,
  InteractionDto,
  toInteractionDto,
  UpdateInteractionDto,
} from './interactions.dto';
import { InteractionsService } from './interactions.service';

export class InteractionsController extends RecordController({
  path: 'api/v1/interactions/:id',
  service: InteractionsService,
  read: 'interaction:read',
  write: 'interaction:write',
  toDto: toInteractionDto,
  dto: InteractionDto,
  body: { create: CreateInteractionDto, update: UpdateInteractionDto },
  query: InteractionListQuery,
}) {}
