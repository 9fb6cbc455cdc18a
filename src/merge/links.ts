import type { EntityManager } from 'typeorm';
import { DERIVED_TABLES } from '../database/derived';

/** A column that points at a table: a foreign key of one column, as the catalog has it. */
export interface Link {
  table: string;
  column: string;
  /** The column may be NULL: a row can lose the link and stay. */
  nullable: boolean;
  /** The link's table keeps a version (a record of its own): a moved link is a change of it. */
  versioned: boolean;
  /** …and when it last changed. */
  stamped: boolean;
  /** The other columns of each unique index holding the link (a join table's primary key). */
  uniqueWith: string[][];
}

/**
 * Every foreign key pointing at `table`, read from PostgreSQL's catalog rather than listed by
 * hand, so that a link added later is moved too; not those of the derived tables, whose triggers
 * follow the rows they sum.
 */
export async function linksTo(em: EntityManager, table: string): Promise<Link[]> {
  return (await em.query(
    `SELECT rel.relname AS table, att.attname AS column, NOT att.attnotnull AS nullable,
            EXISTS (SELECT 1 FROM pg_attribute v WHERE v.attrelid = con.conrelid
                    AND v.attname = 'version' AND NOT v.attisdropped) AS versioned,
            EXISTS (SELECT 1 FROM pg_attribute u WHERE u.attrelid = con.conrelid
                    AND u.attname = 'updated_at' AND NOT u.attisdropped) AS stamped,
            coalesce((SELECT json_agg(ARRAY(
                        SELECT o.attname FROM unnest(ix.indkey) k
                        JOIN pg_attribute o ON o.attrelid = ix.indrelid AND o.attnum = k
                        WHERE k <> att.attnum ORDER BY o.attname))
                      FROM pg_index ix
                      WHERE ix.indrelid = con.conrelid AND ix.indisunique
                        AND att.attnum = ANY (ix.indkey)), '[]') AS "uniqueWith"
     FROM pg_constraint con
     JOIN pg_class rel ON rel.oid = con.conrelid
     JOIN pg_namespace ns ON ns.oid = rel.relnamespace
     JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
     WHERE con.contype = 'f' AND con.confrelid = $1::regclass
       AND cardinality(con.conkey) = 1 AND ns.nspname = current_schema()
       AND rel.relname <> ALL ($2::text[])
     ORDER BY rel.relname, att.attname`,
    [table, DERIVED_TABLES],
  )) as Link[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Moves every link to `from` over to `to`, in the caller's transaction: each row pointing at it
 * now points at the kept record (a versioned row gets a new version), except where a unique key
 * would then hold twice (a join table where both are linked already): that row of `from` goes.
 * Returns how many rows of each `table.column` moved (those with none left out).
 */
export async function moveLinks(
  em: EntityManager,
  table: string,
  from: string,
  to: string,
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const link of await linksTo(em, table)) {
    const t = quote(link.table);
    const c = quote(link.column);
    for (const others of link.uniqueWith) {
      const same = others.map((o) => `kept.${quote(o)} IS NOT DISTINCT FROM gone.${quote(o)}`);
      await em.query(
        `DELETE FROM ${t} gone WHERE gone.${c} = $1 AND EXISTS (
           SELECT 1 FROM ${t} kept WHERE kept.${c} = $2 ${same.map((s) => `AND ${s}`).join(' ')})`,
        [from, to],
      );
    }
    const stamp =
      (link.versioned ? ', version = version + 1' : '') +
      (link.stamped ? ', updated_at = now()' : '');
    const [, count] = (await em.query(`UPDATE ${t} SET ${c} = $2${stamp} WHERE ${c} = $1`, [
      from,
      to,
    ])) as [unknown, number];
    if (count > 0) moved[`${link.table}.${link.column}`] = count;
  }
  return moved;
}

/** How many rows link to a record, per `table.column`: what a merge would move. */
export async function countLinks(
  em: EntityManager,
  table: string,
  id: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const link of await linksTo(em, table)) {
    const [row] = (await em.query(
      `SELECT count(*)::int AS n FROM ${quote(link.table)} WHERE ${quote(link.column)} = $1`,
      [id],
    )) as { n: number }[];
    if (row.n > 0) counts[`${link.table}.${link.column}`] = row.n;
  }
  return counts;
}
