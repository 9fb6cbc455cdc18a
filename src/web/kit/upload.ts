import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Multipart, MultipartFile } from '@fastify/multipart';
import { isPageRequest } from './respond';

/** A file a page form sends, not yet read: its bytes flow on to the API as they arrive. */
export interface PageFile {
  /** The form's field it came in (`file`, a card's `front` and `back`). */
  field: string;
  name: string;
  type: string;
  stream: Readable;
}

interface Held {
  file: PageFile;
  rest: AsyncIterator<Multipart>;
  read: boolean;
}

const held = new WeakMap<FastifyRequest, Held>();

/**
 * More fields than a page's upload form has (`_csrf`, `_key`, `kind`) are not read, nor more
 * files than a card's two sides.
 */
const LIMITS = { fields: 20, fieldSize: 10_000, files: 2, parts: 22 };

/**
 * A page form with a file (`multipart/form-data`): before the guard, its fields up to the file
 * become the body, so the CSRF token is checked as on every form; the file itself is held unread
 * until the handler, which the guard lets run only for a valid post, streams it on. A form puts
 * its token before its file; one that does not is refused for a missing token. The file's size
 * is the API's to limit (its 413), as the page hands the file on unchanged.
 */
export function usePageUploads(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => {
    const multipart = request as FastifyRequest & { isMultipart?: () => boolean };
    if (typeof multipart.isMultipart !== 'function' || !multipart.isMultipart()) return;
    if (!isPageRequest(request.url)) return;
    const fields: Record<string, string> = {};
    request.body = fields;
    const rest = request
      .parts({ limits: { ...LIMITS, fileSize: Number.MAX_SAFE_INTEGER } })
      [Symbol.asyncIterator]();
    try {
      for (let next = await rest.next(); !next.done; next = await rest.next()) {
        const part = next.value;
        if (part.type === 'file') {
          const file = part as MultipartFile;
          held.set(request, {
            file: {
              field: file.fieldname,
              name: file.filename,
              type: file.mimetype,
              stream: file.file,
            },
            rest,
            read: false,
          });
          return;
        }
        if (typeof part.value === 'string' && !Object.hasOwn(fields, part.fieldname))
          fields[part.fieldname] = part.value;
      }
    } catch {
      // A malformed or oversized form: the handler finds no file (or the guard no token).
    }
  });
  // A file the handler did not read (the guard refused the post, or the form had no use for it)
  // is read to its end, so the connection can carry the next request.
  fastify.addHook('onResponse', async (request) => {
    const upload = held.get(request);
    if (upload && !upload.read) drain(upload);
  });
}

function drain(upload: Held): void {
  upload.read = true;
  upload.file.stream.resume();
  void (async () => {
    try {
      while (!(await upload.rest.next()).done);
    } catch {
      // The rest of a broken form: nothing to keep.
    }
  })();
}

/** The fields of a page's upload form and its file (undefined when it sent none). */
export function uploadOf(
  request: FastifyRequest,
  body: unknown,
): { fields: Record<string, string>; file?: PageFile } {
  const fields: Record<string, string> = {};
  if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
  const upload = held.get(request);
  if (!upload || upload.read) return { fields };
  // Handed over once; what follows the file is read once the file has been.
  upload.read = true;
  upload.file.stream.once('end', () => drain(upload));
  return { fields, file: upload.file };
}

/**
 * The fields of a page's upload form and its files, in the form's order: each file is handed
 * over once the one before it has been read to its end (the form is one stream).
 */
export function uploadsOf(
  request: FastifyRequest,
  body: unknown,
): { fields: Record<string, string>; files: AsyncIterable<PageFile>; any: boolean } {
  const fields: Record<string, string> = {};
  if (body && typeof body === 'object')
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') fields[k] = v;
  const upload = held.get(request);
  if (!upload || upload.read) return { fields, files: (async function* () {})(), any: false };
  upload.read = true;
  async function* files(held: Held): AsyncGenerator<PageFile> {
    try {
      yield held.file;
      for (let next = await held.rest.next(); !next.done; next = await held.rest.next()) {
        const part = next.value;
        if (part.type !== 'file') continue;
        const file = part as MultipartFile;
        yield {
          field: file.fieldname,
          name: file.filename,
          type: file.mimetype,
          stream: file.file,
        };
      }
    } finally {
      // A consumer that stopped early: the rest is read and dropped.
      drain(held);
    }
  }
  return { fields, files: files(upload), any: true };
}

/**
 * Text fields and files as one multipart form, as a browser sends it, for the API's upload
 * route: each file under its own field, its bytes streamed, never held whole.
 */
export function multipartFiles(
  fields: Record<string, string>,
  files: AsyncIterable<PageFile>,
): { contentType: string; payload: Readable } {
  const boundary = `----LiaisonPage${randomBytes(16).toString('hex')}`;
  const quoted = (text: string) => text.replace(/[\r\n"]/g, (c) => encodeURIComponent(c));
  const head = Object.entries(fields)
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
    )
    .join('');
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(head, 'utf8');
    for await (const file of files) {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.name)}"\r\n` +
          `Content-Type: ${file.type.replace(/[\r\n]/g, '') || 'application/octet-stream'}\r\n\r\n`,
        'utf8',
      );
      for await (const chunk of file.stream) yield chunk as Buffer;
      yield Buffer.from('\r\n', 'utf8');
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'utf8');
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Readable.from(chunks(), { objectMode: false }),
  };
}

/**
 * A multipart form of text fields and one file (`file`), as a browser sends it, for the API's
 * upload route: the file's bytes are streamed, never held whole.
 */
export function multipartBody(
  fields: Record<string, string>,
  file: PageFile,
): { contentType: string; payload: Readable } {
  const boundary = `----LiaisonPage${randomBytes(16).toString('hex')}`;
  const quoted = (text: string) => text.replace(/[\r\n"]/g, (c) => encodeURIComponent(c));
  const head =
    Object.entries(fields)
      .map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
      )
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\n` +
    `Content-Type: ${file.type.replace(/[\r\n]/g, '') || 'application/octet-stream'}\r\n\r\n`;
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(head, 'utf8');
    for await (const chunk of file.stream) yield chunk as Buffer;
    yield Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Readable.from(chunks(), { objectMode: false }),
  };
}
