import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { DayColumn, InstantColumn } from '../database/columns';

export const REVIEW_DECISIONS = ['open', 'extended'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * A contact the retention review found without activity for RETENTION_MONTHS: open until someone
 * decides. Extended: kept until `extendedUntil`, with the reason; the contact is not listed again
 * before that day. Erasure is the access report's (`/contacts/:id/personal-data#erase`).
 */
@Entity('retention_reviews')
export class RetentionReview {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  contactId: string;

  @InstantColumn()
  foundAt: Date;

  @InstantColumn()
  lastActivityAt: Date;

  @Column({ type: 'text' })
  decision: ReviewDecision;

  @DayColumn({ nullable: true })
  extendedUntil: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy: string | null;

  @InstantColumn({ nullable: true })
  decidedAt: Date | null;
}
