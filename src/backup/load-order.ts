/** A foreign key: rows of `table` refer to rows of `references`. */
export interface ForeignKey {
  name: string;
  table: string;
  references: string;
  /** As `pg_get_constraintdef` writes it, to put the key back after a load. */
  definition: string;
}

type Reference = Pick<ForeignKey, 'table' | 'references'>;

/**
 * The order a backup writes and a restore loads the tables in: each after the tables it refers
 * to. Tables that refer to each other in a cycle have no such order; the cycle is broken at its
 * table that waits for the fewest others, and `keysToSetAside` names the keys that then point
 * forward. Ties go by name, so the same schema always gives the same order.
 */
export function loadOrder(tables: string[], keys: Reference[]): string[] {
  const pending = new Set([...tables].sort());
  const waitsFor = (table: string) =>
    keys
      .filter((k) => k.table === table && k.references !== table && pending.has(k.references))
      .map((k) => k.references);
  const onCycle = (table: string) => {
    const seen = new Set<string>();
    const next = waitsFor(table);
    for (let other = next.pop(); other !== undefined; other = next.pop()) {
      if (other === table) return true;
      if (!seen.has(other)) next.push(...waitsFor(other));
      seen.add(other);
    }
    return false;
  };
  const order: string[] = [];
  while (pending.size > 0) {
    const candidates = [...pending];
    const next =
      candidates.find((table) => waitsFor(table).length === 0) ??
      candidates
        .filter(onCycle)
        .reduce((best, table) => (waitsFor(table).length < waitsFor(best).length ? table : best));
    order.push(next);
    pending.delete(next);
  }
  return order;
}

/**
 * The keys a load in `order` must drop before and add again after (which checks every row): those
 * of a loaded table whose referenced table is not loaded before it, a cycle's and a table's
 * references to itself. Dropping and adding a key needs only the tables' owner, unlike turning
 * the checks off (`session_replication_role`), which needs a superuser.
 */
export function keysToSetAside<K extends Reference>(order: string[], keys: K[]): K[] {
  const position = new Map(order.map((table, i) => [table, i]));
  return keys.filter((key) => {
    const table = position.get(key.table);
    const references = position.get(key.references);
    return table !== undefined && (references === undefined || references >= table);
  });
}
