import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const MAX_SEARCH_LENGTH = 200;
export const MAX_SEARCH_LIMIT = 50;

export class SearchQuery {
  @ApiProperty({
    minLength: 1,
    maxLength: MAX_SEARCH_LENGTH,
    example: 'wang fang',
    description:
      'Words of a name, email, organisation or lead title; case- and accent-insensitive, Chinese names also by pinyin.',
  })
  @IsString({ message: 'q must be one search term' })
  @Length(1, MAX_SEARCH_LENGTH, {
    message: `q must be 1 to ${MAX_SEARCH_LENGTH} characters long`,
  })
  q: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_SEARCH_LIMIT)
  limit: number = 10;
}

/** One record found, as a line of a result list. */
export class SearchHitDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Fang Wang (王芳)', description: 'Display name or title.' })
  label: string;
  @ApiProperty({
    nullable: true,
    example: 'Zhongguancun Technology Park · CN',
    description: 'Organisation, place, stage: what tells two similar labels apart.',
  })
  detail: string | null;
}

export class SearchResultsDto {
  @ApiProperty({ type: [SearchHitDto] }) contacts: SearchHitDto[];
  @ApiProperty({ type: [SearchHitDto] }) companies: SearchHitDto[];
  @ApiProperty({ type: [SearchHitDto] }) partners: SearchHitDto[];
  @ApiProperty({ type: [SearchHitDto] }) leads: SearchHitDto[];
}
