import { Column, Entity } from 'typeorm';
import { InstantColumn, SearchableRecordColumns } from '../database/columns';

/** Why the agency may process a contact's data (GDPR art. 6); mostly a public task. */
export const LEGAL_BASES = ['public_task', 'consent', 'legitimate_interest', 'contract'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** A person met: works at a local company, at a partner abroad, or neither. */
@Entity('contacts')
export class Contact extends SearchableRecordColumns {
  @Column({ type: 'text' })
  familyName: string;

  @Column({ type: 'text', nullable: true })
  givenName: string | null;

  /** The name in its own script, e.g. 王芳. */
  @Column({ type: 'text', nullable: true })
  nativeName: string | null;

  @Column({ type: 'text', nullable: true })
  salutation: string | null;

  @Column({ type: 'text', nullable: true })
  position: string | null;

  @Column({ type: 'uuid', nullable: true })
  companyId: string | null;

  @Column({ type: 'uuid', nullable: true })
  partnerId: string | null;

  @Column({ type: 'citext', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  wechatId: string | null;

  /** BCP 47 tags in canonical form. */
  @Column({ type: 'text', array: true })
  languages: string[];

  @Column({ type: 'char', length: 2, nullable: true })
  country: string | null;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ type: 'uuid', nullable: true })
  ownerId: string | null;

  @Column({ type: 'text', nullable: true })
  legalBasis: LegalBasis | null;

  @InstantColumn({ nullable: true })
  legalBasisRecordedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  legalBasisSource: string | null;

  /** Processing restricted (GDPR art. 18): hidden from all but admins (src/contacts/scope.ts). */
  @InstantColumn({ nullable: true })
  restrictedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  restrictionReason: string | null;

  /** An objection to the processing (GDPR art. 21): recorded, hides nothing by itself. */
  @InstantColumn({ nullable: true })
  objectedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  objectionNote: string | null;

  /** The name in any script and order, as one key (src/contacts/match-keys.ts). */
  @Column({ type: 'text', nullable: true })
  nameKey: string | null;

  /** The phone in E.164. */
  @Column({ type: 'text', nullable: true })
  phoneKey: string | null;

  /** The record this one was merged into (it is then soft-deleted). */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoId: string | null;
}
