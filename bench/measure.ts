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

/** What one stretch of load measured: every latency, the failures, how long it ran. */
export interface Slice {
  latencies: number[];
  failures: number;
  seconds: number;
  statusCodes?: Record<string, number>;
}

/** One run's figures from its slices, as if it had been measured in one stretch. */
export function summarize(slices: Slice[]): RunStats {
  const latencies = slices.flatMap((s) => s.latencies);
  const seconds = slices.reduce((sum, s) => sum + s.seconds, 0);
  const values = Array.from(Float64Array.from(latencies).sort());
  const codes: Record<string, number> = {};
  for (const s of slices) {
    for (const [code, n] of Object.entries(s.statusCodes ?? {}))
      codes[code] = (codes[code] ?? 0) + n;
  }
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: quantile(values, 0.5),
    p95: quantile(values, 0.95),
    p99: quantile(values, 0.99),
    failures: slices.reduce((sum, s) => sum + s.failures, 0),
    ...(slices.some((s) => s.statusCodes) && { statusCodes: codes }),
  };
}

/** A source of load that can be run for a while, several times, then closed. */
export interface Load {
  run(seconds: number): Promise<Slice>;
  close(): Promise<void>;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A new body for every request (e.g. rotating contacts), or none. */
  body?: () => string;
}

/**
 * The app under load: autocannon with a fixed number of connections. Latencies are taken per
 * response, so p95 is exact.
 */
export function httpLoad(baseUrl: string, request: () => HttpRequest, connections: number): Load {
  return {
    async run(seconds) {
      const template = request();
      const latencies: number[] = [];
      const codes: Record<string, number> = {};
      let failures = 0;
      const instance = autocannon({
        url: baseUrl,
        connections,
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
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        codes[status] = (codes[status] ?? 0) + 1;
        if (status >= 200 && status < 300) latencies.push(ms);
        else failures++;
      });
      const started = performance.now();
      const result = await instance;
      const elapsed = (performance.now() - started) / 1000;
      failures += result.errors + result.timeouts;
      return {
        latencies,
        failures,
        seconds: Math.min(elapsed, result.duration || elapsed),
        statusCodes: codes,
      };
    },
    close: async () => undefined,
  };
}

/**
 * The limit: the statements the app ran for one request, replayed with the same parameters
 * through a bare `pg` pool with as many connections as the load has, back to back. One
 * "request" of the limit is the whole sequence.
 */
export function limitLoad(
  databaseUrl: string,
  statements: CapturedStatement[],
  connections: number,
): Load {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: connections,
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
  return {
    async run(seconds) {
      const latencies: number[] = [];
      let failures = 0;
      const started = performance.now();
      const deadline = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: connections }, async () => {
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
      return { latencies, failures, seconds: (performance.now() - started) / 1000 };
    },
    close: () => pool.end(),
  };
}

/** How long one turn lasts: long enough for a stable rate, short enough to interleave well. */
const TURN_SECONDS = 2;

/**
 * Runs loads side by side in time: each warms up, then they take turns in short rounds (the
 * order reversed every other round) until each has run `seconds`. A burst of other work on the
 * machine then falls on all of them alike instead of on whichever ran at that moment, which is
 * what the app/limit ratio needs.
 */
export async function takeTurns(loads: Load[], options: LoadOptions): Promise<RunStats[]> {
  try {
    for (const load of loads) {
      if (options.warmupSeconds > 0) await load.run(options.warmupSeconds);
    }
    const rounds = Math.max(1, Math.round(options.seconds / TURN_SECONDS));
    const slices: Slice[][] = loads.map(() => []);
    for (let round = 0; round < rounds; round++) {
      const order = loads.map((_, i) => i);
      if (round % 2 === 1) order.reverse();
      for (const i of order) slices[i].push(await loads[i].run(options.seconds / rounds));
    }
    return slices.map(summarize);
  } finally {
    await Promise.all(loads.map((l) => l.close()));
  }
}
