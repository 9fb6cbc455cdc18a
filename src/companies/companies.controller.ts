import { RecordController } from '../common/record-controller';
import {
  CompanyListQuery,
  CreateCompanyDto,
  CompanyDto,
  toCompanyDto,
  UpdateCompanyDto,
} from './companies.dto';
import { CompaniesService } from './companies.service';

export class CompaniesController extends RecordController({
  path: 'api/v1/companies/:id',
  service: CompaniesService,
  read: 'company:read',
  write: 'company:write',
  toDto: toCompanyDto,
  dto: CompanyDto,
  body: { create: CreateCompanyDto, update: UpdateCompanyDto },
  query: CompanyListQuery,
  names: true,
}) {}
