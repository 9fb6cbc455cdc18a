import type { Response } from 'supertest';
import type { TestApp } from './app';
import type { Session } from './auth';

export interface CallOptions {
  /**
   * The `If-Match` to send instead of the last ETag seen: a stale or malformed tag (`'"3"'`),
   * or `null` to send none. Only for tests of the precondition itself.
   */
  ifMatch?: string | null;
}

type Body = string | object | undefined;

/** An HTTP client of the API as one caller; `as(other)` calls as someone else. */
export interface Api {
  get(path: string): Promise<Response>;
  post(path: string, body?: Body, options?: CallOptions): Promise<Response>;
  put(path: string, body?: Body): Promise<Response>;
  patch(path: string, body?: Body, options?: CallOptions): Promise<Response>;
  delete(path: string, options?: CallOptions): Promise<Response>;
  as(session: Session): Api;
  /** The ETag last seen for the record at `path` (its last id), read from the API if none was. */
  etag(path: string): Promise<string>;
  /** Drops what is known of a record's version, e.g. after it was changed behind the API's back. */
  forget(id: string): void;
}

const LAST_ID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?!.*[0-9a-f]{8}-)/i;
/** The record path a path addresses: `/api/v1/follow-ups/<id>/complete` → `/api/v1/follow-ups/<id>`. */
const recordPath = (path: string) => {
  const match = LAST_ID.exec(path.split('?')[0]);
  return match ? path.slice(0, match.index + match[1].length) : undefined;
};
/** What needs `If-Match`: every PATCH and DELETE, marking a follow-up done, a contact's restriction and objection. */
const needsIfMatch = (method: string, path: string) =>
  method === 'patch' ||
  method === 'delete' ||
  /\/(complete|restriction|objection)$/.test(path.split('?')[0]);

/** ETags by record id, shared by every caller of one app: a version is the same for everyone. */
const seen = new WeakMap<TestApp, Map<string, string>>();

/**
 * Sends `If-Match` itself: the ETag it last saw for that record in any answer (GET, POST, PATCH,
 * restore), or, if it saw none, the one a GET as `reader` answers.
 */
export function apiClient(app: TestApp, session: Session, reader: Session = session): Api {
  if (!seen.has(app)) seen.set(app, new Map());
  const etags = seen.get(app)!;

  const remember = (res: Response, path: string) => {
    const id = (res.body as { id?: unknown } | undefined)?.id;
    const etag = res.headers.etag as string | undefined;
    if (etag && typeof id === 'string') etags.set(id, etag);
    else if (res.status === 204) {
      const gone = LAST_ID.exec(path);
      if (gone) etags.delete(gone[1]);
    }
  };

  const etag = async (path: string): Promise<string> => {
    const record = recordPath(path);
    if (!record) throw new Error(`no record id in ${path}`);
    const id = LAST_ID.exec(record)![1];
    if (!etags.has(id)) {
      const res = await app.http.get(record).set(reader.auth);
      remember(res, record);
    }
    return etags.get(id) ?? '';
  };

  const call = async (
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: string,
    body: Body,
    options: CallOptions = {},
  ): Promise<Response> => {
    let req = app.http[method](path).set(session.auth);
    const ifMatch =
      options.ifMatch !== undefined
        ? options.ifMatch
        : needsIfMatch(method, path)
          ? await etag(path)
          : null;
    if (ifMatch) req = req.set('If-Match', ifMatch);
    const res = await (body === undefined ? req : req.send(body));
    remember(res, path);
    return res;
  };

  return {
    get: (path) => call('get', path, undefined),
    post: (path, body, options) => call('post', path, body, options),
    put: (path, body) => call('put', path, body),
    patch: (path, body, options) => call('patch', path, body, options),
    delete: (path, options) => call('delete', path, undefined, options),
    as: (other) => apiClient(app, other, reader),
    etag,
    forget: (id) => etags.delete(id),
  };
}
