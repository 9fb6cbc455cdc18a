process.env.TZ = 'UTC';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CapturedStatement, StatementCapture } from './capture';
import {
  commentDatabase,
  databaseComment,
  databaseUrl,
  dropForLoad,
  migrate,
  openServer,
  recreateDatabase,
  restoreAfterLoad,
  ROOT,
  RunningApp,
  runParallel,
  serverSettings,
  startApp,
  withClient,
} from './database';
import { explainAll } from './explain';
import {
  growthDatabase,
  GrowthColumn,
  growthMarkdown,
  GROWTH_IMPORT_ROWS,
  GROWTH_INTERACTIONS_PER_CONTACT,
  GROWTH_SCENARIOS,
  growthSizes,
  parseGrowth,
  sizesWith,
  timeExport,
  timeImport,
} from './growth';
import { startServed } from './instances';
import { checkMixed, mixedMarkdown, runMixed, updateEtags } from './mixed';
import { MachineLoad } from './machine';
import { generate, LOADED_TABLES, Sizes } from './generate';
import { httpLoad, limitLoad, LoadOptions, RunStats, takeTurns } from './measure';
import {
  BenchResult,
  countText,
  evaluateTargets,
  isRead,
  LoadSummary,
  markdown,
  rateLimitCost,
  ScenarioResult,
  StatementCount,
} from './report';
import {
  deepCursor,
  Fixtures,
  findFixtures,
  LIGHT_READS,
  Scenario,
  scenarios,
  send,
  signIn,
  Tokens,
} from './scenarios';

const USAGE = `npm run bench -- [options]

  --smoke             tiny data (1 % of full size), half-second runs after a short warm-up:
                      proves the bench works (CI)
  --scale=F           size factor of the generated agency (default 1: 200,000 contacts …)
  --contacts=N        number of contacts, whatever the scale (e.g. --contacts=100000)
  --connections=N     concurrent connections of the load and of the limit (default 10)
  --duration=S        seconds measured per run (default 10; smoke 0.5)
  --warmup=S          seconds of warm-up before each run, not measured (default 3; smoke 0.2)
  --scenarios=a,b     run only these scenarios (names as in the table)
  --seed=N            generator seed (default 7)
  --database=NAME     database to (re)create (default liaison_bench, smoke liaison_bench_smoke)
  --reuse             keep the database when it already holds exactly this data
  --instances=N       load N app processes through nginx (deploy/nginx.conf), not one app directly
  --mixed             instead of the scenarios: the mixed load (70 % reads, 20 % searches, 10 %
                      writes; staff and a company user), 50 connections for 60 s unless given
  --growth[=N,N,…]    instead of the scenarios: how cost grows, at these contact counts (default
                      20000,200000,1000000), each in its own database liaison_bench_growth_<size>
  --interactions-per-contact=N
                      interactions per contact (default: 5 as the scale has it; growth: 10)

Uses DATABASE_URL's server when set (it creates the database there), otherwise an embedded
PostgreSQL in bench/.data. Figures go to stdout (markdown) and bench/results/ (JSON, plans).`;

interface Options {
  smoke: boolean;
  scale: number;
  contacts?: number;
  connections: number;
  duration: number;
  warmup: number;
  scenarios?: string[];
  seed: number;
  database: string;
  reuse: boolean;
  instances: number;
  mixed: boolean;
  growth?: number[];
  interactionsPerContact?: number;
}

function parseOptions(args: string[]): Options {
  const flags = new Map<string, string>();
  for (const arg of args) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument "${arg}"\n\n${USAGE}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = [
    'smoke',
    'scale',
    'contacts',
    'connections',
    'duration',
    'warmup',
    'scenarios',
    'seed',
    'database',
    'reuse',
    'instances',
    'mixed',
    'growth',
    'interactions-per-contact',
    'help',
  ];
  for (const flag of flags.keys()) {
    if (!known.includes(flag)) throw new Error(`unknown option --${flag}\n\n${USAGE}`);
  }
  if (flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const number = (name: string, fallback: number, integer = false): number => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number`);
    }
    return value;
  };
  const smoke = flags.has('smoke');
  const mixed = flags.has('mixed');
  if (mixed && flags.has('growth')) throw new Error('--mixed and --growth are runs of their own');
  const database = flags.get('database') ?? (smoke ? 'liaison_bench_smoke' : 'liaison_bench');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) {
    throw new Error('--database must be a plain lower-case PostgreSQL name');
  }
  return {
    smoke,
    scale: number('scale', smoke ? 0.01 : 1),
    contacts: flags.has('contacts') ? number('contacts', 0, true) : undefined,
    connections: number('connections', mixed ? 50 : 10, true),
    duration: number('duration', smoke ? (mixed ? 2 : 0.5) : mixed ? 60 : 10),
    // The smoke's figures mean nothing, but each scenario must answer within its half second:
    // a short warm-up takes the first, slow requests (a login's first argon2 hash, the first
    // statements' plans), so that a busy machine does not fail the smoke with zero requests.
    warmup: number('warmup', smoke ? 0.2 : 3),
    scenarios: flags.get('scenarios')?.split(',').filter(Boolean),
    seed: number('seed', 7, true),
    database,
    reuse: flags.has('reuse'),
    instances: number('instances', 1, true),
    mixed,
    growth: flags.has('growth') ? parseGrowth(flags.get('growth')!) : undefined,
    interactionsPerContact: flags.has('interactions-per-contact')
      ? number('interactions-per-contact', 0)
      : undefined,
  };
}

const JWT_SECRET = 'liaison-bench-signing-key-not-for-production';
const began = performance.now();
const progress = (line: string) =>
  process.stderr.write(
    `[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${line}\n`,
  );
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const seconds = (from: number) => (performance.now() - from) / 1000;

/** What the generator would make: code and parameters. --reuse keeps a database only if equal. */
async function dataSignature(options: Options, sizes: object): Promise<string> {
  const code = await Promise.all(
    ['generate.js', 'names.js', 'random.js'].map((f) => readFile(join(__dirname, f), 'utf8')),
  );
  const hash = createHash('sha256').update(code.join('\n')).digest('hex').slice(0, 16);
  return JSON.stringify({ generator: hash, seed: options.seed, sizes });
}

async function loadData(url: string, options: Options, sizes: Sizes) {
  const started = performance.now();
  await migrate(url, JWT_SECRET);
  const client = new Client({ connectionString: url });
  await client.connect();
  let generated;
  let indexSeconds: number;
  let insertSeconds: number;
  try {
    // A bulk load: no need to wait for each commit to reach the disk.
    await client.query('SET synchronous_commit = off');
    const dropped = await dropForLoad(client, LOADED_TABLES);
    progress(
      `took off ${dropped.keys.length} keys, ${dropped.indexes.length} indexes and ${dropped.foreignKeys.length} foreign keys for the load; generating …`,
    );
    const insertStarted = performance.now();
    generated = await generate(client, sizes, options.seed, progress);
    insertSeconds = seconds(insertStarted);
    const indexStarted = performance.now();
    await restoreAfterLoad(url, dropped);
    indexSeconds = seconds(indexStarted);
    progress(
      `rebuilt keys and indexes, re-added and validated foreign keys in ${indexSeconds.toFixed(1)} s`,
    );
  } finally {
    await client.end();
  }
  const vacuumStarted = performance.now();
  const tables = await (async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
      );
      return rows.map((r) => r.name);
    } finally {
      await c.end();
    }
  })();
  await runParallel(
    url,
    tables.map((t) => `VACUUM (ANALYZE) ${t}`),
    2,
  );
  // The load left gigabytes of dirty pages; written out now, they are not written out by the
  // checkpointer in the middle of the first scenarios (a superuser's right; else left to it).
  await withClient(url, (c) => c.query('CHECKPOINT')).catch((error: Error) =>
    progress(`no CHECKPOINT after the load (${error.message}): the first runs may share the disk`),
  );
  const vacuumSeconds = seconds(vacuumStarted);
  progress(`VACUUM ANALYZE and CHECKPOINT in ${vacuumSeconds.toFixed(1)} s`);
  const totalSeconds = seconds(started);
  const summary: LoadSummary = {
    reused: false,
    rows: generated.rows,
    rowsByTable: generated.rowsByTable,
    insertSeconds,
    indexSeconds,
    vacuumSeconds,
    totalSeconds,
    insertRowsPerSecond: generated.rows / insertSeconds,
    rowsPerSecond: generated.rows / totalSeconds,
  };
  return summary;
}

/**
 * What an interrupted run must stop before it exits, newest first: the apps, then the database
 * server (the embedded one runs in its own process group, so Ctrl-C does not reach it).
 */
const running: { stop(): Promise<void> }[] = [];
function stopOnExit<T extends { stop(): Promise<void> }>(thing: T): T {
  running.push(thing);
  const stop = thing.stop.bind(thing);
  thing.stop = async () => {
    running.splice(running.indexOf(thing), 1);
    await stop();
  };
  return thing;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the app and the database`);
    void (async () => {
      for (const thing of [...running].reverse()) await thing.stop().catch(() => undefined);
      process.exit(130);
    })();
  });
}

/**
 * The load runs in a process of its own. Done in the bench's process, it left the `pg` client
 * code the limit runs on shaped by a million generated rows: the same statements then ran at
 * 1,800 instead of 2,700 per second, and the app/limit ratio looked better than it is.
 */
function loadInChild(url: string, sizes: Sizes): Promise<LoadSummary> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [__filename, ...process.argv.slice(2)], {
      env: {
        ...process.env,
        LIAISON_BENCH_LOAD_INTO: url,
        LIAISON_BENCH_SIZES: JSON.stringify(sizes),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const handle = stopOnExit({
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
      },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      void handle.stop();
      if (code === 0) done(JSON.parse(out) as LoadSummary);
      else fail(new Error(`loading the data failed (exit ${code})`));
    });
  });
}

/** The child's side of loadInChild(): load, then hand the summary over on stdout. */
async function loadHere(url: string): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const sizes = JSON.parse(process.env.LIAISON_BENCH_SIZES!) as Sizes;
  const summary = await loadData(url, options, sizes);
  process.stdout.write(JSON.stringify(summary));
}

/**
 * A database holding the generated agency of these sizes: reused when --reuse and it already
 * holds exactly that (its comment), else created and loaded.
 */
async function ensureData(
  serverUrl: string,
  database: string,
  sizes: Sizes,
  options: Options,
): Promise<LoadSummary> {
  const url = databaseUrl(serverUrl, database);
  const signature = await dataSignature(options, sizes);
  let summary: LoadSummary;
  if (options.reuse && (await databaseComment(serverUrl, database)) === signature) {
    progress(`reusing database ${database} (same generator, seed and sizes)`);
    summary = await (async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        const { rows } = await c.query<{ name: string; n: number }>(
          `SELECT relname AS name, n_live_tup::int AS n FROM pg_stat_user_tables WHERE relname = ANY($1)`,
          [LOADED_TABLES],
        );
        const rowsByTable = Object.fromEntries(rows.map((r) => [r.name, r.n]));
        const total = rows.reduce((sum, r) => sum + r.n, 0);
        return {
          reused: true,
          rows: total,
          rowsByTable,
          insertSeconds: 0,
          indexSeconds: 0,
          vacuumSeconds: 0,
          totalSeconds: 0,
          insertRowsPerSecond: 0,
          rowsPerSecond: 0,
        };
      } finally {
        await c.end();
      }
    })();
  } else {
    progress(`creating database ${database} for ${JSON.stringify(sizes)}`);
    await recreateDatabase(serverUrl, database);
    summary = await loadInChild(url, sizes);
    await commentDatabase(url, database, signature);
    progress(
      `loaded ${summary.rows.toLocaleString('en')} rows in ${summary.totalSeconds.toFixed(1)} s (${Math.round(summary.rowsPerSecond).toLocaleString('en')} rows/s overall, inserts at ${Math.round(summary.insertRowsPerSecond).toLocaleString('en')} rows/s)`,
    );
  }
  return summary;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date().toISOString();
  const sizes = sizesWith(options.scale, options.contacts, options.interactionsPerContact);
  const load: LoadOptions = {
    connections: options.connections,
    warmupSeconds: options.warmup,
    seconds: options.duration,
  };

  const server = stopOnExit(await openServer(process.env.DATABASE_URL));
  const url = databaseUrl(server.url, options.database);
  let failed = false;
  try {
    if (options.growth) {
      failed = await growthRun(server.url, options.growth, options, load, startedAt);
      return;
    }
    // 1. The data: a fresh database with the app's schema, filled by the generator.
    const summary = await ensureData(server.url, options.database, sizes, options);

    const db = new Client({ connectionString: url, options: '-c timezone=UTC' });
    // An interrupted run stops the server under it: that ends the run, not as a crash.
    db.on('error', () => undefined);
    await db.connect();
    try {
      const postgres = (
        await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")
      ).rows[0].v;
      const fixtures = await findFixtures(db);
      if (options.mixed) {
        failed = await mixedRun(url, db, fixtures, sizes, options, startedAt);
        return;
      }

      // 2. What the app sends to the database for each request, read off the wire.
      const target = new URL(url);
      const capture = new StatementCapture(target.hostname, Number(target.port || 5432));
      await capture.start();
      const proxied = new URL(url);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(capture.port);
      const counting = stopOnExit(
        await startApp({ databaseUrl: proxied.toString(), jwtSecret: JWT_SECRET }),
      );
      let tokens!: Tokens;
      let deep!: { cursor: string; rows: number };
      const captured = new Map<
        string,
        { statements: CapturedStatement[]; counts: StatementCount[] }
      >();
      let list: Scenario[] = [];
      try {
        tokens = await signIn(counting.url);
        deep = await deepCursor(
          counting.url,
          tokens.staff,
          Math.min(5000, Math.floor(sizes.contacts / 2)),
        );
        progress(`deep cursor: ${deep.rows} rows into the contacts list`);
        list = scenarios({ ...fixtures, deepCursor: deep.cursor }).filter(
          (s) => !options.scenarios || options.scenarios.includes(s.name),
        );
        if (list.length === 0) throw new Error('--scenarios selects no scenario');
        const count = async (make: () => ReturnType<(typeof list)[number]['request']>) => {
          const samples: number[] = [];
          let first: CapturedStatement[] = [];
          for (let i = 0; i < 3; i++) {
            capture.take();
            const { status, body } = await send(counting.url, make());
            if (status >= 300) throw new Error(`counting statements: ${status} ${body}`);
            await sleep(30);
            const statements = capture.take();
            if (i === 0) first = statements;
            samples.push(statements.length);
          }
          return { samples, first };
        };
        for (const s of list) {
          const { status, body } = await send(counting.url, s.request(tokens));
          const problem = s.check?.(status, body);
          if (problem)
            throw new Error(`scenario ${s.name} does not answer as it should: ${problem}`);
          const main = await count(() => s.request(tokens));
          const counts: StatementCount[] = [{ label: 'as loaded', samples: main.samples }];
          for (const v of s.variants) {
            counts.push({
              label: v.label,
              samples: (await count(() => v.request(tokens))).samples,
            });
          }
          captured.set(s.name, { statements: main.first, counts });
          progress(
            `${s.name}: ${counts.map((c) => `${c.label} ${countText(c.samples)}`).join(', ')} statements per request`,
          );
        }
      } finally {
        await counting.stop();
        await capture.stop();
      }

      // 3. The plans of every read's statements, with the parameters the app sent.
      const plans = new Map<string, Awaited<ReturnType<typeof explainAll>>>();
      for (const s of list.filter((x) => isRead(x.kind))) {
        plans.set(s.name, await explainAll(db, captured.get(s.name)!.statements));
      }

      // 4. The load: the app as it runs in production, then the limit, scenario by scenario.
      // On the light reads, the same app without rate limits too: what they cost (issue 13).
      const app = stopOnExit(
        await startServed(options.instances, { databaseUrl: url, jwtSecret: JWT_SECRET }),
      );
      if (app.description) progress(`loading ${app.description} (${app.url})`);
      // The rate limits' cost compares two single apps; behind nginx it is not measured.
      const light = (s: Scenario) => options.instances === 1 && LIGHT_READS.includes(s.name);
      let unlimited: RunningApp | undefined;
      const results: ScenarioResult[] = [];
      try {
        if (list.some(light)) {
          unlimited = stopOnExit(
            await startApp({
              databaseUrl: url,
              jwtSecret: JWT_SECRET,
              env: { RATE_LIMIT_USER_PER_MINUTE: '0', RATE_LIMIT_ADDRESS_PER_MINUTE: '0' },
            }),
          );
        }
        let loggedInAt = 0;
        const fresh = async () => {
          // Access tokens live 15 minutes; a long run signs in again before one could expire.
          if (performance.now() - loggedInAt > 5 * 60_000) {
            tokens = await signIn(app.url);
            loggedInAt = performance.now();
          }
          return tokens;
        };
        const machine = new MachineLoad(
          () => [process.pid, ...app.pids(), unlimited?.process.pid ?? 0],
          server.embedded ? join(ROOT, 'bench', '.data', 'pg', 'postmaster.pid') : undefined,
        );
        const watched = async <T extends RunStats[]>(run: () => Promise<T>): Promise<T> => {
          machine.begin();
          const all = await run();
          const otherLoad = await machine.end();
          for (const stats of all) stats.otherLoad = otherLoad;
          if (otherLoad !== undefined && otherLoad > 0.1) {
            progress(
              `  ⚠ other processes used ${Math.round(otherLoad * 100)} % of the machine during this run`,
            );
          }
          return all;
        };
        // A fresh process (JIT, the ORM's caches, the pool's connections) warms up on every read
        // first, so that the first scenario is not measured colder than the others. The app
        // without rate limits too, on every read and not only the light ones: warmed less, it
        // ran the code both share colder and made the limits look cheaper than they are.
        const warm = await fresh();
        for (const s of list.filter(
          (x) => (isRead(x.kind) || x.kind === 'page') && load.warmupSeconds > 0,
        )) {
          for (const target of unlimited ? [app, unlimited] : [app]) {
            await httpLoad(target.url, () => s.request(warm), load.connections).run(
              Math.min(1, load.warmupSeconds),
            );
          }
        }
        progress(
          `app warmed up on every read (bench heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB)`,
        );
        for (const s of list) {
          const t = await fresh();
          const { statements, counts } = captured.get(s.name)!;
          // App, limit and the app without rate limits take turns within the scenario, so all
          // see the same machine. The two apps sit at both ends of a round: each goes first as
          // often as the other and follows the limit as often.
          const withoutLimits = light(s) ? unlimited : undefined;
          const [appStats, ...others] = await watched(() =>
            takeTurns(
              [
                httpLoad(app.url, () => s.request(t), load.connections),
                ...(isRead(s.kind) ? [limitLoad(url, statements, load.connections)] : []),
                ...(withoutLimits
                  ? [httpLoad(withoutLimits.url, () => s.request(t), load.connections)]
                  : []),
              ],
              load,
            ),
          );
          const limit = isRead(s.kind) ? others[0] : undefined;
          const withoutRateLimits = withoutLimits ? others[others.length - 1] : undefined;
          const cost = withoutRateLimits
            ? 1 - appStats.perSecond / withoutRateLimits.perSecond
            : undefined;
          const template = s.request(t);
          results.push({
            name: s.name,
            title: s.title,
            kind: s.kind,
            request: `${template.method} ${template.path.replace(/cursor=[^&]+/, 'cursor=…')}`,
            app: appStats,
            limit,
            ratio: limit ? appStats.perSecond / limit.perSecond : undefined,
            withoutRateLimits,
            rateLimitCost: cost,
            statements: counts,
            sql: statements.map((x) => x.sql.replace(/\s+/g, ' ').trim()),
            explain: plans.get(s.name),
          });
          progress(
            `${s.name}: app ${Math.round(appStats.perSecond)} req/s p95 ${appStats.p95.toFixed(1)} ms` +
              (limit
                ? `, limit ${Math.round(limit.perSecond)} req/s p95 ${limit.p95.toFixed(1)} ms`
                : '') +
              (withoutRateLimits
                ? `, without rate limits ${Math.round(withoutRateLimits.perSecond)} req/s p95 ${withoutRateLimits.p95.toFixed(1)} ms (cost ${(100 * cost!).toFixed(1)} %)`
                : '') +
              (appStats.failures ? `, ${appStats.failures} FAILED` : ''),
          );
          // A run that completed no request measured nothing; the smoke's half second on a busy
          // machine may complete none of a slow page without anything being wrong (each scenario
          // answered its check above), so there only a failed answer fails it.
          const nothing = (stats: RunStats) => !options.smoke && stats.requests === 0;
          if (
            appStats.failures > 0 ||
            nothing(appStats) ||
            (limit && limit.failures > 0) ||
            (withoutRateLimits && (withoutRateLimits.failures > 0 || nothing(withoutRateLimits)))
          ) {
            failed = true;
          }
        }
      } finally {
        await unlimited?.stop();
        await app.stop();
      }

      // 5. The figures: markdown on stdout, JSON and plans under bench/results/.
      const cpu = cpus();
      const result: BenchResult = {
        startedAt,
        smoke: options.smoke,
        machine: {
          cpus: cpu.length,
          cpuModel: cpu[0]?.model.trim() ?? 'unknown',
          node: process.version,
          postgres,
          postgresSettings: await serverSettings(url),
        },
        options: {
          connections: options.connections,
          warmup: options.warmup,
          duration: options.duration,
          scale: options.scale,
          seed: options.seed,
          database: server.embedded ? 'embedded' : 'DATABASE_URL',
          instances: options.instances,
          ...(app.description && { served: app.description }),
        },
        sizes: { ...sizes },
        load: summary,
        fixtures: {
          timelineContactId: fixtures.timelineContactId,
          timelineEntries: fixtures.timelineEntries,
          bigTripId: fixtures.bigTripId,
          bigTripAppointments: fixtures.bigTripAppointments,
          pinyinTerm: fixtures.pinyinTerm,
          surnameTerm: fixtures.surnameTerm,
          initialTerm: fixtures.initialTerm,
          latinTerm: fixtures.latinTerm,
          email: fixtures.email,
          deepCursorRows: deep.rows,
        },
        scenarios: results,
        rateLimitCost: rateLimitCost(results),
        targets: evaluateTargets(results, sizes.contacts),
      };
      const table = markdown(result);
      process.stdout.write(`\n${table}\n`);
      const folder = join(ROOT, 'bench', 'results');
      await mkdir(folder, { recursive: true });
      const stamp = `${startedAt.replace(/[:.]/g, '-')}${options.smoke ? '-smoke' : ''}`;
      const json = `${JSON.stringify(result, null, 2)}\n`;
      await writeFile(join(folder, `${stamp}.json`), json);
      await writeFile(join(folder, options.smoke ? 'latest-smoke.json' : 'latest.json'), json);
      await writeFile(join(folder, `${stamp}-plans.md`), plansMarkdown(result, table));
      progress(`results: bench/results/${stamp}.json and ${stamp}-plans.md`);
    } finally {
      await db.end();
    }
  } finally {
    await server.stop();
    if (failed) {
      progress('some requests failed: the figures above are not valid');
      process.exitCode = 1;
    }
  }
}

/** Figures of a run of its own (mixed, growth) under bench/results/, stamped. */
async function saveResult(startedAt: string, suffix: string, result: object): Promise<string> {
  const folder = join(ROOT, 'bench', 'results');
  await mkdir(folder, { recursive: true });
  const name = `${startedAt.replace(/[:.]/g, '-')}-${suffix}.json`;
  await writeFile(join(folder, name), `${JSON.stringify(result, null, 2)}\n`);
  return `bench/results/${name}`;
}

const servedAs = (options: Options) =>
  options.instances > 1 ? `through nginx, ${options.instances} instances` : 'one app';

/** The app(s) on `url`, staff and the company user signed in, a cursor ~5,000 rows deep. */
async function serveSignedIn(url: string, options: Options, contacts: number) {
  const app = stopOnExit(
    await startServed(options.instances, { databaseUrl: url, jwtSecret: JWT_SECRET }),
  );
  try {
    const tokens: Tokens = await signIn(app.url);
    const deep = await deepCursor(app.url, tokens.staff, Math.min(5000, Math.floor(contacts / 2)));
    return { app, tokens, deep };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/** --mixed: staff and a company user at once on the app(s); true when a request failed. */
async function mixedRun(
  url: string,
  db: Client,
  fixtures: Fixtures,
  sizes: Sizes,
  options: Options,
  startedAt: string,
): Promise<boolean> {
  const { app, tokens, deep } = await serveSignedIn(url, options, sizes.contacts);
  try {
    const mixed = {
      ...fixtures,
      deepCursor: deep.cursor,
      updateEtags: await updateEtags(db, app.url, tokens),
    };
    await checkMixed(app.url, mixed, tokens);
    progress(
      `mixed load: ${options.connections} connections, ${options.duration} s (${servedAs(options)}) …`,
    );
    const result = await runMixed(app.url, mixed, tokens, {
      connections: options.connections,
      seconds: options.duration,
      warmupSeconds: options.warmup,
      seed: options.seed,
    });
    const table = mixedMarkdown(
      result,
      `${servedAs(options)}, ${sizes.contacts.toLocaleString('en')} contacts${options.smoke ? ' (smoke: figures not meaningful)' : ''}`,
    );
    process.stdout.write(`\n${table}\n`);
    const file = await saveResult(startedAt, `mixed${options.smoke ? '-smoke' : ''}`, {
      startedAt,
      smoke: options.smoke,
      instances: options.instances,
      sizes,
      ...result,
    });
    progress(`results: ${file}`);
    return result.failures > 0 || result.requests === 0;
  } finally {
    await app.stop();
  }
}

/** --growth: the same requests at each size, each size in its own database; true on a failure. */
async function growthRun(
  serverUrl: string,
  counts: number[],
  options: Options,
  load: LoadOptions,
  startedAt: string,
): Promise<boolean> {
  const columns: GrowthColumn[] = [];
  let failed = false;
  const importRows = options.smoke ? 1000 : GROWTH_IMPORT_ROWS;
  for (const contacts of counts) {
    const database = growthDatabase(contacts);
    const sizes = growthSizes(
      contacts,
      options.interactionsPerContact ?? GROWTH_INTERACTIONS_PER_CONTACT,
    );
    const summary = await ensureData(serverUrl, database, sizes, options);
    const url = databaseUrl(serverUrl, database);
    const fixtures = await withClient(url, (c) => findFixtures(c));
    const { app, tokens, deep } = await serveSignedIn(url, options, contacts);
    try {
      const list = scenarios({ ...fixtures, deepCursor: deep.cursor }).filter((s) =>
        GROWTH_SCENARIOS.includes(s.name),
      );
      const reads: GrowthColumn['reads'] = [];
      for (const s of list) {
        // The app may still be working off the previous read's backlog (a read slower than the
        // run leaves its requests running, and the pool answers 503 until they end): its check
        // is tried again for half a minute, and a read that never answers is reported, not fatal.
        let problem: string | undefined;
        for (const until = Date.now() + 30_000; ;) {
          const { status, body } = await send(app.url, s.request(tokens));
          problem = s.check?.(status, body);
          if (!problem || status !== 503 || Date.now() > until) break;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        if (problem) {
          failed = true;
          progress(
            `  ⚠ ${database} ${s.name} does not answer as it should: ${problem.slice(0, 200)}`,
          );
          reads.push({
            name: s.name,
            title: s.title,
            p50: NaN,
            p95: NaN,
            requests: 0,
            failures: 1,
          });
          continue;
        }
        const [stats] = await takeTurns(
          [httpLoad(app.url, () => s.request(tokens), load.connections)],
          load,
        );
        if (stats.failures > 0 || stats.requests === 0) failed = true;
        reads.push({
          name: s.name,
          title: s.title,
          p50: stats.p50,
          p95: stats.p95,
          requests: stats.requests,
          failures: stats.failures,
        });
        progress(
          `${database} ${s.name}: p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms`,
        );
      }
      // The export first: an import whose undo does not finish leaves its contacts behind.
      const exported = await timeExport(app.url, tokens.staff);
      progress(
        `${database} export: ${exported.rows} rows, ${(exported.bytes / 1e6).toFixed(1)} MB in ${exported.seconds.toFixed(1)} s`,
      );
      const imported = await timeImport(app.url, tokens.staff, importRows);
      progress(`${database} import of ${importRows} rows: ${imported.seconds.toFixed(1)} s`);
      if (imported.undone !== 'undone') {
        progress(
          `  ⚠ its undo is still "${imported.undone}" after a minute: ${database} keeps the ${importRows} contacts (a --reuse measures them too)`,
        );
      }
      columns.push({
        contacts,
        database,
        sizes,
        reused: summary.reused,
        loadSeconds: summary.totalSeconds,
        reads,
        importRows,
        import: imported,
        export: exported,
      });
    } finally {
      await app.stop();
    }
  }
  const table = growthMarkdown(
    columns,
    `${servedAs(options)}, ${options.connections} connections, ${options.duration} s per read${options.smoke ? '; smoke: figures not meaningful' : ''}`,
  );
  process.stdout.write(`\n${table}\n`);
  const file = await saveResult(startedAt, `growth${options.smoke ? '-smoke' : ''}`, {
    startedAt,
    options: {
      connections: options.connections,
      duration: options.duration,
      instances: options.instances,
    },
    columns,
  });
  progress(`results: ${file}`);
  return failed;
}

function plansMarkdown(result: BenchResult, table: string): string {
  const out = [table, '', '## Plans (EXPLAIN ANALYZE, BUFFERS) of each read request', ''];
  for (const s of result.scenarios) {
    if (!s.explain) continue;
    out.push(`### ${s.title}`, '', `\`${s.request}\``, '');
    for (const e of s.explain) {
      out.push('```sql', e.sql.trim(), '```');
      if (e.params.length) out.push(`parameters: ${JSON.stringify(e.params)}`, '');
      out.push('```', e.plan, '```', '');
    }
  }
  return out.join('\n');
}

const loadInto = process.env.LIAISON_BENCH_LOAD_INTO;
(loadInto ? loadHere(loadInto) : main()).catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
