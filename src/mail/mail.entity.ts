import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';
import type { MailState } from './mailer.service';

/** A row of the outbox, as the admins' pages read it; the Mailer writes it with SQL of its own. */
@Entity('mails')
export class Mail {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  recipient: string;

  @Column({ type: 'text' })
  locale: string;

  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text' })
  textBody: string;

  @Column({ type: 'text' })
  htmlBody: string;

  @Column({ type: 'jsonb' })
  headers: Record<string, string>;

  @Column({ type: 'text' })
  state: MailState;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'text', nullable: true })
  messageId: string | null;

  @InstantColumn()
  createdAt: Date;

  @InstantColumn({ nullable: true })
  sentAt: Date | null;
}
