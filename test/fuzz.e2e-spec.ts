/**
 * Random bad input for every write route of the API (POST, PATCH, DELETE under /api/v1, from the
 * OpenAPI document with their bodies' schemas), for the list routes' query strings and for the
 * pages' form posts: no answer may be a 5xx, and every 4xx of the API is problem+json carrying
 * its status. The API is called as an admin and as a company user (and as nobody); the pages
 * with each one's session cookie and CSRF token.
 *
 * Each request is drawn from its own generator seeded with the run's seed and its number, so
 * `FUZZ_SEED=<seed>` sends the same requests again (the server's state between them may differ,
 * as they run side by side). `FUZZ_REQUESTS=<n>` sets how many go to the API's write routes,
 * taking turns (default 5000, about 90 each, to stay within a minute on two cores; raise it for
 * a long run); the query strings and the pages get a fifth and a sixth of that besides.
 */
import { randomInt } from 'node:crypto';
import { PASSWORD } from './helpers/auth';
import { ADMIN } from './helpers/app';
import { fillPath, listRoutes } from './helpers/routes';
import { Cast, Kit, Session, TestApp, useWorld } from './helpers/world';

let app: TestApp, admin: Session, c: Cast, make: Kit;
useWorld((w) => ({ app, admin, c, make } = w));

const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const WRITES = Number(process.env.FUZZ_REQUESTS ?? 5000);
const QUERIES = Math.ceil(WRITES / 5);
const PAGES = Math.ceil(WRITES / 6);
const PARALLEL = 8;
/** A request this slow is a finding too: something a client sends is slow. */
const SLOW_MS = 5000;

// ---------------------------------------------------------------------------------- randomness

/** mulberry32: small, fast and good enough to pick test input. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)],
    uuid: () =>
      Array.from({ length: 32 }, (_, i) =>
        i === 12 ? '4' : i === 16 ? '89ab'[int(4)] : '0123456789abcdef'[int(16)],
      )
        .join('')
        .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-'),
  };
}
type Random = ReturnType<typeof generator>;

/** The generator of request `n` of `stream`: the same for a seed whatever the order they run. */
const randomFor = (stream: number, n: number) =>
  generator(Math.imul(SEED ^ (stream * 0x9e3779b9), 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35));

// ----------------------------------------------------------------------------- JSON of any kind

/** JSON text as it is (1e309, -0, 2^64), which JSON.stringify cannot write. */
class Raw {
  constructor(readonly text: string) {}
}
/** An object as its entries: any key (`__proto__`, twice the same), in any order. */
class Entries {
  constructor(readonly entries: [string, Value][]) {}
}
type Value = null | boolean | number | string | Raw | Entries | Value[];

const json = (v: Value): string =>
  v instanceof Raw
    ? v.text
    : v instanceof Entries
      ? `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`).join(',')}}`
      : Array.isArray(v)
        ? `[${v.map(json).join(',')}]`
        : JSON.stringify(v);

const ODD_TEXT = [
  '',
  ' ',
  '   padded   ',
  'x',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '\u0000',
  'Li\u0000',
  '\u202eevil',
  'zero\u200bwidth',
  'e\u0301\u0301\u0301',
  '🙂',
  '👩‍👩‍👧‍👦',
  '𠮷野家',
  '李明',
  '欧阳娜娜',
  'مرحبا',
  '\ufeffbom',
  '\uffff\ufffe',
  'line\u2028sep\u2029',
  '\u0085next',
  'tab\there\nnew\rline',
  '%00',
  '%s%n%x',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  '\\',
  '"',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '9007199254740993',
  'true',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31',
  '2026-10-20T25:00:00Z',
  '2026-10-20T09:30:00+08:00',
  '2026-10-20T09:30:00.123456789+14:00',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00-12:00',
  'Asia/Shanghai',
  'Mars/Olympus_Mons',
  'Etc/GMT+14',
  'UTC',
  'a@b',
  'admin@test.liaison',
  `${'x'.repeat(300)}@example.com`,
  'DE',
  'XX',
  'de',
  'zh-Hans-CN',
  'x-private-use',
  'http://example.com',
  'javascript:alert(1)',
  'https://exa mple.com',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '{"a":1}',
  'me',
  'constructor',
  '__proto__',
];
const ODD_NUMBERS: Value[] = [
  0,
  -1,
  1.5,
  -0.0001,
  2147483647,
  2147483648,
  -2147483649,
  Number.MAX_SAFE_INTEGER,
  1e21,
  Number.MAX_VALUE,
  5e-324,
  new Raw('9007199254740993'),
  new Raw('18446744073709551616'),
  new Raw('123456789012345678901234567890'),
  new Raw('1e309'),
  new Raw('-1e309'),
  new Raw('1e-400'),
  new Raw('-0'),
  new Raw('0.00000000000000000000000001'),
  new Raw('1E2'),
];
const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
  '\ud800',
  '\u0000',
  'a.b',
  '0',
  '$where',
  'id',
  'version',
  'createdAt',
  'deletedAt',
  'passwordHash',
  'role',
  '🙂',
];

function oddString(r: Random): string {
  const roll = r.next();
  if (roll < 0.75) return r.pick(ODD_TEXT);
  if (roll < 0.9) return r.pick(ODD_TEXT).repeat(1 + r.int(400));
  if (roll < 0.985) return 'x'.repeat(r.int(25_000));
  return '\u4e00'.repeat(r.int(300_000)); // up to ~1 MiB of UTF-8
}

function oddValue(r: Random, depth = 0): Value {
  const roll = r.int(depth > 2 ? 6 : 8);
  switch (roll) {
    case 0:
    case 1:
      return oddString(r);
    case 2:
      return r.pick(ODD_NUMBERS);
    case 3:
      return r.pick([true, false, null]);
    case 4:
      return r.uuid();
    case 5:
      return r.chance(0.5) ? [] : new Entries([]);
    case 6:
      return Array.from({ length: r.int(6) }, () => oddValue(r, depth + 1));
    default:
      return new Entries(
        Array.from({ length: r.int(5) }, () => [
          r.chance(0.5) ? r.pick(ODD_KEYS) : oddString(r).slice(0, 50),
          oddValue(r, depth + 1),
        ]),
      );
  }
}

/** Nested deeper than the limit, or much deeper; as text, so nothing here recurses. */
function deep(r: Random): Raw {
  const depth = r.pick([31, 32, 33, 40, 1000, 10_000, 100_000]);
  const [open, close] = r.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
  return new Raw(open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth));
}

/** Many fields: around the limit, or far beyond (96,000 keys: the sign-in body of issue 13). */
function manyFields(r: Random): Raw {
  const count = r.pick([1999, 2000, 2001, 5000, 96_000]);
  const id = JSON.stringify(r.uuid());
  return new Raw(
    r.chance(0.5)
      ? `{${Array.from({ length: count }, (_, i) => `"f${i}":${i}`).join(',')}}`
      : `{"ids":[${Array.from({ length: count }, () => (count > 5000 ? '0' : id)).join(',')}]}`,
  );
}

// ------------------------------------------------------------------------------ what there is

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  items?: Schema;
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Operation {
  method: string;
  /** `/api/v1/trips/{tripId}/participants/{participantId}` */
  path: string;
  body?: Schema;
  query: { name: string; schema: Schema }[];
}

let schemas: Record<string, Schema> = {};
const resolve = (s: Schema | undefined): Schema | undefined =>
  s?.$ref ? schemas[s.$ref.split('/').pop()!] : s?.allOf?.length === 1 ? resolve(s.allOf[0]) : s;

/** The ids of the records made for the run, by the path segment that names their kind. */
const ids: Record<string, string[]> = {};
const ID_KIND: Record<string, string> = {
  companyId: 'companies',
  partnerId: 'partners',
  contactId: 'contacts',
  leadId: 'leads',
  tripId: 'trips',
  appointmentId: 'appointments',
  interactionId: 'interactions',
  agreementId: 'agreements',
  participantId: 'participants',
  ownerId: 'users',
  assigneeId: 'users',
  authorId: 'users',
  actorId: 'users',
  entityId: 'contacts',
  pid: 'participants',
  aid: 'appointments',
};
const kindOfField = (name: string) => {
  const singular = name.replace(/Ids$/, 'Id');
  if (Object.hasOwn(ID_KIND, singular)) return ID_KIND[singular];
  return name === 'attendeeIds' ? 'participants' : undefined;
};
const anyId = (r: Random, kind?: string): string => {
  const pool = kind && ids[kind]?.length ? ids[kind] : ids[r.pick(Object.keys(ids))];
  return r.pick(pool);
};

const GARBAGE_IDS = [
  '',
  'abc',
  '0',
  '-1',
  '1e309',
  'null',
  'undefined',
  'constructor',
  '__proto__',
  '%00',
  '%2e%2e',
  '..',
  '%F0%9F%99%82',
  '%ED%A0%80',
  '%FF%FE',
  '%zz',
  '%',
  'a'.repeat(101),
  '00000000-0000-0000-0000-000000000000',
  '{00000000-0000-4000-8000-000000000000}',
  '00000000-0000-4000-8000-00000000000g',
  '00000000000040008000000000000000',
];

/** A path parameter: a record of its kind mostly, else any other, a random UUID or garbage. */
function pathId(r: Random, param: string, segmentBefore: string): string {
  const kind =
    param === 'id' ? segmentBefore : Object.hasOwn(ID_KIND, param) ? ID_KIND[param] : undefined;
  const roll = r.next();
  if (roll < 0.55) return anyId(r, kind);
  if (roll < 0.62) return anyId(r);
  if (roll < 0.67) return anyId(r, kind).toUpperCase();
  if (roll < 0.8) return r.uuid();
  return r.pick(GARBAGE_IDS);
}

const fillIds = (r: Random, path: string, open = '{', close = '}') => {
  const segments = path.split('/');
  return segments
    .map((seg, i) =>
      seg.startsWith(open) && seg.endsWith(close)
        ? pathId(r, seg.slice(open.length, seg.length - close.length || undefined), segments[i - 1])
        : seg,
    )
    .join('/');
};

// ---------------------------------------------------------------------------- plausible values

const EDGE_DAYS = [
  '0001-01-01',
  '1900-02-28',
  '1970-01-01',
  '2024-02-29',
  '2038-01-19',
  '9999-12-31',
];
const EDGE_INSTANTS = [
  '0001-01-01T00:00:00Z',
  '1000-01-01T00:00:00.000+00:00',
  '1969-12-31T23:59:59.999-12:00',
  '2026-03-29T02:30:00+01:00',
  '2026-10-25T02:30:00+02:00',
  '9999-12-31T23:59:59.999+14:00',
];
const ZONES = [
  'Asia/Shanghai',
  'Europe/Berlin',
  'UTC',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Asia/Kathmandu',
  'Etc/GMT-14',
  'America/Argentina/ComodRivadavia',
];
const TEXTS = [
  '李明 🙂',
  'e\u0301cole',
  '  Ölmühle Solingen ',
  'Zwilling J.A. Henckels',
  '\u202eRTL',
  'tab\tnew\nline',
  "O'Brien & Söhne <GmbH>",
];

/** A value for a field by its schema: plausible, or (at the rate `odd`) anything. */
function plausible(
  r: Random,
  name: string,
  schema: Schema | undefined,
  depth: number,
  odd: number,
): Value {
  const s = resolve(schema) ?? {};
  if (r.chance(odd)) return oddValue(r, depth);
  if (s.properties) return objectFor(r, s, odd, depth + 1);
  if (s.enum?.length) return r.pick(s.enum as Value[]);
  const kind = kindOfField(name);
  if (s.type === 'array' || name.endsWith('Ids')) {
    return Array.from({ length: r.int(r.chance(0.05) ? 600 : 4) }, () =>
      kind ? anyId(r, kind) : plausible(r, name, s.items, depth + 1, odd),
    );
  }
  if (kind || s.format === 'uuid') return r.chance(0.9) ? anyId(r, kind) : r.uuid();
  if (s.type === 'boolean') return r.chance(0.5);
  if (s.type === 'number' || s.type === 'integer')
    return r.pick([0, 1, 12.5, 2500, 99_999_999.99, 999_999_999, 1e15, 0.001, r.int(100_000)]);
  if (s.format === 'date' || /On$|^from$|^to$/.test(name))
    return r.chance(0.3)
      ? r.pick(EDGE_DAYS)
      : `20${10 + r.int(30)}-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
  if (/At$/.test(name))
    return r.chance(0.3)
      ? r.pick(EDGE_INSTANTS)
      : `2019-10-${String(20 + r.int(5)).padStart(2, '0')}T${String(r.int(24)).padStart(2, '0')}:${r.pick(['00', '30', '59'])}:00${r.pick(['Z', '+08:00', '-05:00', '+14:00', '-12:00'])}`;
  if (name === 'timeZone') return r.pick(ZONES);
  if (/country$/i.test(name)) return r.pick(['DE', 'CN', 'cn', 'XK', 'AQ']);
  if (typeof s.example === 'string' && r.chance(0.6))
    return r.chance(0.7) ? s.example : `${s.example} ${r.pick(TEXTS)}`;
  if (s.example !== undefined && r.chance(0.5)) return s.example as Value;
  return r.chance(0.5) ? `${r.pick(TEXTS)} ${r.int(1000)}` : r.pick(ODD_TEXT);
}

/** An object of a schema's properties (its required ones more often), and now and then others. */
function objectFor(r: Random, schema: Schema, odd: number, depth = 0): Value {
  const entries: [string, Value][] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {}))
    if (r.chance(schema.required?.includes(name) ? 0.95 : 0.5))
      entries.push([name, plausible(r, name, property, depth, odd)]);
  if (r.chance(odd / 2))
    for (let i = r.int(3); i >= 0; i--) entries.push([r.pick(ODD_KEYS), oddValue(r, depth)]);
  if (r.chance(odd / 6) && entries.length) entries.push(entries[r.int(entries.length)]); // twice
  return new Entries(entries);
}

/** A request body: mostly shaped by the schema, else anything, huge, deep, wide or not JSON. */
function body(r: Random, schema: Schema | undefined): { type?: string; data?: string | Buffer } {
  const s = resolve(schema);
  const roll = r.next();
  const asJson = (v: Value) => ({ type: 'application/json', data: json(v) });
  // Bad here and there, or good but for the odd value: past the validation, into the services.
  if (roll < 0.25 && s?.properties) return asJson(objectFor(r, s, 0.3));
  if (roll < 0.5 && s?.properties) return asJson(objectFor(r, s, 0.02));
  if (roll < 0.62) return asJson(oddValue(r));
  if (roll < 0.66)
    return asJson(new Entries([[r.pick(Object.keys(s?.properties ?? { x: 0 })), oddString(r)]]));
  if (roll < 0.7) return asJson(deep(r));
  if (roll < 0.74) return asJson(manyFields(r));
  if (roll < 0.78) {
    // A poisoning key somewhere in an otherwise plausible body.
    const poisoned = new Entries([
      [r.pick(['__proto__', 'constructor', 'prototype']), new Entries([['isAdmin', true]])],
    ]);
    return asJson(
      s?.properties && r.chance(0.5)
        ? new Entries([
            ...(objectFor(r, s, 0.3) as Entries).entries,
            [Object.keys(s.properties)[0], poisoned],
          ])
        : poisoned,
    );
  }
  if (roll < 0.82) return {};
  // Not JSON, or not as declared.
  const text = s?.properties ? json(objectFor(r, s, 0.3)) : json(oddValue(r));
  switch (r.int(9)) {
    case 0:
      return { type: 'application/json', data: text.slice(0, r.int(text.length)) };
    case 1:
      return {
        type: 'application/json',
        data: Buffer.concat([
          Buffer.from(text.slice(0, -1) + (text.endsWith('}') ? ',"x":"' : '')),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]),
          Buffer.from('"}'),
        ]),
      };
    case 2:
      return {
        type: r.pick([
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/json-patch+json',
          'application/json; charset=utf-16',
          'application/JSON',
          'application/x-www-form-urlencoded',
          '',
          ';;;',
        ]),
        data: text,
      };
    case 3:
      return { type: 'application/json', data: `\ufeff${text}` };
    case 4:
      return {
        type: 'application/json',
        data: `${text}${r.pick(['x', '}', ',', '\u0000', ' // c'])}`,
      };
    case 5:
      return { type: 'application/json', data: text.replace(/"/g, "'") };
    case 6:
      return {
        type: 'application/x-www-form-urlencoded',
        data: r.pick(['a=1&a=2', '__proto__[x]=1', '%zz=%', 'x=%ff%fe', '&&&=&=', 'constructor=1']),
      };
    case 7:
      return { type: 'application/json', data: '' };
    default:
      return { type: 'application/json', data: r.pick(['null', '[]', '""', '0', 'true', '{}']) };
  }
}

const IF_MATCH = [
  '"1"',
  '"2"',
  '"3"',
  '"0"',
  '"-1"',
  '"99999999999999999999"',
  '"9007199254740993"',
  '"1e3"',
  '"1.5"',
  'W/"1"',
  '*',
  '"1", "2"',
  '1',
  '""',
  '"',
  '"\u00ff"',
  `"${'9'.repeat(5000)}"`,
  'null',
];

const IDEMPOTENCY_KEYS = [
  'fuzz-key-1',
  'fuzz-key-2',
  'fuzz-key-3',
  '',
  ' ',
  'x'.repeat(256),
  'schl\u00fcssel',
  'a,b',
  '00000000-0000-4000-8000-000000000000',
];

function headersFor(r: Random, op: { method: string; path: string }): Record<string, string> {
  const headers: Record<string, string> = {};
  const who = r.next();
  if (who < 0.47) Object.assign(headers, admin.auth);
  else if (who < 0.94) Object.assign(headers, c.sessions.own.auth);
  else if (who < 0.97) headers.Authorization = r.pick(['Bearer', 'Bearer x.y.z', 'Basic YTpi', '']);
  if (op.method !== 'POST' || /\/complete$/.test(op.path)) {
    // A version that may be the record's (it has had a few), or a tag that cannot be.
    if (r.chance(0.85))
      headers['If-Match'] = r.chance(0.5) ? `"${1 + r.int(4)}"` : r.pick(IF_MATCH);
  } else if (r.chance(0.05)) headers['If-Match'] = r.pick(IF_MATCH);
  if (r.chance(0.05)) headers['X-Request-Id'] = r.pick(['bad id', 'x'.repeat(100), 'ok-1']);
  // Retries under one key (a replay, another body: 422, one still running: 409) and bad keys.
  if (r.chance(0.3)) headers['Idempotency-Key'] = r.pick(IDEMPOTENCY_KEYS);
  if (r.chance(0.03)) headers['Accept'] = r.pick(['text/html', 'application/xml', '*/*;q=0']);
  return headers;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** encodeURIComponent, with a lone surrogate as the bytes it would have in CESU-8 (not UTF-8). */
const uriEncode = (r: Random, v: string) =>
  v
    .split(LONE_SURROGATE)
    .map(encodeURIComponent)
    .join(r.pick(['%ED%A0%80', '%ED%BF%BF']));

/** A query string of the parameters the route takes and others, well formed or not. */
function queryString(r: Random, params: { name: string; schema: Schema }[]): string {
  const parts: string[] = [];
  const enc = (v: string) =>
    r.chance(0.1) ? r.pick(['%zz', '%ff', '%00', '%ED%A0%80', '%', '+']) : uriEncode(r, v);
  for (const p of params)
    if (r.chance(0.5)) {
      const v = plausible(r, p.name, p.schema, 0, 0.3);
      parts.push(`${p.name}=${enc(typeof v === 'string' ? v : json(v)).slice(0, 3000)}`);
    }
  if (r.chance(0.3))
    parts.push(
      `${enc(r.pick([...ODD_KEYS, 'sort', 'limit', 'cursor', 'q']))}=${enc(r.pick(ODD_TEXT))}`,
    );
  if (r.chance(0.15))
    parts.push(
      `sort=${r.pick(['constructor', '-toString', '__proto__', 'hasOwnProperty', '-', '', 'name,-name'])}`,
    );
  if (r.chance(0.1))
    parts.push(
      ...Array.from({ length: r.pick([1 + r.int(300), 2000, 2001, 4000]) }, (_, i) =>
        i.toString(36),
      ),
    );
  if (r.chance(0.05)) parts.push(...Array.from({ length: 50 }, () => 'limit=1'));
  if (r.chance(0.02)) parts.push(`q=${'a'.repeat(20_000)}`); // past Node's 16 KiB: 431
  return parts.length ? `?${parts.join('&')}` : '';
}

// ------------------------------------------------------------------------------ the requests

interface Request {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  data?: string | Buffer;
  /** The API's 4xx must be problem+json; a page's are HTML. */
  api: boolean;
}

const writes: Operation[] = [];
const reads: Operation[] = [];
const pages: { path: string; fields: string[] }[] = [];
let webSessions: { cookie: string; csrf: string }[] = [];
const logoutTokens: string[] = [];
/** Every form field name any page has (so a route's own and others' are posted). */
let formNames: string[] = [];

const SESSION_ENDERS = ['/api/v1/auth/logout', '/api/v1/me/sessions'];

function writeRequest(n: number): Request {
  const r = randomFor(1, n);
  const op = writes[n % writes.length];
  const headers = headersFor(r, op);
  // Signing out (or ending one's other sessions) would end the run's sessions: it gets sessions
  // of its own.
  if (SESSION_ENDERS.includes(op.path) && headers.Authorization?.length > 100) {
    const token = logoutTokens.pop();
    headers.Authorization = token ? `Bearer ${token}` : 'Bearer spent';
  }
  const { type, data } = body(r, op.body);
  if (type !== undefined) headers['Content-Type'] = type;
  let url = fillIds(r, op.path);
  if (r.chance(0.1)) url += queryString(r, []);
  return { label: `${op.method} ${op.path}`, method: op.method, url, headers, data, api: true };
}

function readRequest(n: number): Request {
  const r = randomFor(2, n);
  const op = reads[n % reads.length];
  return {
    label: `GET ${op.path}`,
    method: 'GET',
    url: fillIds(r, op.path) + queryString(r, op.query),
    headers: headersFor(r, op),
    api: true,
  };
}

function pageRequest(n: number): Request {
  const r = randomFor(3, n);
  const page = pages[n % pages.length];
  const session = r.pick(webSessions);
  const pairs: [string, string][] = [];
  if (r.chance(0.92)) pairs.push(['_csrf', session.csrf]);
  else if (r.chance(0.5)) pairs.push(['_csrf', 'x'.repeat(session.csrf.length)]);
  const names = page.fields.length && r.chance(0.8) ? page.fields : formNames;
  for (const name of names) if (r.chance(0.6)) pairs.push([name, formValue(r, name)]);
  if (r.chance(0.2)) pairs.push([r.pick(ODD_KEYS), r.pick(ODD_TEXT)]);
  if (r.chance(0.15))
    pairs.push([
      '_base',
      r.chance(0.5)
        ? Buffer.from(json(oddValue(r))).toString('base64url')
        : r.pick(['', '!!!', 'e30', 'x'.repeat(300_000)]),
    ]);
  const enc = (v: string) =>
    r.chance(0.05) ? r.pick(['%zz', '%ff%fe', '%ED%A0%80', '%00', '%', '+%2B']) : uriEncode(r, v);
  const form = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const headers: Record<string, string> = {
    Cookie: session.cookie,
    'Content-Type': r.chance(0.95) ? 'application/x-www-form-urlencoded' : 'application/json',
  };
  if (r.chance(0.1)) headers['HX-Request'] = 'true';
  return {
    label: `POST ${page.path}`,
    method: 'POST',
    url: fillIds(r, page.path, ':', ''),
    headers,
    data: r.chance(0.03) ? `${form}&${'f=1&'.repeat(3000)}` : form,
    api: false,
  };
}

function formValue(r: Random, name: string): string {
  if (r.chance(0.4)) return r.pick(ODD_TEXT);
  const kind = kindOfField(name);
  if (kind && r.chance(0.7)) return anyId(r, kind);
  if (name === 'organisation') return `${r.pick(['company', 'partner', 'x'])}:${anyId(r)}`;
  if (r.chance(0.3)) return oddString(r).slice(0, 5000);
  return `${name} ${r.int(100)}`;
}

// ------------------------------------------------------------------------------ the run

interface Finding {
  request: string;
  status: number | string;
  answer: string;
  ms: number;
}

async function send(request: Request): Promise<{ status: number; problem?: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${app.url}${request.url}`, {
    method: request.method,
    headers: request.headers,
    body:
      typeof request.data === 'string'
        ? request.data
        : request.data && new Uint8Array(request.data),
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const status = response.status;
  let problem: string | undefined;
  if (status >= 500) problem = text.slice(0, 300);
  else if (request.api && status >= 400) {
    const type = response.headers.get('content-type') ?? '';
    let body: { status?: unknown } | undefined;
    try {
      body = JSON.parse(text) as { status?: unknown };
    } catch {
      body = undefined;
    }
    if (!type.startsWith('application/problem+json') || body?.status !== status)
      problem = `not a problem+json of its status: ${type} ${text.slice(0, 200)}`;
  }
  if (!problem && ms > SLOW_MS) problem = `took ${Math.round(ms)} ms`;
  return { status, problem, ms };
}

const excerpt = (request: Request) => {
  const data =
    request.data === undefined
      ? ''
      : ` ${String(request.data).slice(0, 300)}${String(request.data).length > 300 ? `… (${String(request.data).length} chars)` : ''}`;
  return `${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers['If-Match'] ?? '')} ${request.headers['Content-Type'] ?? ''}${data}`;
};

async function run(
  count: number,
  next: (n: number) => Request,
  statuses: Record<string, number>,
  findings: Finding[],
  slowest: { ms: number; request: string }[],
): Promise<void> {
  let n = 0;
  const worker = async () => {
    for (let i = n++; i < count; i = n++) {
      const request = next(i);
      const key = `${request.label}`;
      try {
        const { status, problem, ms } = await send(request);
        statuses[status] = (statuses[status] ?? 0) + 1;
        byRoute[key] = (byRoute[key] ?? 0) + 1;
        slowest.push({ ms, request: excerpt(request).slice(0, 160) });
        slowest.sort((a, b) => b.ms - a.ms).splice(5);
        if (problem)
          findings.push({ request: `#${i} ${excerpt(request)}`, status, answer: problem, ms });
      } catch (error) {
        statuses.error = (statuses.error ?? 0) + 1;
        findings.push({
          request: `#${i} ${excerpt(request)}`,
          status: 'no answer',
          answer: String(error),
          ms: 0,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}
const byRoute: Record<string, number> = {};

/** A page session as a browser gets it: the sign-in form's CSRF cookie and token, then the cookie. */
async function signIn(email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${app.url}/login`);
  const csrfCookie = form.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .find((cookie) => cookie.startsWith('liaison_csrf='))!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  const response = await fetch(`${app.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrf, next: '/', email, password }),
  });
  const session = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .find((cookie) => cookie.startsWith('liaison_session='));
  if (!session) throw new Error(`signing in as ${email}: ${response.status}`);
  // Signed in, a form's token is the session's (the sign-in form's was bound to its nonce): the
  // posts must carry that one, or every one of them is only a test of the CSRF refusal.
  const cookie = `${csrfCookie}; ${session}`;
  const page = await (await fetch(`${app.url}/profile`, { headers: { cookie } })).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token || token === csrf) throw new Error(`no CSRF token of the session for ${email}`);
  return { cookie, csrf: token };
}

beforeAll(async () => {
  const doc = (await app.http.get('/api/docs-json')).body as {
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content: Record<string, { schema: Schema }> };
          parameters?: { in: string; name: string; schema: Schema }[];
        }
      >
    >;
    components: { schemas: Record<string, Schema> };
  };
  schemas = doc.components.schemas;
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(operations)) {
      const operation = {
        method: method.toUpperCase(),
        path,
        body: op.requestBody?.content['application/json']?.schema,
        query: (op.parameters ?? []).filter((p) => p.in === 'query'),
      };
      if (['post', 'patch', 'delete'].includes(method)) writes.push(operation);
      else if (method === 'get' && !path.endsWith('.ics')) reads.push(operation);
    }
  }

  // Records of every kind, their ids in the pools (not the run's own users: they must stay).
  const own = c.ownCompany.id;
  ids.companies = [own, c.foreignCompany.id, (await make.company()).id, (await make.company()).id];
  ids.partners = [(await make.partner()).id, (await make.partner()).id];
  ids.contacts = [
    (await make.contact({ companyId: own })).id,
    (await make.contact({ partnerId: ids.partners[0] })).id,
    (await make.contact()).id,
  ];
  ids.leads = [
    (await make.lead({ companyId: own, contactId: ids.contacts[0] })).id,
    (await make.lead({ companyId: c.foreignCompany.id })).id,
  ];
  ids.trips = [(await make.trip()).id, (await make.trip()).id];
  ids.participants = [];
  ids.appointments = [];
  for (const tripId of ids.trips) {
    ids.participants.push((await make.participant({ tripId, companyId: own })).id);
    ids.participants.push((await make.participant({ tripId })).id);
    ids.appointments.push((await make.appointment({ tripId })).id);
  }
  ids.interactions = [(await make.interaction({ contactIds: [ids.contacts[0]] })).id];
  ids.interactions.push((await make.interaction({ confidential: true })).id);
  ids['follow-ups'] = [
    (await make.followUp({ companyId: own, leadId: ids.leads[0] })).id,
    (await make.followUp({ assigneeId: c.sessions.own.user.id })).id,
  ];
  ids.agreements = [(await make.agreement({ partnerId: ids.partners[0] })).id];
  ids.users = [(await make.user()).id, (await make.user({ role: 'company', companyId: own })).id];
  // An import (its pages' forms); the API's multipart upload is not one the run sends itself.
  const upload = await app.http
    .post('/api/v1/imports')
    .set(admin.auth)
    .field('kind', 'contact')
    .attach('file', Buffer.from('Nachname;Vorname\nMüller;Anna\n'), 'fuzz.csv');
  ids.imports = [upload.body.id as string];
  // A business card's scan (its confirm form); a 1×1 PNG, which the reader finds nothing on.
  const scan = await app.http
    .post('/api/v1/card-scans')
    .set(admin.auth)
    .attach(
      'front',
      Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
        'base64',
      ),
      { filename: 'card.png', contentType: 'image/png' },
    );
  ids.scans = [scan.body.id as string];

  // Sessions that signing out may end.
  const expendable = await make.user();
  for (let i = 0; i < 5; i++) {
    const res = await app.http
      .post('/api/v1/auth/login')
      .send({ email: expendable.email, password: expendable.password });
    logoutTokens.push(res.body.accessToken as string);
  }

  // The pages: every form post, with the names of the fields its form has.
  webSessions = [
    await signIn(ADMIN.email, ADMIN.password),
    await signIn(c.sessions.own.user.email, PASSWORD),
  ];
  const posts = listRoutes(app).filter(
    (route) =>
      route.method === 'POST' &&
      !route.path.startsWith('/api/') &&
      // Signing out and ending one's other sessions would end the run's own sessions.
      !['/logout', '/login', '/profile/password', '/account/sessions/end-others'].includes(
        route.path,
      ),
  );
  const names = new Set<string>();
  // Posts whose form is on a page of another shape (a list's button, a page before sign-in).
  const formPages: Record<string, string> = {
    '/admin/jobs/:queue/:id/retry': '/admin/jobs',
    '/admin/outbox/:id/resend': '/admin/outbox',
    '/users/:id/invitation': '/users/:id',
    '/notifications/read-all': '/notifications',
    '/profile/notifications': '/profile/notifications',
    '/password/forgot': '/password/forgot',
    '/password/reset': '/password/reset',
    '/unsubscribe/:token': '/unsubscribe/0',
    // The import wizard: every step's form is on the import's page.
    '/imports/:id/check': '/imports/:id',
    '/imports/:id/decisions': '/imports/:id',
    '/imports/:id/run': '/imports/:id',
    '/imports/:id/cancel': '/imports/:id',
    '/imports/:id/undo': '/imports/:id',
    // Two-factor sign-in: set up on the security page, the second step on its own.
    '/account/security/totp': '/account/security',
    '/account/security/totp/confirm': '/account/security',
    '/account/security/totp/disable': '/account/security',
    '/account/security/recovery-codes': '/account/security',
    '/account/security/passkeys/options': '/account/security',
    '/account/security/passkeys': '/account/security',
    '/account/security/passkeys/:id/delete': '/account/security',
    '/login/mfa': '/login/mfa',
    '/login/mfa/passkey-options': '/login/mfa',
    '/account/sessions/:id/end': '/account/sessions',
    '/users/:id/sessions/end': '/users/:id',
    // A person's rights: on the contact's page, its personal data page and the retention review.
    '/contacts/:id/restriction': '/contacts/:id',
    '/contacts/:id/restriction/lift': '/contacts/:id',
    '/contacts/:id/objection': '/contacts/:id',
    '/contacts/:id/objection/withdraw': '/contacts/:id',
    '/contacts/:id/erase': '/contacts/:id/personal-data',
    '/privacy/retention/run': '/privacy/retention',
    '/privacy/retention/:contactId/extend': '/privacy/retention',
    // Business cards: the photo form, and the confirm form on the scan's page.
    '/scan': '/scan',
    '/scans/:id': '/scans/:id',
  };
  for (const route of posts) {
    const formPage =
      formPages[route.path] ??
      (/\/(edit|delete|restore|purge|stage|notes|complete)$|^\/(log|profile)/.test(route.path)
        ? route.path
            .replace(/\/(delete|restore|purge|stage|notes|complete)$/, '')
            .replace(/^\/profile.*/, '/profile')
        : `${route.path}/new`);
    const url = fillPath(formPage, (param) =>
      param === 'pid'
        ? ids.participants[0]
        : param === 'aid'
          ? ids.appointments[0]
          : ids[route.path.split('/')[1]][0],
    );
    const html = await (
      await fetch(`${app.url}${url}`, { headers: { cookie: webSessions[0].cookie } })
    ).text();
    const fields = [...html.matchAll(/name="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((name) => name !== '_csrf');
    fields.forEach((name) => names.add(name));
    pages.push({ path: route.path, fields: [...new Set(fields)] });
  }
  formNames = [...names];
}, 120_000);

describe('fuzzing with random bad input', () => {
  it('answers every request below 500, and every 4xx of the API as problem+json of its status', async () => {
    expect(writes.length).toBeGreaterThan(40);
    expect(pages.length).toBeGreaterThan(40);
    const started = Date.now();
    const findings: Finding[] = [];
    const slowest: { ms: number; request: string }[] = [];
    const api: Record<string, number> = {};
    const web: Record<string, number> = {};
    await run(WRITES, writeRequest, api, findings, slowest);
    await run(QUERIES, readRequest, api, findings, slowest);
    await run(PAGES, pageRequest, web, findings, slowest);
    const untried = writes.filter((op) => !byRoute[`${op.method} ${op.path}`]);

    // The app is still itself: healthy, and the run's sessions still work.
    expect((await app.http.get('/health')).status).toBe(200);
    expect((await app.http.get('/api/v1/auth/me').set(admin.auth)).status).toBe(200);

    process.stdout.write(
      [
        `fuzz: seed ${SEED} (FUZZ_SEED=${SEED} repeats it), ${Math.round((Date.now() - started) / 1000)} s`,
        `  API: ${WRITES} to ${writes.length} write routes, ${QUERIES} query strings to ${reads.length} read routes; by status ${JSON.stringify(api)}`,
        `  pages: ${PAGES} form posts to ${pages.length} routes; by status ${JSON.stringify(web)}`,
        `  slowest: ${slowest.map((s) => `${Math.round(s.ms)} ms ${s.request}`).join('\n           ')}`,
        '',
      ].join('\n'),
    );
    expect(untried).toEqual([]);
    if (findings.length)
      throw new Error(
        `${findings.length} findings (seed ${SEED}), the 5xx first:\n${findings
          .sort((a, b) => Number(Number(b.status) >= 500) - Number(Number(a.status) >= 500))
          .slice(0, 40)
          .map((f) => `${f.status} ${Math.round(f.ms)} ms ← ${f.request}\n    ${f.answer}`)
          .join('\n')}`,
      );
  }, 600_000);
});
