import { ocr } from './ocr';
import { CardFields, CardLine, parseCard } from './parse';

export { close, UnreadableImage } from './ocr';
export type { CardFields } from './parse';

/**
 * Reads a business card: each image (front, back) through OCR, then the fields of all its lines
 * together, so a bilingual card gives its Chinese name from one side and its latin one from the
 * other. `text` is what OCR read, side by side; `ms` the time it took.
 */
export async function readCard(
  images: Buffer[],
): Promise<{ fields: CardFields; text: string; ms: number }> {
  const started = performance.now();
  // Side by side: the back's first reading overlaps the front's Chinese one.
  const sides = await Promise.all(images.map((image) => ocr(image)));
  const lines: CardLine[] = sides.flatMap((result, side) =>
    result.lines.map((line) => ({ ...line, side })),
  );
  const fields = parseCard(lines);
  return {
    fields,
    text: sides.map((s) => s.text).join('\n\n'),
    ms: Math.round(performance.now() - started),
  };
}
