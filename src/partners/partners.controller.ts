import { RecordController } from '../common/record-controller';
import {
  PartnerListQuery,
  CreatePartnerDto,
  PartnerDto,
  toPartnerDto,
  UpdatePartnerDto,
} from './partners.dto';
import { PartnersService } from './partners.service';

export class PartnersController extends RecordController({
  path: 'api/v1/partners/:id',
  service: PartnersService,
  read: 'partner:read',
  write: 'partner:write',
  toDto: toPartnerDto,
  dto: PartnerDto,
  body: { create: CreatePartnerDto, update: UpdatePartnerDto },
  query: PartnerListQuery,
  names: true,
}) {}
