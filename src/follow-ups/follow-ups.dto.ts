import { ApiProperty, PartialType } from '@nestjs/swagger';
import {
  DeletedFilter,
  FlagFilter,
  iso,
  ListQuery,
  OneOf,
  OneOfFilter,
  OptionalDay,
  OptionalId,
  OptionalText,
  RequiredText,
  UserIdOrMeFilter,
} from '../common/dto';
import { RecordDto, recordStamps } from '../common/record.dto';
import {
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  FollowUp,
  type FollowUpPriority,
  type FollowUpStatus,
} from './follow-up.entity';

export class CreateFollowUpDto {
  @RequiredText(300, { example: 'Angebot an den Technologiepark Peking schicken' })
  title: string;

  @OptionalText(10_000)
  notes?: string | null;

  @OptionalDay({ example: '2026-11-15' })
  dueOn?: string | null;

  @OneOf(FOLLOW_UP_STATUSES, {
    default: 'open',
    description: 'done sets completedAt; open or cancelled clears it.',
  })
  status?: FollowUpStatus;

  @OneOf(FOLLOW_UP_PRIORITIES, { default: 'normal' })
  priority?: FollowUpPriority;

  @OptionalId({
    description: 'An active user. Without assigneeId and companyId, whoever creates it.',
  })
  assigneeId?: string | null;

  @OptionalId({ description: 'A local company that should act.' })
  companyId?: string | null;

  @OptionalId() contactId?: string | null;
  @OptionalId() partnerId?: string | null;
  @OptionalId() leadId?: string | null;
  @OptionalId() interactionId?: string | null;
  @OptionalId() agreementId?: string | null;
  @OptionalId() tripId?: string | null;
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

export class FollowUpListQuery extends ListQuery(
  FOLLOW_UP_SORTS,
  FOLLOW_UP_DEFAULT_SORT,
  'Part of the title, case-insensitive.',
) {
  @OneOfFilter(FOLLOW_UP_STATUSES) status?: FollowUpStatus;
  @OneOfFilter(FOLLOW_UP_PRIORITIES) priority?: FollowUpPriority;

  @FlagFilter({ description: 'true: open and due before today; false: everything else.' })
  overdue?: boolean;

  @UserIdOrMeFilter() assigneeId?: string;
  @OptionalId() companyId?: string;
  @OptionalId() contactId?: string;
  @OptionalId() partnerId?: string;
  @OptionalId() leadId?: string;
  @OptionalId() tripId?: string;
  @OptionalId() interactionId?: string;
  @OptionalId() agreementId?: string;
  @DeletedFilter() deleted?: boolean;
}

export class FollowUpDto extends RecordDto {
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) notes: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) dueOn: string | null;
  @ApiProperty({ enum: FOLLOW_UP_STATUSES }) status: FollowUpStatus;
  @ApiProperty({ enum: FOLLOW_UP_PRIORITIES }) priority: FollowUpPriority;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) assigneeId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) companyId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) contactId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) partnerId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) leadId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) interactionId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) agreementId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) tripId: string | null;
  @ApiProperty({ type: String, nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) createdBy: string | null;
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
  ...recordStamps(f),
});
