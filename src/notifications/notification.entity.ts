import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import type { NoticeKind, NoticeParams } from './notices';

/** One thing a user was told about, in the web app's header until read. */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  kind: NoticeKind;

  @Column({ type: 'text' })
  recordKind: 'lead';

  @Column({ type: 'uuid' })
  recordId: string;

  @Column({ type: 'jsonb' })
  params: NoticeParams;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  readAt: Date | null;
}
