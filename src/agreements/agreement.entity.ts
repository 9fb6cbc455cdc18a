import { Column, Entity } from 'typeorm';
import { DayColumn, RecordColumns } from '../database/columns';

export const AGREEMENT_KINDS = ['cooperation', 'mou', 'friendship', 'other'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

export const AGREEMENT_STATUSES = [
  'draft',
  'negotiating',
  'signed',
  'active',
  'expired',
  'terminated',
] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** A cooperation agreement, MoU or city friendship with a partner institution abroad. */
@Entity('agreements')
export class Agreement extends RecordColumns {
  @Column({ type: 'uuid' })
  partnerId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  kind: AgreementKind;

  @Column({ type: 'text' })
  status: AgreementStatus;

  @DayColumn({ nullable: true })
  signedOn: string | null;

  /** The appointment it was signed at (and through it, the trip). */
  @Column({ type: 'uuid', nullable: true })
  appointmentId: string | null;

  @Column({ type: 'text', array: true })
  signatories: string[];

  @DayColumn({ nullable: true })
  validUntil: string | null;

  @DayColumn({ nullable: true })
  reviewOn: string | null;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  /** The trip of its appointment (read through the appointment, not a column). */
  tripId: string | null;
}
