import { parse as parseForm } from 'node:querystring';
import type { Duplex } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadInput, DomainError, fieldError, TooLarge } from './errors';

/*
 * What a request may hold, checked before anything else reads it: the bytes, depth and fields of
 * a body (by the body parsers below) and the fields of a query string (by the validation pipe).
 */

/** The most bytes a request body may have (Fastify answers 413 beyond). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The most bytes of a refused body read and dropped so that its client can read the 413: beyond,
 * the connection is closed and the client may meet a reset instead.
 */
export const DRAINED_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Fastify closes the connection after any error of a body's parsing, the client may still be
 * sending. For a body over the limit it is: Fastify refuses it from its Content-Length before
 * reading it, and the client meets a reset (EPIPE; a browser shows a network error) instead of the
 * 413. Up to DRAINED_BODY_BYTES declared, the connection stays open instead, and Node reads and
 * drops the rest of the body once the answer is out (a body refused for its shape was read
 * whole). A body without Content-Length still closes, and so does a shutting-down app
 * (ConnectionDrain decides after this, in onSend).
 */
export function keepConnectionAfterBodyError(request: FastifyRequest, reply: FastifyReply): void {
  if (
    reply.getHeader('connection') === 'close' &&
    Number(request.headers['content-length']) <= DRAINED_BODY_BYTES
  )
    void reply.removeHeader('connection');
}

/** How long a connection whose request Node refused reads and drops what the client still sends. */
const DRAIN_MS = 5000;

/**
 * Closes a connection Node's parser refused (its headers too large, malformed) once its answer is
 * out and the client has stopped sending. Closed at once, the bytes the client is still sending (a
 * body) would reset it before the client read the answer; so from here on what arrives is read
 * and dropped (the parser, which would refuse it again, no longer sees it), until the client
 * closes, DRAINED_BODY_BYTES or DRAIN_MS.
 */
export function closeAfterDraining(socket: Duplex): void {
  let bytes = 0;
  const close = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, DRAIN_MS).unref();
  socket.removeAllListeners('data');
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > DRAINED_BODY_BYTES) close();
  });
  socket.once('end', close);
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}

/**
 * How deep objects and arrays may nest in a body. The deepest the API takes is 3 (a trip's
 * `destinations.0.country`).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * How many fields a body or a query string may hold: keys and array elements, all levels
 * together (in a form or a query, the name=value pairs). The largest body the API takes has about
 * 520: an appointment with 500 attendees, a contact log with 200 contact ids and 20 new contacts.
 */
export const MAX_FIELDS = 2000;

const tooDeep = () =>
  BadInput.field(
    'body',
    'tooDeep',
    `body must not nest objects and arrays more than ${MAX_BODY_DEPTH} levels deep`,
  );

const tooManyFields = (where: 'body' | 'query') =>
  new TooLarge(
    where === 'body' ? 413 : 414,
    `The request ${where === 'body' ? 'body' : 'query string'} holds more than ${MAX_FIELDS} fields (keys and array elements).`,
    [
      fieldError(
        where,
        'tooManyFields',
        `${where} must hold at most ${MAX_FIELDS} fields (keys and array elements)`,
      ),
    ],
  );

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The depth and field count of a JSON text, read off its bytes before it is parsed and given up
 * as soon as a limit is passed: parsing alone takes 100 ms for 1 MiB of `[[[[…`, and the DTOs'
 * transform grows with the square of the fields (5 s for 96,000). A body that is not JSON is
 * left to the parser. Keys are counted at their colon, array elements at their start.
 */
export function jsonShapeProblem(raw: Buffer): DomainError | undefined {
  const inArray: boolean[] = [];
  let firstElement = false;
  let fields = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (isSpace(c)) continue;
    const arrayOpen = inArray.length > 0 && inArray[inArray.length - 1];
    if (firstElement && c !== CLOSE_ARRAY) fields++;
    firstElement = false;
    if (c === QUOTE) {
      // To the closing quote: one not preceded by an odd number of backslashes.
      for (let end = raw.indexOf(QUOTE, i + 1); ; end = raw.indexOf(QUOTE, end + 1)) {
        if (end < 0) return undefined;
        let backslashes = 0;
        while (raw[end - 1 - backslashes] === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) {
          i = end;
          break;
        }
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      inArray.push(c === OPEN_ARRAY);
      if (inArray.length > MAX_BODY_DEPTH) return tooDeep();
      firstElement = c === OPEN_ARRAY;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      inArray.pop();
    } else if (c === COLON || (c === COMMA && arrayOpen)) {
      fields++;
    }
    if (fields > MAX_FIELDS) return tooManyFields('body');
  }
  return undefined;
}

/**
 * The fields of a query string as Fastify parsed it (a name given twice is an array): the DTOs'
 * transform costs 50 ms for the 4,000 names that fit in a URL.
 */
export function queryShapeProblem(query: unknown): DomainError | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  let fields = 0;
  for (const value of Object.values(query)) fields += Array.isArray(value) ? value.length : 1;
  return fields > MAX_FIELDS ? tooManyFields('query') : undefined;
}

/** The name=value pairs of a form body, counted before it is parsed. */
export function formShapeProblem(raw: Buffer): DomainError | undefined {
  const AMPERSAND = 0x26;
  let fields = 0;
  let inPair = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === AMPERSAND) inPair = false;
    else if (!inPair) {
      inPair = true;
      if (++fields > MAX_FIELDS) return tooManyFields('body');
    }
  }
  return undefined;
}

type Done = (error: Error | null, body?: unknown) => void;

/**
 * The parsers of the two kinds of body the app reads, in place of the adapter's: JSON (the API)
 * and forms (the web pages). Each checks the body's shape before parsing it; `__proto__` and
 * `constructor.prototype` are refused as before (they would replace an object's prototype when
 * copied), the rest of the rule on keys is the validation pipe's.
 */
export function useBodyParsers(app: NestFastifyApplication): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const options = { bodyLimit: BODY_LIMIT_BYTES };

  app.useBodyParser('application/json', options, (request, raw: Buffer, done: Done) => {
    const problem = jsonShapeProblem(raw);
    if (problem) return done(problem);
    parseJson(request as FastifyRequest, raw.toString('utf8'), done);
  });

  app.useBodyParser(
    'application/x-www-form-urlencoded',
    options,
    (_request, raw: Buffer, done: Done) => {
      const problem = formShapeProblem(raw);
      if (problem) return done(problem);
      const form = parseForm(raw.toString('utf8'), '&', '=', { maxKeys: 0 });
      if (Object.hasOwn(form, '__proto__'))
        return done(BadInput.field('__proto__', 'unknown', 'property __proto__ should not exist'));
      done(null, form);
    },
  );
}

/** The routes that take a file (`multipart/form-data`): method and path as Fastify routes them. */
export const UPLOAD_ROUTES = new Set([
  'POST /api/v1/imports',
  // The import wizard's upload form, which hands the file on to the route above.
  'POST /imports',
  // A business card's photos (front, back) and the scan page's form that hands them on.
  'POST /api/v1/card-scans',
  'POST /scan',
]);

/**
 * Files: `multipart/form-data`, read by @fastify/multipart as a stream (the route sets its own
 * size limit), only on UPLOAD_ROUTES; anywhere else it is refused as before, 415, so no other
 * route is handed a body it did not parse. JSON and forms keep their parsers and limits above.
 */
export async function useUploads(app: NestFastifyApplication): Promise<void> {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  await app.register(fastifyMultipart as never, {
    limits: { files: 1, fields: 10, parts: 12 },
    // A file over its route's limit is cut and flagged (`truncated`), the rest read and dropped.
    throwFileSizeLimit: false,
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (request.isMultipart() && !UPLOAD_ROUTES.has(route))
      return done(
        Object.assign(new Error('Unsupported Media Type'), {
          statusCode: 415,
          code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        }),
      );
    done();
  });
}
