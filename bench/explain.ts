import type { Client } from 'pg';
import type { CapturedStatement } from './capture';

export interface ExplainedStatement {
  sql: string;
  params: (string | null)[];
  plan: string;
  /** Tables read by a sequential scan, e.g. ["users"]. */
  seqScans: string[];
  /** Indexes the plan uses. */
  indexes: string[];
  executionMs: number | null;
}

/** Statements with no plan of their own: transaction control, settings, and the app's EXPLAINs. */
const NOT_EXPLAINED = /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SET|SHOW|EXPLAIN)\b/i;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each statement a request ran, with the very parameters it ran
 * with. Writes are explained inside a transaction that is rolled back, so nothing changes.
 */
export async function explainAll(
  client: Client,
  statements: CapturedStatement[],
): Promise<ExplainedStatement[]> {
  const out: ExplainedStatement[] = [];
  for (const s of statements) {
    if (NOT_EXPLAINED.test(s.sql)) continue;
    await client.query('BEGIN');
    let plan: string;
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>({
        text: `EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`,
        values: s.params,
      });
      plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
    }
    out.push({
      sql: s.sql,
      params: s.params.map((p) => (Buffer.isBuffer(p) ? `\\x${p.toString('hex')}` : p)),
      plan,
      seqScans: [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]))],
      indexes: [
        ...new Set(
          [
            ...plan.matchAll(
              /(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g,
            ),
          ].map((m) => m[1]),
        ),
      ],
      executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN) || null,
    });
  }
  return out;
}
