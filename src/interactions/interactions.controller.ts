import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordController } from '../common/record-controller';
import {
  InteractionListQuery,
  CreateInteractionDto,
  toInteractionDto,
  UpdateInteractionDto,
} from './interactions.dto';
import { InteractionsService } from './interactions.service';

@ApiTags('interactions')
@ApiBearerAuth()
@Controller('api/v1/interactions')
export class InteractionsController extends RecordController({
  service: InteractionsService,
  read: 'interaction:read',
  write: 'interaction:write',
  toDto: toInteractionDto,
  body: { create: CreateInteractionDto, update: UpdateInteractionDto },
  query: InteractionListQuery,
}) {}
