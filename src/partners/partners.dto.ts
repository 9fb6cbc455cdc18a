import { ApiProperty, PartialType } from '@nestjs/swagger';
import {
  DeletedFilter,
  IdsFilter,
  IsCountry,
  ListQuery,
  OneOf,
  OneOfFilter,
  OptionalCountry,
  OptionalText,
  OptionalWebsite,
  RequiredText,
  UpperCase,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import { Partner, PARTNER_KINDS, PartnerKind } from './partner.entity';

export class CreatePartnerDto {
  @RequiredText(200, { example: 'Zhongguancun Science Park' })
  name: string;

  @OptionalText(200, { example: '中关村科技园区', description: 'The name in its own script.' })
  nativeName?: string | null;

  @OneOf(PARTNER_KINDS, { default: 'other' })
  kind?: PartnerKind;

  @ApiProperty({ example: 'CN', description: 'ISO 3166-1 alpha-2' })
  @UpperCase()
  @IsCountry()
  country: string;

  @OptionalText(200, { example: 'Beijing' })
  city?: string | null;

  @OptionalText(500)
  address?: string | null;

  @OptionalWebsite({ example: 'https://www.zgc.gov.cn' })
  website?: string | null;

  @OptionalText(10_000)
  description?: string | null;
}

/** PATCH: every field optional; `null` clears a nullable field and is refused for the others. */
export class UpdatePartnerDto extends PartialType(CreatePartnerDto, {
  skipNullProperties: false,
}) {}

export const PARTNER_SORTS = ['name', 'createdAt', 'updatedAt'] as const;
export type PartnerSort = (typeof PARTNER_SORTS)[number];
export const PARTNER_DEFAULT_SORT = 'name';

export class PartnerListQuery extends ListQuery(
  PARTNER_SORTS,
  PARTNER_DEFAULT_SORT,
  'Part of the name or native name, accent- and case-insensitive; pinyin works.',
) {
  @OptionalCountry({ example: 'CN' })
  country?: string;

  @OneOfFilter(PARTNER_KINDS)
  kind?: PartnerKind;

  @DeletedFilter()
  deleted?: boolean;

  @IdsFilter()
  ids?: string[];
}

export class PartnerDto extends RecordDto {
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) nativeName: string | null;
  @ApiProperty({ enum: PARTNER_KINDS }) kind: PartnerKind;
  @ApiProperty({ example: 'CN' }) country: string;
  @ApiProperty({ type: String, nullable: true }) city: string | null;
  @ApiProperty({ type: String, nullable: true }) address: string | null;
  @ApiProperty({ type: String, nullable: true }) website: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The partner this one was merged into.',
  })
  mergedIntoId: string | null;
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
  mergedIntoId: p.mergedIntoId,
  ...recordStamps(p),
});
