import autocannon from 'autocannon';
import { Pool } from 'pg';
import type { CapturedStatement } from './capture';

/** Throughput and latency of one run, the same figures for the app and for the limit. */
export interface RunStats {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Responses other than 2xx (app) or failed statements (limit). */
  failures: number;
  statusCodes?: Record<string, number>;
  /** Share of the machine's CPU other processes used meanwhile (0–1), where measurable. */
  otherLoad?: number;
}

export interface LoadOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function stats(latencies: number[], failures: number, seconds: number): RunStats {
  const sorted = Float64Array.from(latencies).sort();
  const values = Array.from(sorted);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    failures,
  };
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A new body for every request (e.g. rotating contacts), or none. */
  body?: () => string;
}

/**
 * The app under load: autocannon with a fixed number of connections, a warm-up whose figures are
 * dropped, then the measurement. Latencies are taken per response, so p95 is exact.
 */
export async function runHttp(
  baseUrl: string,
  request: () => HttpRequest,
  options: LoadOptions,
): Promise<RunStats> {
  const once = async (seconds: number, record: boolean) => {
    const template = request();
    const latencies: number[] = [];
    const codes: Record<string, number> = {};
    let failures = 0;
    const instance = autocannon({
      url: baseUrl,
      connections: options.connections,
      duration: seconds,
      timeout: 30,
      // autocannon stops at the first sample after the duration; sampling every second would
      // stretch a half-second smoke run to a full second.
      sampleInt: 100,
      requests: [
        {
          method: template.method,
          path: template.path,
          headers: template.headers,
          ...(template.body && {
            setupRequest: (req) => ({ ...req, body: template.body!() }),
          }),
        },
      ],
    });
    if (record) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        codes[status] = (codes[status] ?? 0) + 1;
        if (status >= 200 && status < 300) latencies.push(ms);
        else failures++;
      });
    }
    const started = performance.now();
    const result = await instance;
    const elapsed = (performance.now() - started) / 1000;
    failures += result.errors + result.timeouts;
    return {
      ...stats(latencies, failures, Math.min(elapsed, result.duration || elapsed)),
      statusCodes: codes,
    };
  };
  if (options.warmupSeconds > 0) await once(options.warmupSeconds, false);
  return once(options.seconds, true);
}

/**
 * The limit: the statements the app ran for one request, replayed with the same parameters
 * through a bare `pg` pool with as many connections as the load has, back to back, for the
 * same time. One "request" of the limit is the whole sequence.
 */
export async function runLimit(
  databaseUrl: string,
  statements: CapturedStatement[],
  options: LoadOptions,
): Promise<RunStats> {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: options.connections,
    options: '-c timezone=UTC',
  });
  pool.on('error', () => undefined);
  const transactional = statements.some((s) => /^\s*(BEGIN|START TRANSACTION)/i.test(s.sql));
  const one = async () => {
    if (!transactional) {
      for (const s of statements) await pool.query({ text: s.sql, values: s.params });
      return;
    }
    const client = await pool.connect();
    try {
      for (const s of statements) await client.query({ text: s.sql, values: s.params });
    } finally {
      client.release();
    }
  };
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let failures = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          try {
            await one();
            latencies.push(performance.now() - t0);
          } catch {
            failures++;
          }
        }
      }),
    );
    return stats(latencies, failures, (performance.now() - started) / 1000);
  };
  try {
    if (options.warmupSeconds > 0) await run(options.warmupSeconds);
    return await run(options.seconds);
  } finally {
    await pool.end();
  }
}
