import { Column, Entity } from 'typeorm';
import { InstantColumn, RecordColumns } from '../database/columns';

export const APPOINTMENT_KINDS = [
  'state_reception',
  'company_visit',
  'signing',
  'meeting',
  'networking',
  'site_visit',
  'other',
] as const;
export type AppointmentKind = (typeof APPOINTMENT_KINDS)[number];

/** One Termin of a trip, at an instant and in the IANA time zone it happens in. */
@Entity('appointments')
export class Appointment extends RecordColumns {
  @Column({ type: 'uuid' })
  tripId: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  kind: AppointmentKind;

  @InstantColumn()
  startsAt: Date;

  @InstantColumn()
  endsAt: Date;

  @Column({ type: 'text' })
  timeZone: string;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'text', nullable: true })
  venue: string | null;

  @Column({ type: 'uuid', nullable: true })
  partnerId: string | null;

  @Column({ type: 'uuid', nullable: true })
  companyId: string | null;

  /** Only its attendees may attend (a state reception for the mayor and the director). */
  @Column({ type: 'boolean' })
  restricted: boolean;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  /** The participants who attend, from appointment_attendees (not a column). */
  attendeeIds: string[];
}
