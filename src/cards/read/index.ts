import { close, ocr } from './ocr';
import { CardFields, CardLine, parseCard } from './parse';

export { close } from './ocr';
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
  const lines: CardLine[] = [];
  const texts: string[] = [];
  for (const [side, image] of images.entries()) {
    const result = await ocr(image);
    texts.push(result.text);
    for (const line of result.lines) lines.push({ ...line, side });
  }
  const fields = parseCard(lines);
  return { fields, text: texts.join('\n\n'), ms: Math.round(performance.now() - started) };
}

/** Stops the OCR worker; for the app's shutdown. */
export const closeCardReader = close;
