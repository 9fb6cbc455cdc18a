import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { BadInput, DomainError, fieldError, TooLarge } from '../common/errors';
import { IMPORT_KINDS } from './imports.dto';
import type { ImportKind } from './read';

/** A file received for an import, kept in a directory of its own until `discard()`. */
export interface Upload {
  kind: ImportKind;
  fileName: string;
  path: string;
  discard: () => Promise<void>;
}

/** A directory of its own in the system's temporary directory, removed by the returned function. */
export async function scratchFile(
  name: string,
): Promise<{ path: string; discard: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'liaison-import-'));
  return { path: join(dir, name), discard: () => rm(dir, { recursive: true, force: true }) };
}

const MEBIBYTE = 1024 * 1024;
const sizeText = (bytes: number) =>
  bytes >= MEBIBYTE ? `${Math.round((bytes / MEBIBYTE) * 10) / 10} MiB` : `${bytes} bytes`;

/** A name safe to keep and show: the last part of a path, without control characters. */
const cleanFileName = (name: string | undefined): string =>
  (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 255) || 'import';

/**
 * Reads `multipart/form-data` with the fields `kind` and `file` (in any order): the file goes to
 * a temporary file as it arrives, never whole into memory. @fastify/multipart cuts a file at
 * `fileSize` without an error (`truncated`), so a file over the limit is read to its end and
 * then refused with 413 naming `file`. Anything that is not such a form is a 400 naming the field.
 */
export async function receiveUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!request.isMultipart())
    throw BadInput.field('file', 'required', 'send the file as multipart/form-data with kind');
  let kind: string | undefined;
  let upload: (Upload & { truncated: boolean }) | undefined;
  let scratch: { path: string; discard: () => Promise<void> } | undefined;
  try {
    for await (const part of request.parts({
      limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1000, parts: 12 },
    })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload) {
          part.file.resume();
          continue;
        }
        const fileName = cleanFileName(part.filename);
        scratch = await scratchFile('upload');
        await pipeline(part.file, createWriteStream(scratch.path));
        upload = {
          kind: 'contact',
          fileName,
          path: scratch.path,
          discard: scratch.discard,
          truncated: part.file.truncated,
        };
      } else if (part.fieldname === 'kind' && typeof part.value === 'string') {
        kind = part.value.trim();
      }
    }
  } catch (error) {
    await scratch?.discard();
    if (error instanceof DomainError) throw error;
    throw BadInput.field('file', 'malformed', 'the upload is not a readable multipart/form-data');
  }
  const errors = [];
  if (!upload) errors.push(fieldError('file', 'required', 'file is required'));
  if (kind === undefined) errors.push(fieldError('kind', 'required', 'kind is required'));
  else if (!(IMPORT_KINDS as readonly string[]).includes(kind))
    errors.push({
      field: 'kind',
      code: 'isIn',
      message: `kind must be one of ${IMPORT_KINDS.join(', ')}`,
    });
  if (upload?.truncated) {
    await upload.discard();
    throw new TooLarge(413, `The file is larger than the limit of ${sizeText(maxBytes)}.`, [
      fieldError('file', 'maxSize', `file must be at most ${sizeText(maxBytes)}`),
    ]);
  }
  if (errors.length) {
    await upload?.discard();
    throw new BadInput(errors);
  }
  return { ...upload!, kind: kind as ImportKind };
}
