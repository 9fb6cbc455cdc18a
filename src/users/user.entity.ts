import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { Role } from '../auth/permissions';
import { CreatedAtColumn, InstantColumn, UpdatedAtColumn } from '../database/columns';

export const LOCALES = ['de', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'citext' })
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

  @VersionColumn()
  version: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
