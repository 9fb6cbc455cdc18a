import { EntityManager } from 'typeorm';
import { FieldError, fieldError } from '../common/errors';

const TABLES = {
  company: { table: 'companies', softDeleted: true },
  partner: { table: 'partners', softDeleted: true },
  user: { table: 'users', softDeleted: false },
  appointment: { table: 'appointments', softDeleted: true },
} as const;

export type ReferenceKind = keyof typeof TABLES;

/**
 * Ids in a request body that must name an existing (not deleted) record: a bad one is the
 * caller's mistake (400 naming the field), never a foreign-key error from the database.
 */
export async function referenceProblems(
  manager: EntityManager,
  references: { field: string; kind: ReferenceKind; id: string | null | undefined }[],
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  for (const { field, kind, id } of references) {
    if (id === null || id === undefined) continue;
    const { table, softDeleted } = TABLES[kind];
    const rows = (await manager.query(
      `SELECT 1 FROM ${table} WHERE id = $1${softDeleted ? ' AND deleted_at IS NULL' : ''}`,
      [id],
    )) as unknown[];
    if (rows.length === 0)
      problems.push(fieldError(field, 'reference', `${field} names no existing ${kind}`));
  }
  return problems;
}
