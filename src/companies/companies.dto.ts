import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray } from 'class-validator';
import {
  DeletedFilter,
  IdsFilter,
  IsCountries,
  IsCountry,
  ListQuery,
  OptionalCountry,
  OptionalNonNull,
  OptionalText,
  OptionalWebsite,
  RequiredText,
  UpperCase,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import { Company } from './company.entity';

export class CreateCompanyDto {
  @RequiredText(200, { example: 'DOVO Stahlwaren' })
  name: string;

  @OptionalText(300, { example: 'DOVO Stahlwaren Bracht GmbH & Co. KG' })
  legalName?: string | null;

  @OptionalText(200, { example: 'Rasiermesser und Scheren' })
  industry?: string | null;

  @OptionalText(200, { example: 'Solingen' })
  city?: string | null;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2', default: 'DE' })
  @OptionalNonNull()
  @UpperCase()
  @IsCountry()
  country?: string;

  @OptionalWebsite({ example: 'https://www.dovo.com' })
  website?: string | null;

  @OptionalText(10_000)
  description?: string | null;

  @ApiPropertyOptional({
    example: ['CN'],
    description: 'ISO codes of the countries it has branches in',
  })
  @OptionalNonNull()
  @UpperCase()
  @IsArray()
  @ArrayMaxSize(250)
  @ArrayUnique()
  @IsCountries()
  branchCountries?: string[];
}

/** PATCH: every field optional; `null` clears a nullable field and is refused for the others. */
export class UpdateCompanyDto extends PartialType(CreateCompanyDto, {
  skipNullProperties: false,
}) {}

export const COMPANY_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type CompanySort = (typeof COMPANY_SORTS)[number];
export const COMPANY_DEFAULT_SORT = 'name';

export class CompanyListQuery extends ListQuery(
  COMPANY_SORTS,
  COMPANY_DEFAULT_SORT,
  'Part of the name, accent- and case-insensitive.',
) {
  @OptionalCountry({ example: 'DE' })
  country?: string;

  @OptionalCountry({ example: 'CN', description: 'Companies with a branch in this country.' })
  branchCountry?: string;

  @DeletedFilter()
  deleted?: boolean;

  @IdsFilter()
  ids?: string[];
}

export class CompanyDto extends RecordDto {
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) legalName: string | null;
  @ApiProperty({ type: String, nullable: true }) industry: string | null;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty({ example: 'DE' }) country: string;
  @ApiProperty({ type: String, nullable: true }) website: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ type: [String], example: ['CN'] }) branchCountries: string[];
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The company this one was merged into.',
  })
  mergedIntoId: string | null;
}

export const toCompanyDto = (c: Company): CompanyDto => ({
  id: c.id,
  name: c.name,
  legalName: c.legalName,
  industry: c.industry,
  city: c.city,
  country: c.country,
  website: c.website,
  description: c.description,
  branchCountries: c.branchCountries,
  mergedIntoId: c.mergedIntoId,
  ...recordStamps(c),
});
