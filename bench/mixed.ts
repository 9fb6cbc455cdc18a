import autocannon from 'autocannon';
import type { Client } from 'pg';
import { quantile } from './measure';
import { Random } from './random';
import { type Fixtures, type Tokens } from './scenarios';

/**
 * Mixed load (issue 18): staff and company users at once, 70 % reads, 20 % searches, 10 %
 * writes, drawn at random per request on every connection. Each kind is one request shape; the
 * weights are shares of all requests.
 */
export type MixedGroup = 'read' | 'search' | 'write';

interface Kind {
  name: string;
  group: MixedGroup;
  weight: number;
  make(context: Record<string, unknown>): {
    method: 'GET' | 'POST' | 'PATCH';
    path: string;
    headers: Record<string, string>;
    body?: string;
  };
  /** Called with every answer (e.g. to keep the ETag a contact's next update needs). */
  answered?(
    status: number,
    headers: Record<string, string>,
    context: Record<string, unknown>,
  ): void;
}

export interface MixedKindResult {
  name: string;
  group: MixedGroup;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Answers other than 2xx, by status; network errors and timeouts under "error". */
  failures: Record<string, number>;
}

export interface MixedResult {
  connections: number;
  seconds: number;
  requests: number;
  perSecond: number;
  failures: number;
  groups: MixedKindResult[];
  kinds: MixedKindResult[];
}

export interface MixedFixtures extends Fixtures {
  deepCursor: string;
  /** Contacts only the updates touch (the writes link others), with their current ETags. */
  updateEtags: Map<string, string>;
}

/**
 * Contacts for the updates, apart from those the other writes link to (the first by id), with
 * the ETag each has now.
 */
export async function updateEtags(
  client: Client,
  baseUrl: string,
  tokens: Tokens,
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string }>(
    'SELECT id FROM contacts WHERE deleted_at IS NULL ORDER BY id DESC LIMIT 300',
  );
  const etags = new Map<string, string>();
  for (const { id } of rows) {
    const response = await fetch(`${baseUrl}/api/v1/contacts/${id}`, {
      headers: { authorization: `Bearer ${tokens.staff}` },
    });
    await response.arrayBuffer();
    const etag = response.headers.get('etag');
    if (response.status !== 200 || !etag) throw new Error(`contact ${id}: ${response.status}`);
    etags.set(id, etag);
  }
  return etags;
}

function kinds(f: MixedFixtures, tokens: Tokens): Kind[] {
  const staff = { authorization: `Bearer ${tokens.staff}` };
  const company = { authorization: `Bearer ${tokens.company}` };
  const json = { ...staff, 'content-type': 'application/json' };
  const get =
    (path: string, headers = staff) =>
    () => ({ method: 'GET' as const, path, headers });
  const q = (term: string) => get(`/api/v1/contacts?q=${encodeURIComponent(term)}`);
  let n = 0;
  const next = <T>(list: T[]) => list[n++ % list.length];
  // Each update contact's ETag; one in flight at a time per contact, else it would meet a 412.
  const etags = new Map<string, string>();
  for (const [id, etag] of f.updateEtags) etags.set(id, etag);
  const idle = [...etags.keys()];
  return [
    { name: 'contacts-page-1', group: 'read', weight: 12, make: get('/api/v1/contacts') },
    {
      name: 'contacts-deep',
      group: 'read',
      weight: 8,
      make: get(`/api/v1/contacts?cursor=${f.deepCursor}`),
    },
    {
      name: 'contact',
      group: 'read',
      weight: 15,
      make: () => get(`/api/v1/contacts/${next(f.contactIds)}`)(),
    },
    {
      name: 'timeline',
      group: 'read',
      weight: 10,
      make: get(`/api/v1/contacts/${f.timelineContactId}/timeline`),
    },
    {
      name: 'leads-company',
      group: 'read',
      weight: 15,
      make: get('/api/v1/leads', company),
    },
    {
      name: 'company-own',
      group: 'read',
      weight: 5,
      make: get(`/api/v1/companies/${f.companyId}`, company),
    },
    {
      name: 'company',
      group: 'read',
      weight: 5,
      make: () => get(`/api/v1/companies/${next(f.companyIds)}`)(),
    },
    { name: 'search-pinyin', group: 'search', weight: 4, make: q(f.pinyinTerm) },
    { name: 'search-surname', group: 'search', weight: 4, make: q(f.surnameTerm) },
    { name: 'search-latin', group: 'search', weight: 4, make: q(f.latinTerm) },
    { name: 'search-email', group: 'search', weight: 4, make: q(f.email) },
    {
      name: 'search-box',
      group: 'search',
      weight: 4,
      make: get(`/api/v1/search?q=${encodeURIComponent(f.surnameTerm)}`),
    },
    {
      name: 'create-interaction',
      group: 'write',
      weight: 4,
      make: () => ({
        method: 'POST',
        path: '/api/v1/interactions',
        headers: json,
        body: JSON.stringify({
          occurredAt: '2026-10-21T10:30:00+08:00',
          kind: 'call',
          subject: 'Mixed load: a call',
          contactIds: [next(f.contactIds)],
          companyIds: [next(f.companyIds)],
        }),
      }),
    },
    {
      name: 'update-contact',
      group: 'write',
      weight: 3,
      make: (context) => {
        // One update in flight per contact, else it would meet a 412 (300 contacts, 50
        // connections: one is always free).
        const id = idle.shift()!;
        context.contact = id;
        return {
          method: 'PATCH',
          path: `/api/v1/contacts/${id}`,
          headers: { ...json, 'if-match': etags.get(id)! },
          body: JSON.stringify({ position: `Einkauf ${n++}` }),
        };
      },
      answered: (_status, headers, context) => {
        const id = context.contact as string | undefined;
        if (!id) return;
        const etag = headers.etag ?? headers.ETag;
        if (etag) etags.set(id, etag);
        idle.push(id);
      },
    },
    {
      name: 'create-follow-up',
      group: 'write',
      weight: 3,
      make: () => ({
        method: 'POST',
        path: '/api/v1/follow-ups',
        headers: json,
        body: JSON.stringify({
          title: 'Mixed load: call back',
          dueOn: '2026-12-15',
          contactId: next(f.contactIds),
        }),
      }),
    },
  ];
}

/** Sends each kind once, outside the load: a kind that does not answer 2xx stops the bench. */
export async function checkMixed(baseUrl: string, f: MixedFixtures, tokens: Tokens): Promise<void> {
  for (const kind of kinds(f, tokens)) {
    const context: Record<string, unknown> = {};
    const r = kind.make(context);
    const response = await fetch(`${baseUrl}${r.path}`, {
      method: r.method,
      headers: r.headers,
      body: r.body,
    });
    const body = await response.text();
    kind.answered?.(response.status, Object.fromEntries(response.headers), context);
    if (response.status >= 300) {
      throw new Error(
        `mixed load: ${kind.name} answered ${response.status}: ${body.slice(0, 300)}`,
      );
    }
  }
}

const SHARE = (kinds: Kind[]) => kinds.reduce((sum, k) => sum + k.weight, 0);

function summary(
  name: string,
  group: MixedGroup,
  latencies: number[],
  failures: Record<string, number>,
  seconds: number,
): MixedKindResult {
  const sorted = Array.from(Float64Array.from(latencies).sort());
  return {
    name,
    group,
    requests: sorted.length,
    perSecond: sorted.length / seconds,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    failures,
  };
}

/**
 * One autocannon run over all kinds: every request of every connection draws its kind by weight
 * (setupRequest); the kind travels in the connection's context to its answer's latency.
 */
export async function runMixed(
  baseUrl: string,
  f: MixedFixtures,
  tokens: Tokens,
  options: { connections: number; seconds: number; warmupSeconds: number; seed: number },
): Promise<MixedResult> {
  const list = kinds(f, tokens);
  const total = SHARE(list);
  // The same sequence of kinds for the same seed.
  const random = new Random(options.seed, 'mixed');
  const pick = (): Kind => {
    let x = random.next() * total;
    for (const k of list) {
      x -= k.weight;
      if (x < 0) return k;
    }
    return list[list.length - 1];
  };
  const run = async (seconds: number) => {
    const latencies = new Map(list.map((k) => [k.name, [] as number[]]));
    const failures = new Map(list.map((k) => [k.name, {} as Record<string, number>]));
    const byName = new Map(list.map((k) => [k.name, k]));
    const instance = autocannon({
      url: baseUrl,
      connections: options.connections,
      duration: seconds,
      timeout: 30,
      sampleInt: 100,
      requests: [
        {
          setupRequest: (request, context) => {
            const kind = pick();
            context.kind = kind.name;
            const made = kind.make(context);
            return { ...request, ...made, body: made.body ?? '' };
          },
          onResponse: (status, _body, context, headers) => {
            byName.get(context.kind as string)?.answered?.(status, headers, context);
          },
        },
      ],
    });
    instance.on('response', (client: unknown, status: number, _bytes: number, ms: number) => {
      const name = (client as { requestIterator: { context: Record<string, unknown> } })
        .requestIterator.context.kind as string;
      if (status >= 200 && status < 300) latencies.get(name)?.push(ms);
      else {
        const counts = failures.get(name);
        if (counts) counts[status] = (counts[status] ?? 0) + 1;
      }
    });
    const started = performance.now();
    const result = await instance;
    const elapsed = Math.min((performance.now() - started) / 1000, result.duration || Infinity);
    return { latencies, failures, elapsed, errors: result.errors + result.timeouts };
  };
  if (options.warmupSeconds > 0) await run(options.warmupSeconds);
  const { latencies, failures, elapsed, errors } = await run(options.seconds);
  const kindResults = list.map((k) =>
    summary(k.name, k.group, latencies.get(k.name)!, failures.get(k.name)!, elapsed),
  );
  const groups = (['read', 'search', 'write'] as const).map((g) => {
    const of = list.filter((k) => k.group === g);
    const merged: Record<string, number> = {};
    for (const k of of) {
      for (const [code, n] of Object.entries(failures.get(k.name)!))
        merged[code] = (merged[code] ?? 0) + n;
    }
    return summary(
      g,
      g,
      of.flatMap((k) => latencies.get(k.name)!),
      merged,
      elapsed,
    );
  });
  if (errors > 0) groups[0].failures.error = errors;
  const requests = kindResults.reduce((sum, k) => sum + k.requests, 0);
  const failed =
    errors +
    kindResults.reduce((sum, k) => sum + Object.values(k.failures).reduce((a, b) => a + b, 0), 0);
  return {
    connections: options.connections,
    seconds: elapsed,
    requests,
    perSecond: requests / elapsed,
    failures: failed,
    groups,
    kinds: kindResults,
  };
}

const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(1));
const failed = (f: Record<string, number>) =>
  Object.entries(f)
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ') || 'none';

/** The mixed load's table: per group, then per kind. */
export function mixedMarkdown(r: MixedResult, served: string): string {
  const lines = [
    `### Mixed load: ${r.connections} connections, ${r.seconds.toFixed(0)} s, ${served}`,
    '',
    `${Math.round(r.perSecond).toLocaleString('en')} req/s in all, ${r.requests.toLocaleString('en')} answered 2xx, ${r.failures} not (non-2xx, errors, timeouts). Staff and a company user at once; every request draws its kind by weight.`,
    '',
    '| Kind | Share | Requests | req/s | p50 / p95 / p99 ms | Not 2xx |',
    '|---|--:|--:|--:|--:|---|',
  ];
  const row = (k: MixedKindResult, share: string, bold: boolean) => {
    const name = bold ? `**${k.name}**` : k.name;
    lines.push(
      `| ${name} | ${share} | ${k.requests.toLocaleString('en')} | ${Math.round(k.perSecond).toLocaleString('en')} | ${ms(k.p50)} / ${ms(k.p95)} / ${ms(k.p99)} | ${failed(k.failures)} |`,
    );
  };
  for (const g of r.groups) {
    const share = (100 * g.requests) / Math.max(1, r.requests);
    row(g, `${share.toFixed(0)} %`, true);
    for (const k of r.kinds.filter((x) => x.group === g.name)) {
      row(k, `${((100 * k.requests) / Math.max(1, r.requests)).toFixed(0)} %`, false);
    }
  }
  lines.push('');
  return lines.join('\n');
}
