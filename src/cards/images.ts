/**
 * The photos of a card: which kinds are taken, told by their first bytes (what a browser or
 * client declares is not trusted), and how large one may be. Pure, no Nest.
 */

export const CARD_SIDES = ['front', 'back'] as const;
export type CardSide = (typeof CARD_SIDES)[number];

export const CARD_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type CardMediaType = (typeof CARD_MEDIA_TYPES)[number];

/** A phone's photo of a card is 1–4 MiB; more is not a photo of a card. */
export const CARD_MAX_BYTES = 5 * 1024 * 1024;

/** The kind of image the bytes are, by their signature; null for anything else. */
export function cardMediaType(bytes: Buffer): CardMediaType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}
