import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../database/columns';

/**
 * One sign-in: an API refresh-token family, or a browser session (`webTokenHash` set). Written
 * by sessions.ts and browser-session.ts; read here for the lists of sessions a user can end.
 */
@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) userId: string;
  @InstantColumn() createdAt: Date;
  @InstantColumn() lastUsedAt: Date;
  @InstantColumn() expiresAt: Date;
  @InstantColumn({ nullable: true }) revokedAt: Date | null;
  @Column({ type: 'text', nullable: true }) revokedReason: string | null;
  @Column({ type: 'text', nullable: true }) userAgent: string | null;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ type: 'bytea', nullable: true, select: false }) webTokenHash: Buffer | null;
}
