import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { Logger, LoggerOptions } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from './config/config';

const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
];

function baseOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logLevel,
    redact: REDACT,
    ...(config.logPretty && {
      transport: { target: 'pino-pretty', options: { singleLine: true } },
    }),
  };
}

/** The process logger, for what happens outside a request (start, migrations, shutdown). */
export const createRootLogger = (config: AppConfig): Logger =>
  pino({ ...baseOptions(config), name: 'liaison' });

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Fastify's request id: the caller's `X-Request-Id` when it is sane, otherwise a new UUID.
 * It is also put on the raw request, where pino-http takes it as the log line's `req.id`.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}

export function pinoOptions(config: AppConfig): Options {
  return {
    ...baseOptions(config),
    name: 'liaison',
    genReqId: (req) => (req as IncomingMessage & { id?: string }).id ?? requestIdFor(req),
    // A defect is an error; a 503 (the database away, shutting down) is not: the outage is logged
    // once (src/database/outage.ts). A client's mistake (4xx) is not ours.
    customLogLevel: (_req, res) =>
      res.statusCode === 503 ? 'warn' : res.statusCode >= 500 ? 'error' : 'info',
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
