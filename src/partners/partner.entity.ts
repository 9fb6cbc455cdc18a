import { Column, Entity } from 'typeorm';
import { SearchableRecordColumns } from '../database/columns';

export const PARTNER_KINDS = [
  'technology_park',
  'campus',
  'university',
  'chamber',
  'government',
  'association',
  'company',
  'other',
] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/** A partner institution abroad: a technology park, a campus, a chamber, a ministry. */
@Entity('partners')
export class Partner extends SearchableRecordColumns {
  @Column({ type: 'text' })
  name: string;

  /** The name in its own script, e.g. Chinese characters. */
  @Column({ type: 'text', nullable: true })
  nativeName: string | null;

  @Column({ type: 'text' })
  kind: PartnerKind;

  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'text', nullable: true })
  address: string | null;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The record this one was merged into (it is then soft-deleted). */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  /** Its names and website as duplicate keys (src/common/organisation-keys.ts). */
  @Column({ type: 'text', array: true })
  matchKeys: string[];
}
