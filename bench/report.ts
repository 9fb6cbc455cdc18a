import type { ExplainedStatement } from './explain';
import type { RunStats } from './measure';
import type { ScenarioKind } from './scenarios';

export interface StatementCount {
  label: string;
  /** Statements per request, for each of the requests counted. */
  samples: number[];
}

export interface ScenarioResult {
  name: string;
  title: string;
  kind: ScenarioKind;
  request: string;
  app: RunStats;
  limit?: RunStats;
  /** App throughput over the limit's. */
  ratio?: number;
  /** A light read only: the same load on the app started without rate limits, in turns with `app`. */
  withoutRateLimits?: RunStats;
  /** What the rate limits cost: 1 − the app's throughput over `withoutRateLimits`'. */
  rateLimitCost?: number;
  statements: StatementCount[];
  /** The statements of one request, in order, as the app sent them. */
  sql: string[];
  explain?: ExplainedStatement[];
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
}

export interface LoadSummary {
  reused: boolean;
  rows: number;
  rowsByTable: Record<string, number>;
  insertSeconds: number;
  indexSeconds: number;
  vacuumSeconds: number;
  totalSeconds: number;
  /** Rows per second of the insert phase alone, and of the whole load (indexes, VACUUM). */
  insertRowsPerSecond: number;
  rowsPerSecond: number;
}

export interface BenchResult {
  startedAt: string;
  smoke: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    postgres: string;
    postgresSettings: Record<string, string>;
  };
  options: Record<string, unknown>;
  sizes: Record<string, number>;
  load: LoadSummary;
  fixtures: Record<string, unknown>;
  scenarios: ScenarioResult[];
  /** The rate limits' cost, the median over the light reads measured (issue 13). */
  rateLimitCost?: { median: number; scenarios: string[] };
  targets: TargetResult[];
}

const READ_KINDS: ScenarioKind[] = ['list', 'search', 'read'];
export const isRead = (kind: ScenarioKind) => READ_KINDS.includes(kind);

const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(1));
const rate = (v: number | undefined) =>
  v === undefined ? '–' : Math.round(v).toLocaleString('en');
const latencies = (s: RunStats | undefined) =>
  s ? `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}` : '–';

const percent = (v: number) => `${(v * 100).toFixed(1).replace('-', '−')} %`;

/** The median of the light reads' rate limit costs, or nothing when no light read ran. */
export function rateLimitCost(
  scenarios: ScenarioResult[],
): { median: number; scenarios: string[] } | undefined {
  const measured = scenarios.filter((s) => s.rateLimitCost !== undefined);
  if (measured.length === 0) return undefined;
  const costs = measured.map((s) => s.rateLimitCost!).sort((a, b) => a - b);
  const middle = Math.floor(costs.length / 2);
  const median = costs.length % 2 ? costs[middle] : (costs[middle - 1] + costs[middle]) / 2;
  return { median, scenarios: measured.map((s) => s.name) };
}

/** "2" when every count agrees, "2–3" otherwise. */
export function countText(samples: number[]): string {
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return min === max ? String(min) : `${min}–${max}`;
}

/** The targets of issue 7 and the rate limits' of issue 13, measured. */
export function evaluateTargets(scenarios: ScenarioResult[], contacts: number): TargetResult[] {
  const out: TargetResult[] = [];
  const by = new Map(scenarios.map((s) => [s.name, s]));
  for (const s of scenarios.filter((x) => isRead(x.kind))) {
    if (s.ratio !== undefined) {
      out.push({
        target: `${s.name}: app ≥ 0.5× the limit's throughput`,
        measured: `${s.ratio.toFixed(2)}× (${rate(s.app.perSecond)} vs ${rate(s.limit?.perSecond)} req/s)`,
        met: s.ratio >= 0.5,
      });
    }
    const bound = s.kind === 'search' ? 100 : 50;
    out.push({
      target: `${s.name}: p95 ≤ ${bound} ms${s.kind === 'search' ? ` (${contacts.toLocaleString('en')} contacts)` : ''}`,
      measured: `${ms(s.app.p95)} ms`,
      met: s.app.p95 <= bound,
    });
  }
  for (const s of scenarios.filter((x) => x.kind === 'page')) {
    out.push({
      target: `${s.name}: server time p95 ≤ 100 ms`,
      measured: `${ms(s.app.p95)} ms (${rate(s.app.perSecond)} pages/s)`,
      met: s.app.p95 <= 100,
    });
  }
  const first = by.get('contacts-page-1');
  const deep = by.get('contacts-deep');
  if (first && deep) {
    const factor = deep.app.p50 / first.app.p50;
    out.push({
      target: 'deep cursor p50 within 1.2× of page 1',
      measured: `${factor.toFixed(2)}× (${ms(deep.app.p50)} vs ${ms(first.app.p50)} ms; ${rate(deep.app.perSecond)} vs ${rate(first.app.perSecond)} req/s)`,
      met: factor <= 1.2,
    });
  }
  const create = by.get('create-interaction');
  if (create) {
    out.push({
      target: 'create interaction ≥ 500/s',
      measured: `${rate(create.app.perSecond)}/s`,
      met: create.app.perSecond >= 500,
    });
  }
  const cost = rateLimitCost(scenarios);
  if (cost) {
    const each = scenarios
      .filter((s) => s.rateLimitCost !== undefined)
      .map((s) => `${s.name} ${percent(s.rateLimitCost!)}`);
    out.push({
      target: 'rate limits cost the light reads ≤ 5 % of their throughput (median)',
      measured: `${percent(cost.median)} (${each.join(', ')})`,
      met: cost.median <= 0.05,
    });
  }
  return out;
}

export function markdown(result: BenchResult): string {
  const lines: string[] = [];
  const sizes = Object.entries(result.sizes)
    .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
    .join(', ');
  const l = result.load;
  lines.push(
    `## Liaison benchmark${result.smoke ? ' (smoke: tiny data, figures not meaningful)' : ''}`,
  );
  lines.push('');
  lines.push(
    `${result.startedAt} · ${result.machine.cpus} CPUs (${result.machine.cpuModel}) · Node ${result.machine.node} · PostgreSQL ${result.machine.postgres} · ${String(result.options.connections)} connections, ${String(result.options.warmup)} s warm-up, ${String(result.options.duration)} s measured per run${typeof result.options.served === 'string' ? ` · the app ${result.options.served}` : ''}`,
  );
  lines.push('');
  lines.push(
    `PostgreSQL settings: ${Object.entries(result.machine.postgresSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}.`,
  );
  lines.push('');
  lines.push(`Data: ${sizes}.`);
  lines.push(
    l.reused
      ? `Load: reused an existing database (${l.rows.toLocaleString('en')} rows).`
      : `Load: ${l.rows.toLocaleString('en')} rows in ${l.totalSeconds.toFixed(1)} s (${Math.round(l.rowsPerSecond).toLocaleString('en')} rows/s overall; inserts ${l.insertSeconds.toFixed(1)} s at ${Math.round(l.insertRowsPerSecond).toLocaleString('en')} rows/s, indexes ${l.indexSeconds.toFixed(1)} s, VACUUM ANALYZE and CHECKPOINT ${l.vacuumSeconds.toFixed(1)} s).`,
  );
  lines.push('');
  lines.push(
    '| Scenario | App req/s | Limit req/s | App/limit | App p50 / p95 / p99 ms | Limit p50 / p95 / p99 ms | SQL per request | Seq scans |',
  );
  lines.push('|---|--:|--:|--:|--:|--:|---|---|');
  for (const s of result.scenarios) {
    const counts = s.statements
      .map((c, i) => (i === 0 ? countText(c.samples) : `${c.label}: ${countText(c.samples)}`))
      .join(', ');
    const seq = s.explain
      ? [...new Set(s.explain.flatMap((e) => e.seqScans))].join(', ') || 'none'
      : '–';
    const failures = s.app.failures ? ` ⚠ ${s.app.failures} failed` : '';
    const busy = Math.max(s.app.otherLoad ?? 0, s.limit?.otherLoad ?? 0);
    const noise = busy > 0.1 ? ` ⚠ other load ${Math.round(busy * 100)} %` : '';
    lines.push(
      `| ${s.title}${failures}${noise} | ${rate(s.app.perSecond)} | ${rate(s.limit?.perSecond)} | ${s.ratio === undefined ? '–' : `${s.ratio.toFixed(2)}×`} | ${latencies(s.app)} | ${latencies(s.limit)} | ${counts} | ${seq} |`,
    );
  }
  lines.push('');
  const limited = result.scenarios.filter((s) => s.withoutRateLimits);
  if (limited.length > 0) {
    lines.push('### Rate limits on the light reads');
    lines.push('');
    lines.push(
      'The app above counts every request against its rate limits (set far beyond the load, so it never refuses); the same build started beside it with `RATE_LIMIT_USER_PER_MINUTE=0` and `RATE_LIMIT_ADDRESS_PER_MINUTE=0` takes turns with it in each scenario, on the same connections and timing. Cost: 1 − with/without throughput.',
    );
    lines.push('');
    lines.push(
      '| Scenario | With limits req/s | Without req/s | Cost | With p50 / p95 ms | Without p50 / p95 ms |',
    );
    lines.push('|---|--:|--:|--:|--:|--:|');
    for (const s of limited) {
      const without = s.withoutRateLimits!;
      const failures = without.failures ? ` ⚠ ${without.failures} failed without limits` : '';
      const busy = Math.max(s.app.otherLoad ?? 0, without.otherLoad ?? 0);
      const noise = busy > 0.1 ? ` ⚠ other load ${Math.round(busy * 100)} %` : '';
      lines.push(
        `| ${s.title}${failures}${noise} | ${rate(s.app.perSecond)} | ${rate(without.perSecond)} | ${percent(s.rateLimitCost!)} | ${ms(s.app.p50)} / ${ms(s.app.p95)} | ${ms(without.p50)} / ${ms(without.p95)} |`,
      );
    }
    if (result.rateLimitCost) {
      lines.push(
        `| **Median of the light reads** | | | ${percent(result.rateLimitCost.median)} | | |`,
      );
    }
    lines.push('');
  }
  lines.push('| Target | Measured | Met |');
  lines.push('|---|---|:-:|');
  for (const t of result.targets) {
    lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  }
  lines.push('');
  return lines.join('\n');
}
