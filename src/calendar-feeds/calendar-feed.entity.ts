import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/** A user's calendar subscription: its id is what the secret URL signs (./feed-token.ts). */
@Entity('calendar_feeds')
export class CalendarFeed {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @InstantColumn()
  createdAt: Date;

  /** When a calendar program last fetched it (to the hour: not written on every fetch). */
  @InstantColumn({ nullable: true })
  lastUsedAt: Date | null;
}
