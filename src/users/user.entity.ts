import { Column, Entity } from 'typeorm';
import type { InvitationState } from '../auth/password-tokens';
import type { Role } from '../auth/permissions';
import { InstantColumn, VersionedColumns } from '../database/columns';

export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

@Entity('users')
export class User extends VersionedColumns {
  /** Normalised (./email.ts) and compared exactly: unique as written. */
  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'uuid', nullable: true })
  companyId: string | null;

  @Column({ type: 'text' })
  locale: Locale;

  @Column({ type: 'boolean' })
  active: boolean;

  /** Never leaves the users and auth services. */
  @Column({ type: 'text', select: false })
  passwordHash: string;

  @InstantColumn()
  passwordChangedAt: Date;

  @InstantColumn({ nullable: true })
  lastLoginAt: Date | null;

  /** Not a column: the state of the newest invitation, filled in by the users service. */
  invitation?: InvitationState;
}
