import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordController } from '../common/record-controller';
import { PartnerListQuery, CreatePartnerDto, toPartnerDto, UpdatePartnerDto } from './partners.dto';
import { PartnersService } from './partners.service';

@ApiTags('partners')
@ApiBearerAuth()
@Controller('api/v1/partners')
export class PartnersController extends RecordController({
  service: PartnersService,
  read: 'partner:read',
  write: 'partner:write',
  toDto: toPartnerDto,
  body: { create: CreatePartnerDto, update: UpdatePartnerDto },
  query: PartnerListQuery,
}) {}
