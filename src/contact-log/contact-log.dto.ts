import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO31661Alpha2,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Trim, TrimToNull, UpperCase } from '../common/dto';
import { FAMILY_NAME_DESCRIPTION, FamilyNameUnlessChinese } from '../contacts/contacts.dto';

export const INTERACTION_KINDS = [
  'meeting',
  'call',
  'email',
  'event',
  'visit',
  'reception',
  'other',
] as const;

export class NewContactDto {
  @ApiPropertyOptional({ example: 'Zhao', description: FAMILY_NAME_DESCRIPTION })
  @FamilyNameUnlessChinese()
  @Trim()
  @IsString()
  @Length(1, 200)
  familyName?: string;

  @ApiPropertyOptional({ example: 'Lei' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  givenName?: string | null;

  @ApiPropertyOptional({ example: '赵磊' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  nativeName?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(200)
  position?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  companyId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  partnerId?: string;

  @ApiPropertyOptional({ example: 'CN', description: 'ISO 3166-1 alpha-2 code.' })
  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as DE or CN' })
  country?: string | null;
}

export class LogFollowUpDto {
  @ApiProperty()
  @Trim()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional({ example: '2026-12-01' })
  @IsOptional()
  @IsISO8601(
    { strict: true, strictSeparator: true },
    { message: 'followUp.dueOn must be a date YYYY-MM-DD' },
  )
  @Length(10, 10, { message: 'followUp.dueOn must be a date YYYY-MM-DD' })
  dueOn?: string;

  @ApiPropertyOptional({ enum: ['low', 'normal', 'high'] })
  @IsOptional()
  @IsIn(['low', 'normal', 'high'])
  priority?: 'low' | 'normal' | 'high';
}

export class LogLeadDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  companyId: string;

  @ApiProperty()
  @Trim()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  valueEur?: number;
}

/** One encounter logged in one go: who (existing and new people), what, and what comes next. */
export class ContactLogDto {
  @ApiProperty({ example: '2019-10-22T19:30:00+08:00' })
  @IsISO8601(
    { strict: true, strictSeparator: true },
    { message: 'occurredAt must be an ISO 8601 instant with offset' },
  )
  @Matches(/T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'occurredAt must be an ISO 8601 instant with offset',
  })
  occurredAt: string;

  @ApiPropertyOptional({ enum: INTERACTION_KINDS, default: 'meeting' })
  @IsOptional()
  @IsIn(INTERACTION_KINDS)
  kind?: (typeof INTERACTION_KINDS)[number];

  @ApiProperty()
  @Trim()
  @IsString()
  @Length(1, 300)
  subject: string;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(20_000)
  summary?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(300)
  location?: string | null;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  contactIds?: string[];

  @ApiPropertyOptional({ type: [NewContactDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => NewContactDto)
  newContacts?: NewContactDto[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  tripId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  appointmentId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  confidential?: boolean;

  @ApiPropertyOptional({ type: LogFollowUpDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LogFollowUpDto)
  followUp?: LogFollowUpDto;

  @ApiPropertyOptional({ type: LogLeadDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LogLeadDto)
  lead?: LogLeadDto;
}

export class ContactLogResultDto {
  @ApiProperty({ format: 'uuid' }) interactionId: string;
  @ApiProperty({ type: [String] }) contactIds: string[];
  @ApiProperty({ format: 'uuid', nullable: true }) followUpId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) leadId: string | null;
}
