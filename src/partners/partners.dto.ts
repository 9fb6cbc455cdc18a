import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
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
import { Partner, PARTNER_KINDS, PartnerKind } from './partner.entity';

const KIND_MESSAGE = `kind must be one of ${PARTNER_KINDS.join(', ')}`;

export class CreatePartnerDto {
  @ApiProperty({ example: 'Zhongguancun Science Park' })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: '中关村科技园区', description: 'The name in its own script.' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  nativeName?: string | null;

  @ApiPropertyOptional({ enum: PARTNER_KINDS, default: 'other' })
  @OptionalNonNull()
  @IsIn(PARTNER_KINDS, { message: KIND_MESSAGE })
  kind?: PartnerKind;

  @ApiProperty({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  @UpperCase()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as CN or DE' })
  country: string;

  @ApiPropertyOptional({ example: 'Beijing' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  city?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional({ example: 'https://www.zgc.gov.cn' })
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
}

/** PATCH: every field optional; `null` clears a nullable field and is refused for the others. */
export class UpdatePartnerDto extends PartialType(CreatePartnerDto, {
  skipNullProperties: false,
}) {}

export const PARTNER_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type PartnerSort = (typeof PARTNER_SORTS)[number];
export const PARTNER_DEFAULT_SORT = 'name';

export class PartnerListQuery extends PageQuery {
  @SortOf(PARTNER_SORTS, PARTNER_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({
    description: 'Part of the name or native name, accent- and case-insensitive; pinyin works.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ example: 'CN' })
  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string;

  @ApiPropertyOptional({ enum: PARTNER_KINDS })
  @IsOptional()
  @IsIn(PARTNER_KINDS, { message: KIND_MESSAGE })
  kind?: PartnerKind;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted records (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class PartnerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true }) nativeName: string | null;
  @ApiProperty({ enum: PARTNER_KINDS }) kind: PartnerKind;
  @ApiProperty({ example: 'CN' }) country: string;
  @ApiProperty({ nullable: true }) city: string | null;
  @ApiProperty({ nullable: true }) address: string | null;
  @ApiProperty({ nullable: true }) website: string | null;
  @ApiProperty({ nullable: true }) description: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
}

export const toPartnerDto = (p: Partner): PartnerDto => ({
  id: p.id,
  name: p.name,
  nativeName: p.nativeName,
  kind: p.kind,
  country: p.country,
  city: p.city,
  address: p.address,
  website: p.website,
  description: p.description,
  version: p.version,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
  deletedAt: iso(p.deletedAt),
});
