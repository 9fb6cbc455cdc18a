import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  MaxLength,
} from 'class-validator';
import {
  iso,
  OptionalNonNull,
  QueryBoolean,
  Trim,
  TrimToNull,
  UpperCase,
  WEBSITE_OPTIONS,
} from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import { Company } from './company.entity';

export class CreateCompanyDto {
  @ApiProperty({ example: 'DOVO Stahlwaren' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'DOVO Stahlwaren Bracht GmbH & Co. KG' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(300)
  legalName?: string | null;

  @ApiPropertyOptional({ example: 'Rasiermesser und Scheren' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  industry?: string | null;

  @ApiPropertyOptional({ example: 'Solingen' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  city?: string | null;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2', default: 'DE' })
  @OptionalNonNull()
  @UpperCase()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as DE or CN' })
  country?: string;

  @ApiPropertyOptional({ example: 'https://www.dovo.com' })
  @IsOptional()
  @TrimToNull()
  @IsUrl(WEBSITE_OPTIONS, { message: 'website must be an http(s) URL' })
  @MaxLength(500)
  website?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(10_000)
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
  @IsISO31661Alpha2({ each: true, message: 'branchCountries must hold ISO 3166-1 alpha-2 codes' })
  branchCountries?: string[];
}

/** PATCH: every field optional; `null` clears a nullable field and is refused for the others. */
export class UpdateCompanyDto extends PartialType(CreateCompanyDto, {
  skipNullProperties: false,
}) {}

export const COMPANY_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type CompanySort = (typeof COMPANY_SORTS)[number];
export const COMPANY_DEFAULT_SORT = 'name';

export class CompanyListQuery extends PageQuery {
  @SortOf(COMPANY_SORTS, COMPANY_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({ description: 'Part of the name, accent- and case-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'DE' })
  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string;

  @ApiPropertyOptional({ example: 'CN', description: 'Companies with a branch in this country.' })
  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2({ message: 'branchCountry must be an ISO 3166-1 alpha-2 code' })
  branchCountry?: string;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted records (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class CompanyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true }) legalName: string | null;
  @ApiProperty({ nullable: true }) industry: string | null;
  @ApiProperty({ nullable: true }) city: string | null;
  @ApiProperty({ example: 'DE' }) country: string;
  @ApiProperty({ nullable: true }) website: string | null;
  @ApiProperty({ nullable: true }) description: string | null;
  @ApiProperty({ type: [String], example: ['CN'] }) branchCountries: string[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
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
  version: c.version,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  deletedAt: iso(c.deletedAt),
});
