import { Column, Entity } from 'typeorm';
import { DayColumn, MoneyColumn, RecordColumns } from '../database/columns';

export const LEAD_STAGES = ['new', 'contacted', 'qualified', 'proposal', 'won', 'lost'] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];

/** An opportunity for one local company. */
@Entity('leads')
export class Lead extends RecordColumns {
  @Column({ type: 'uuid' })
  companyId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text' })
  stage: LeadStage;

  @MoneyColumn({ nullable: true })
  valueEur: number | null;

  @DayColumn({ nullable: true })
  expectedCloseOn: string | null;

  @Column({ type: 'uuid', nullable: true })
  contactId: string | null;

  @Column({ type: 'uuid', nullable: true })
  partnerId: string | null;

  @Column({ type: 'uuid', nullable: true })
  tripId: string | null;

  @Column({ type: 'uuid', nullable: true })
  appointmentId: string | null;

  @Column({ type: 'text', nullable: true })
  lostReason: string | null;

  @Column({ type: 'uuid', nullable: true })
  ownerId: string | null;
}
