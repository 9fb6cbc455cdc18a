import { Column, Entity } from 'typeorm';
import { SearchableRecordColumns } from '../database/columns';

@Entity('companies')
export class Company extends SearchableRecordColumns {
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  legalName: string | null;

  @Column({ type: 'text', nullable: true })
  industry: string | null;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'char', length: 2, array: true })
  branchCountries: string[];

  /** The record this one was merged into (it is then soft-deleted). */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  /** Its names and website as duplicate keys (src/common/organisation-keys.ts). */
  @Column({ type: 'text', array: true })
  matchKeys: string[];
}
