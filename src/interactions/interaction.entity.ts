import { Column, Entity } from 'typeorm';
import { InstantColumn, RecordColumns } from '../database/columns';

export const INTERACTION_KINDS = [
  'meeting',
  'call',
  'email',
  'event',
  'visit',
  'reception',
  'other',
] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** One logged encounter: the contact log. Its links live in the interaction_* join tables. */
@Entity('interactions')
export class Interaction extends RecordColumns {
  @InstantColumn()
  occurredAt: Date;

  @Column({ type: 'text' })
  kind: InteractionKind;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'text', nullable: true })
  location: string | null;

  @Column({ type: 'uuid', nullable: true })
  tripId: string | null;

  @Column({ type: 'uuid', nullable: true })
  appointmentId: string | null;

  @Column({ type: 'boolean' })
  confidential: boolean;

  @Column({ type: 'uuid' })
  authorId: string;
}

/** The ids an interaction is linked to, each list sorted. */
export interface InteractionLinks {
  contactIds: string[];
  companyIds: string[];
  partnerIds: string[];
}

/** An interaction as the service hands it out: the row plus its links. */
export type InteractionRecord = Interaction & InteractionLinks;
