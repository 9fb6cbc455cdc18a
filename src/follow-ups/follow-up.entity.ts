import { Column, Entity } from 'typeorm';
import { DayColumn, InstantColumn, RecordColumns } from '../database/columns';

export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const FOLLOW_UP_PRIORITIES = ['low', 'normal', 'high'] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];

/** A thing someone must do next: assigned to a user, to a company, or both. */
@Entity('follow_ups')
export class FollowUp extends RecordColumns {
  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @DayColumn({ nullable: true })
  dueOn: string | null;

  @Column({ type: 'text' })
  status: FollowUpStatus;

  @Column({ type: 'text' })
  priority: FollowUpPriority;

  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ type: 'uuid', nullable: true })
  companyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  contactId: string | null;

  @Column({ type: 'uuid', nullable: true })
  partnerId: string | null;

  @Column({ type: 'uuid', nullable: true })
  leadId: string | null;

  @Column({ type: 'uuid', nullable: true })
  interactionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  agreementId: string | null;

  @Column({ type: 'uuid', nullable: true })
  tripId: string | null;

  @InstantColumn({ nullable: true })
  completedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;
}
