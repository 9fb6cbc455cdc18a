import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordController } from '../common/record-controller';
import {
  AgreementListQuery,
  CreateAgreementDto,
  toAgreementDto,
  UpdateAgreementDto,
} from './agreements.dto';
import { AgreementsService } from './agreements.service';

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('api/v1/agreements')
export class AgreementsController extends RecordController({
  service: AgreementsService,
  read: 'agreement:read',
  write: 'agreement:write',
  toDto: toAgreementDto,
  body: { create: CreateAgreementDto, update: UpdateAgreementDto },
  query: AgreementListQuery,
}) {}
