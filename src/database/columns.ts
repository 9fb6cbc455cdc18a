import { Column, ColumnOptions, CreateDateColumn, UpdateDateColumn } from 'typeorm';

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
