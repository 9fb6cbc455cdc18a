import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { asPageCall, PAGE_CALL_HEADER } from '../../auth/page-calls';
import { WebUser } from '../../auth/browser-session';

const KEY_IN_USE_WAIT_MS = 10_000;
const keyInUse = (response: { statusCode: number; body: string }) =>
  response.statusCode === 409 && response.body.includes('/problems/idempotency-key-in-use');

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface ApiProblem {
  status: number;
  detail: string;
  errors?: { field: string; message: string; code?: string }[];
}

/**
 * The pages are a client of the HTTP API, called in-process: the same validation, scope, audit
 * and concurrency rules apply to a click as to an API call, and the API stays the one contract.
 * The call acts as the user whose browser session the page request has just checked (a ticket
 * of src/auth/page-calls.ts), so revoking the session ends both at once.
 */
@Injectable()
export class WebApi {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async call<T>(
    user: WebUser,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options: {
      body?: unknown;
      ifMatch?: number;
      requestId?: string;
      idempotencyKey?: string;
      /** A body sent as it is (an upload's multipart form) instead of `body` as JSON. */
      raw?: { contentType: string; payload: Buffer | Readable };
      /** More request headers (the browser's site, for passkeys). */
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiAnswer<T>> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    if (options.requestId) headers['x-request-id'] = options.requestId;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.raw) headers['content-type'] = options.raw.contentType;
    const send = () =>
      asPageCall(user, (ticket) =>
        fastify.inject({
          method,
          url,
          headers: { ...headers, [PAGE_CALL_HEADER]: ticket },
          ...(options.body !== undefined && { payload: options.body as object }),
          ...(options.raw && { payload: options.raw.payload }),
        }),
      );
    let response = await send();
    // A double submit: the first post of the form is still running; its answer is this one's.
    for (let waited = 0; keyInUse(response) && waited < KEY_IN_USE_WAIT_MS; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await send();
    }
    const text = response.body;
    const json = /json/.test(String(response.headers['content-type'] ?? ''));
    return {
      status: response.statusCode,
      // Downloads (a calendar, a CSV) come back as their text.
      body: (text ? (json ? JSON.parse(text) : text) : undefined) as T,
      headers: response.headers,
    };
  }

  /** GET that must succeed; anything else is thrown as the API's own error status. */
  async get<T>(user: WebUser, url: string): Promise<T> {
    const answer = await this.call<T>(user, 'GET', url);
    if (answer.status >= 400) throw new ApiError(answer as unknown as ApiAnswer<ApiProblem>);
    return answer.body;
  }
}

export class ApiError extends Error {
  constructor(readonly answer: ApiAnswer<ApiProblem>) {
    super(answer.body?.detail ?? `API answered ${answer.status}`);
  }
  get status(): number {
    return this.answer.status;
  }
}
