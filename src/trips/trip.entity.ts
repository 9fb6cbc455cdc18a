import { Column, Entity } from 'typeorm';
import { DayColumn, RecordColumns } from '../database/columns';

export const TRIP_STATUSES = ['planned', 'confirmed', 'completed', 'cancelled'] as const;
export type TripStatus = (typeof TRIP_STATUSES)[number];

/** One stop of a trip: `{ country: 'CN', city: 'Peking' }`. */
export interface Destination {
  country: string;
  city: string | null;
}

/** A delegation trip, e.g. five days in Beijing and Shanghai. */
@Entity('trips')
export class Trip extends RecordColumns {
  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  purpose: string | null;

  @Column({ type: 'jsonb' })
  destinations: Destination[];

  /** First day, `YYYY-MM-DD`. */
  @DayColumn()
  startsOn: string;

  /** Last day (inclusive), `YYYY-MM-DD`. */
  @DayColumn()
  endsOn: string;

  @Column({ type: 'text' })
  status: TripStatus;
}
