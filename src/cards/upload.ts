import type { FastifyRequest } from 'fastify';
import { BadInput, DomainError, FieldError, fieldError, TooLarge } from '../common/errors';
import { CARD_SIDES, cardMediaType, type CardMediaType, type CardSide } from './images';

/** A photo of one side of a card, checked: its bytes and the kind they are. */
export interface CardImage {
  bytes: Buffer;
  type: CardMediaType;
}

const MEBIBYTE = 1024 * 1024;

/**
 * Reads `multipart/form-data` with the files `front` (required) and `back` (optional), each into
 * memory up to `maxBytes` (a photo of a card is small, and it is kept as bytea anyway).
 * @fastify/multipart cuts a file at `fileSize` without an error (`truncated`), so a side over the
 * limit is read to its end and refused with 413 naming its field; a side that is not a JPEG, PNG
 * or WebP by its first bytes is a 400 naming its field, whatever type it was declared as.
 */
export async function receiveCardImages(
  request: FastifyRequest,
  maxBytes: number,
): Promise<{ front: CardImage; back: CardImage | null }> {
  if (!request.isMultipart())
    throw BadInput.field('front', 'required', 'send the photos as multipart/form-data');
  const read = new Map<CardSide, { bytes: Buffer; truncated: boolean }>();
  try {
    for await (const part of request.parts({
      limits: { fileSize: maxBytes, files: 2, fields: 10, fieldSize: 1000, parts: 12 },
    })) {
      if (part.type !== 'file') continue;
      const side = part.fieldname as CardSide;
      if (!(CARD_SIDES as readonly string[]).includes(side) || read.has(side)) {
        part.file.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      read.set(side, { bytes: Buffer.concat(chunks), truncated: part.file.truncated });
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw BadInput.field('front', 'malformed', 'the upload is not a readable multipart/form-data');
  }
  const tooLarge = CARD_SIDES.filter((side) => read.get(side)?.truncated);
  if (tooLarge.length)
    throw new TooLarge(
      413,
      `A photo is larger than the limit of ${maxBytes / MEBIBYTE} MiB.`,
      tooLarge.map((side) =>
        fieldError(side, 'maxSize', `${side} must be at most ${maxBytes / MEBIBYTE} MiB`),
      ),
    );
  const errors: FieldError[] = [];
  const images: Partial<Record<CardSide, CardImage>> = {};
  for (const side of CARD_SIDES) {
    const file = read.get(side);
    if (!file || file.bytes.length === 0) {
      if (side === 'front') errors.push(fieldError('front', 'required', 'front is required'));
      continue;
    }
    const type = cardMediaType(file.bytes);
    if (type) images[side] = { bytes: file.bytes, type };
    else
      errors.push({
        field: side,
        code: 'imageType',
        message: `${side} must be a JPEG, PNG or WebP image`,
      });
  }
  if (errors.length) throw new BadInput(errors);
  return { front: images.front!, back: images.back ?? null };
}
