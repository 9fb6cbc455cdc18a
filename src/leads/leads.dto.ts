import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import {
  DeletedFilter,
  IsOneOf,
  ListQuery,
  OneOf,
  OneOfFilter,
  OptionalAmount,
  OptionalCount,
  OptionalDay,
  OptionalId,
  OptionalText,
  RequiredId,
  RequiredText,
  UserIdOrMeFilter,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import { LeadNote } from './lead-note.entity';
import { Lead, LEAD_STAGES, type LeadStage } from './lead.entity';

/** numeric(14, 2): the largest amount the column holds. */
export const MAX_VALUE_EUR = 999_999_999_999.99;

export class CreateLeadDto {
  @RequiredId({ description: 'The local company the opportunity is for.' })
  companyId: string;

  @RequiredText(300, { example: 'Messerschmiede-Kooperation mit dem 3D-Campus Shanghai' })
  title: string;

  @OptionalText(10_000)
  description?: string | null;

  @OneOf(LEAD_STAGES, { default: 'new' })
  stage?: LeadStage;

  @OptionalAmount(MAX_VALUE_EUR, { example: 250000 })
  valueEur?: number | null;

  @OptionalDay({ example: '2026-12-31' })
  expectedCloseOn?: string | null;

  @OptionalId() contactId?: string | null;
  @OptionalId() partnerId?: string | null;
  @OptionalId() tripId?: string | null;

  @OptionalId({
    description: 'An appointment of the trip; without a tripId, its trip becomes the tripId.',
  })
  appointmentId?: string | null;

  @OptionalText(2000, { description: 'Only for a lead in stage lost.' })
  lostReason?: string | null;

  @OptionalId({
    description: 'An active admin or staff user; defaults to whoever creates the lead.',
  })
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

export class LeadListQuery extends ListQuery(
  LEAD_SORTS,
  LEAD_DEFAULT_SORT,
  'Words of the title, accent- and case-insensitive.',
) {
  @OneOfFilter(LEAD_STAGES) stage?: LeadStage;
  @OptionalId() companyId?: string;
  @OptionalId() contactId?: string;
  @OptionalId() partnerId?: string;
  @OptionalId() tripId?: string;
  @UserIdOrMeFilter() ownerId?: string;
  @DeletedFilter() deleted?: boolean;
}

export const PIPELINE_GROUPINGS = ['company', 'stage'] as const;
/** The most companies `?top=` asks for: a chart's worth. */
export const MAX_PIPELINE_TOP = 100;

/** What a board and its totals are filtered by. */
export class LeadBoardFilters {
  @OptionalId() companyId?: string;
  @OptionalId() tripId?: string;
  @UserIdOrMeFilter() ownerId?: string;
}

/** The pipeline's filters: the board's columns total what it shows. */
export class LeadPipelineQuery extends LeadBoardFilters {
  @ApiPropertyOptional({
    enum: PIPELINE_GROUPINGS,
    default: 'company',
    description:
      '`company`: a row per company and stage; `stage`: a row per stage (the totals of a board; companyId and companyName are null).',
  })
  @IsOptional()
  @IsOneOf(PIPELINE_GROUPINGS)
  by?: (typeof PIPELINE_GROUPINGS)[number];

  @OptionalCount(MAX_PIPELINE_TOP, {
    description:
      'With by=company: only the companies with the most value in open stages (not won or lost), at most this many.',
  })
  top?: number;
}

/** The leads a board shows of each stage at first, and the most it may ask for. */
export const BOARD_STAGE_PAGE = 20;
export const MAX_BOARD_STAGE_PAGE = 50;

export class LeadBoardQuery extends LeadBoardFilters {
  @OptionalCount(MAX_BOARD_STAGE_PAGE, {
    default: BOARD_STAGE_PAGE,
    description: 'Leads of each stage, the most recently changed first.',
  })
  limit: number = BOARD_STAGE_PAGE;
}

export class LeadDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) companyId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: LEAD_STAGES }) stage: LeadStage;
  @ApiProperty({ type: Number, nullable: true, example: 250000 }) valueEur: number | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) expectedCloseOn: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) partnerId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) tripId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) appointmentId: string | null;
  @ApiProperty({ type: String, nullable: true }) lostReason: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) ownerId: string | null;
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
  ...recordStamps(l),
});

export class CreateLeadNoteDto {
  @RequiredText(10_000, { example: 'Muster sind angekommen; Rückmeldung bis Freitag.' })
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
  @ApiProperty({ format: 'uuid', nullable: true, description: 'null with by=stage' })
  companyId: string | null;
  @ApiProperty({ nullable: true, description: 'null with by=stage' }) companyName: string | null;
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: "Sum of the leads' values in EUR" }) valueEur: number;
}

export class LeadBoardStageDto {
  @ApiProperty({ enum: LEAD_STAGES }) stage: string;
  @ApiProperty({ description: 'Leads in the stage, within the filters' }) count: number;
  @ApiProperty({ description: 'Sum of their values in EUR' }) valueEur: number;
  @ApiProperty({ type: [LeadDto], description: 'The first leads, the most recently changed first' })
  items: LeadDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The next ones: `GET /leads?stage=…&sort=-updatedAt&cursor=` with the same filters; null when all are shown.',
  })
  nextCursor: string | null;
}

/** A board: every stage in the pipeline's order, each with its totals and first leads. */
export class LeadBoardDto {
  @ApiProperty({ type: [LeadBoardStageDto] }) stages: LeadBoardStageDto[];
}
