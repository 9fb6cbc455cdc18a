import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { IsDay } from '../common/day';
import { IsUserIdOrMe, iso, OptionalNonNull, QueryBoolean, Trim, TrimToNull } from '../common/dto';
import { PageQuery, SortOf } from '../common/pagination';
import {
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  FollowUp,
  type FollowUpPriority,
  type FollowUpStatus,
} from './follow-up.entity';

const statusMessage = `status must be one of ${FOLLOW_UP_STATUSES.join(', ')}`;
const priorityMessage = `priority must be one of ${FOLLOW_UP_PRIORITIES.join(', ')}`;

export class CreateFollowUpDto {
  @ApiProperty({ example: 'Angebot an den Technologiepark Peking schicken' })
  @Trim()
  @IsString()
  @Length(1, 300)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @TrimToNull()
  @IsString()
  @MaxLength(10_000)
  notes?: string | null;

  @ApiPropertyOptional({ example: '2026-11-15', format: 'date' })
  @IsOptional()
  @IsDay()
  dueOn?: string | null;

  @ApiPropertyOptional({
    enum: FOLLOW_UP_STATUSES,
    default: 'open',
    description: 'done sets completedAt; open or cancelled clears it.',
  })
  @OptionalNonNull()
  @IsIn(FOLLOW_UP_STATUSES, { message: statusMessage })
  status?: FollowUpStatus;

  @ApiPropertyOptional({ enum: FOLLOW_UP_PRIORITIES, default: 'normal' })
  @OptionalNonNull()
  @IsIn(FOLLOW_UP_PRIORITIES, { message: priorityMessage })
  priority?: FollowUpPriority;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An active user. Without assigneeId and companyId, whoever creates it.',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'assigneeId must be a UUID' })
  assigneeId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'A local company that should act.' })
  @IsOptional()
  @IsUUID(undefined, { message: 'companyId must be a UUID' })
  companyId?: string | null;

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
  @IsUUID(undefined, { message: 'leadId must be a UUID' })
  leadId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'interactionId must be a UUID' })
  interactionId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'agreementId must be a UUID' })
  agreementId?: string | null;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tripId must be a UUID' })
  tripId?: string | null;
}

export class UpdateFollowUpDto extends PartialType(CreateFollowUpDto, {
  skipNullProperties: false,
}) {}

export const FOLLOW_UP_SORTS = [
  'dueOn',
  'title',
  'priority',
  'completedAt',
  'createdAt',
  'updatedAt',
] as const;
export type FollowUpSort = (typeof FOLLOW_UP_SORTS)[number];
export const FOLLOW_UP_DEFAULT_SORT = 'dueOn';

export class FollowUpListQuery extends PageQuery {
  @SortOf(FOLLOW_UP_SORTS, FOLLOW_UP_DEFAULT_SORT)
  override sort?: string = undefined;

  @ApiPropertyOptional({ description: 'Part of the title, case-insensitive.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES, { message: statusMessage })
  status?: FollowUpStatus;

  @ApiPropertyOptional({ enum: FOLLOW_UP_PRIORITIES })
  @IsOptional()
  @IsIn(FOLLOW_UP_PRIORITIES, { message: priorityMessage })
  priority?: FollowUpPriority;

  @ApiPropertyOptional({
    description: 'true: open and due before today; false: everything else.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'A user id, or `me`.' })
  @IsOptional()
  @IsString()
  @IsUserIdOrMe()
  assigneeId?: string;

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
  @IsUUID(undefined, { message: 'leadId must be a UUID' })
  leadId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tripId must be a UUID' })
  tripId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'interactionId must be a UUID' })
  interactionId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID(undefined, { message: 'agreementId must be a UUID' })
  agreementId?: string;

  @ApiPropertyOptional({
    description: 'true: only soft-deleted records (agency staff), to restore them.',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'deleted must be true or false' })
  deleted?: boolean;
}

export class FollowUpDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true }) notes: string | null;
  @ApiProperty({ nullable: true, format: 'date' }) dueOn: string | null;
  @ApiProperty({ enum: FOLLOW_UP_STATUSES }) status: FollowUpStatus;
  @ApiProperty({ enum: FOLLOW_UP_PRIORITIES }) priority: FollowUpPriority;
  @ApiProperty({ nullable: true, format: 'uuid' }) assigneeId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) companyId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) contactId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) partnerId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) leadId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) interactionId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) agreementId: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) tripId: string | null;
  @ApiProperty({ nullable: true }) completedAt: string | null;
  @ApiProperty({ nullable: true, format: 'uuid' }) createdBy: string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ nullable: true }) deletedAt: string | null;
}

export const toFollowUpDto = (f: FollowUp): FollowUpDto => ({
  id: f.id,
  title: f.title,
  notes: f.notes,
  dueOn: f.dueOn,
  status: f.status,
  priority: f.priority,
  assigneeId: f.assigneeId,
  companyId: f.companyId,
  contactId: f.contactId,
  partnerId: f.partnerId,
  leadId: f.leadId,
  interactionId: f.interactionId,
  agreementId: f.agreementId,
  tripId: f.tripId,
  completedAt: iso(f.completedAt),
  createdBy: f.createdBy,
  version: f.version,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
  deletedAt: iso(f.deletedAt),
});
