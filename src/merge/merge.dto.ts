import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, Max, Min } from 'class-validator';
import { OptionalNonNull, RequiredId } from '../common/dto';
import { PageQuery } from '../common/pagination';

/** Why two records may be one, strongest first (src/merge/duplicates.ts weighs them). */
export const DUPLICATE_REASONS = [
  'email',
  'phone',
  'wechat',
  'website',
  'name',
  'organisation',
] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

/** `?limit=&cursor=`: the pairs come strongest first, so there is no other order to choose. */
export class DuplicatesQuery extends PickType(PageQuery, ['limit', 'cursor'] as const) {}

/** Which record a field's value is taken from. */
export const MERGE_SOURCES = ['kept', 'other'] as const;
export type MergeSource = (typeof MERGE_SOURCES)[number];

export class MergeDto {
  @RequiredId({ description: 'The record that goes into the kept one (`:id`).' })
  otherId: string;

  @ApiProperty({ description: "The other record's version as last read (its ETag's number)." })
  @Type(() => Number)
  @IsInt({ message: 'otherVersion must be a whole number' })
  @Min(1)
  @Max(999_999_999)
  otherVersion: number;

  @ApiPropertyOptional({
    description:
      "Per field, whose value the kept record has after the merge; a field not named keeps the kept record's.",
    example: { email: 'other', phone: 'kept' },
    type: 'object',
    additionalProperties: { type: 'string', enum: [...MERGE_SOURCES] },
  })
  @OptionalNonNull()
  @IsObject({ message: 'fields must be an object of field names and kept or other' })
  fields?: Record<string, MergeSource>;
}

/** "Not a duplicate": the other record of the pair. */
export class NotDuplicateDto {
  @RequiredId({ description: 'The other record of the pair.' })
  otherId: string;
}

/** One possible duplicate: two live records of a kind and why they may be one. */
export class DuplicatePairDto<D = Record<string, unknown>> {
  @ApiProperty({ enum: DUPLICATE_REASONS, isArray: true })
  reasons: DuplicateReason[];

  @ApiProperty({
    description: 'The two records (in a fixed order: the list never shows a pair twice).',
    type: 'array',
  })
  records: [D, D];
}

export class DuplicatePageDto {
  @ApiProperty({ type: [DuplicatePairDto] }) items: DuplicatePairDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
