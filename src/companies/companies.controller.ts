import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordController } from '../common/record-controller';
import {
  CompanyListQuery,
  CreateCompanyDto,
  toCompanyDto,
  UpdateCompanyDto,
} from './companies.dto';
import { CompaniesService } from './companies.service';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('api/v1/companies')
export class CompaniesController extends RecordController({
  service: CompaniesService,
  read: 'company:read',
  write: 'company:write',
  toDto: toCompanyDto,
  body: { create: CreateCompanyDto, update: UpdateCompanyDto },
  query: CompanyListQuery,
}) {}
