import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsDay } from '../common/day';
import { IsUserIdOrMe, iso, OptionalNonNull, QueryBoolean, Trim, TrimToNull } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import { LeadNote } from './lead-note.entity';
import { Lead, LEAD_STAGES, type LeadStage } from './lead.entity';

/** numeric(14, 2): the largest amount the column holds. */
export const MAX_VALUE_EUR = 999_999_999_999.99;

export class CreateLeadDto {
  @ApiProperty({ format: 'uuid', description: 'The local company the opportunity is for.' })
  @IsUUID(undefined, { message: 'companyId must be a UUID' })
  companyId: string;

  @ApiProperty({ example: 'Messerschmiede-Kooperation mit dem 3D-Campus Shanghai' })
  @Trim()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ enum: LEAD_STAGES, default: 'new' })
  @OptionalNonNull()
  @IsIn(LEAD_STAGES, { message: `stage must be one of ${LEAD_STAGES.join(', ')}` })
  stage?: LeadStage;

  @ApiPropertyOptional({ example: 250000, description: 'EUR, at most two decimals.' })
  @IsOptional()
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 },
    { message: 'valueEur must be a number with at most two decimals' },
  )
  @Min(0, { message: 'valueEur must not be negative' })
  @Max(MAX_VALUE_EUR, { message: `valueEur must not exceed ${MAX_VALUE_EUR}` })
  valueEur?: number | null;

  @ApiPropertyOptional({ example: '2026-12-31', format: 'date' })
  @IsOptional()
  @IsDay()
  expectedCloseOn?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'contactId must be a UUID' })
  contactId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'partnerId must be a UUID' })
  partnerId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tripId must be a UUID' })
  tripId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An appointment of the trip; without a tripId, its trip becomes the tripId.',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'appointmentId must be a UUID' })
  appointmentId?: string | null;

  @ApiPropertyOptional({ description: 'Only for a lead in stage lost.' })
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(2000)
  lostReason?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An active admin or staff user; defaults to whoever creates the lead.',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'ownerId must be a UUID' })
  ownerId?: string | null;
}

/** PATCH: any field of a lead; a company user may send only `stage` and `lostReason`. */
export class UpdateLeadDto extends PartialType(CreateLeadDto, { skipNullProperties: false }) {}

export const LEAD_SORTS = [
  'title',
  'stage',
  'valueEur',
  'expectedCloseOn',
  'createdAt',
  'updatedAt',
] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];
export const LEAD_DEFAULT_SORT = '-createdAt';

export class LeadListQuery extends PageQuery {
  @SortOf(LEAD_SORTS, LEAD_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({ description: 'Words of the title, accent- and case-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: LEAD_STAGES })
  @IsOptional()
  @IsIn(LEAD_STAGES, { message: `stage must be one of ${LEAD_STAGES.join(', ')}` })
  stage?: LeadStage;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'companyId must be a UUID' })
  companyId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'contactId must be a UUID' })
  contactId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'partnerId must be a UUID' })
  partnerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tripId must be a UUID' })
  tripId?: string;

  @ApiPropertyOptional({ description: 'A user id, or `me`.' })
  @IsOptional()
  @IsString()
  @IsUserIdOrMe()
  ownerId?: string;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted records (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class LeadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) companyId: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true }) description: string | null;
  @ApiProperty({ enum: LEAD_STAGES }) stage: LeadStage;
  @ApiProperty({ nullable: true, example: 250000 }) valueEur: number | null;
  @ApiProperty({ nullable: true, format: 'date' }) expectedCloseOn: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) contactId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) partnerId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) tripId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) appointmentId: string | null;
  @ApiProperty({ nullable: true }) lostReason: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) ownerId: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
}

export const toLeadDto = (l: Lead): LeadDto => ({
  id: l.id,
  companyId: l.companyId,
  title: l.title,
  description: l.description,
  stage: l.stage,
  valueEur: l.valueEur,
  expectedCloseOn: l.expectedCloseOn,
  contactId: l.contactId,
  partnerId: l.partnerId,
  tripId: l.tripId,
  appointmentId: l.appointmentId,
  lostReason: l.lostReason,
  ownerId: l.ownerId,
  version: l.version,
  createdAt: l.createdAt.toISOString(),
  updatedAt: l.updatedAt.toISOString(),
  deletedAt: iso(l.deletedAt),
});

export class CreateLeadNoteDto {
  @ApiProperty({ example: 'Muster sind angekommen; Rückmeldung bis Freitag.' })
  @Trim()
  @IsString()
  @Length(1, 10_000)
  body: string;
}

export class LeadNoteDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) leadId: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty() authorName: string;
  @ApiProperty() body: string;
  @ApiProperty() createdAt: string;
}

export const toLeadNoteDto = (n: LeadNote): LeadNoteDto => ({
  id: n.id,
  leadId: n.leadId,
  authorId: n.authorId,
  authorName: n.author?.displayName ?? '',
  body: n.body,
  createdAt: n.createdAt.toISOString(),
});

export class PipelineRowDto {
  @ApiProperty({ format: 'uuid' }) companyId: string;
  @ApiProperty() companyName: string;
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: "Sum of the leads' values in EUR" }) valueEur: number;
}
