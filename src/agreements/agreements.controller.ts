import { RecordController } from '../common/record-controller';
import {
  AgreementListQuery,
  CreateAgreementDto,
  AgreementDto,
  toAgreementDto,
  UpdateAgreementDto,
} from './agreements.dto';
import { AgreementsService } from './agreements.service';

export class AgreementsController extends RecordController({
  path: 'api/v1/agreements/:id',
  service: AgreementsService,
  read: 'agreement:read',
  write: 'agreement:write',
  toDto: toAgreementDto,
  dto: AgreementDto,
  body: { create: CreateAgreementDto, update: UpdateAgreementDto },
  query: AgreementListQuery,
}) {}
