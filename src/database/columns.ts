import {
  Column,
  ColumnOptions,
  CreateDateColumn,
  DeleteDateColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

/**
 * Instants are `timestamptz(3)`: millisecond precision is what a JS Date holds, so a value read
 * back and used as a keyset cursor compares equal to the stored one.
 */
export const InstantColumn = (options: ColumnOptions = {}) =>
  Column({ type: 'timestamptz', precision: 3, ...options });

export const CreatedAtColumn = () => CreateDateColumn({ type: 'timestamptz', precision: 3 });
export const UpdatedAtColumn = () => UpdateDateColumn({ type: 'timestamptz', precision: 3 });

/** A calendar day, `YYYY-MM-DD` (see the `date` type parser in data-source.ts). */
export const DayColumn = (options: ColumnOptions = {}) => Column({ type: 'date', ...options });

/** Money in EUR, exact: numeric(14,2), read as a number. */
export const MoneyColumn = (options: ColumnOptions = {}) =>
  Column({ type: 'numeric', precision: 14, scale: 2, ...options });

/**
 * The columns every versioned record has: its id, the version its ETag carries, when it was made
 * and last changed. An entity extends it and TypeORM takes these columns into its table.
 */
export abstract class VersionedColumns {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @VersionColumn()
  version: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/** The same for a CRM record that is soft-deleted: when it was, null while it is live. */
export abstract class RecordColumns extends VersionedColumns {
  @DeleteDateColumn({ type: 'timestamptz', precision: 3 })
  deletedAt: Date | null;
}

/**
 * The same for a record the search box finds by its names: the keys built from them
 * (src/common/search.ts `searchColumns`), never read out with the record.
 */
export abstract class SearchableRecordColumns extends RecordColumns {
  @Column({ type: 'text', select: false })
  searchKey: string;

  @Column({ type: 'text', array: true, select: false })
  searchPrefixes: string[];
}
