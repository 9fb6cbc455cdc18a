import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createWorker, Line, OEM, PSM, Word, Worker } from 'tesseract.js';
import { joinHan } from './parse';

/**
 * Text from a photo of a business card, read in this process with Tesseract, fully offline: the
 * language data comes from the npm packages `@tesseract.js-data/chi_sim` and `/eng`, nothing is
 * fetched. Two readers, each started on its first use and kept (a start takes a second or two):
 * English first then Chinese, which reads e-mails, web addresses and ids well but a large
 * Chinese name as latin garbage; and Chinese alone, which reads Chinese well but puts stray
 * letters into e-mails (`nana@` as `nanaQ@`). A side with Chinese on it is read by both and each
 * line taken from the one that reads its kind of text better. Reads queue on the readers.
 */

/** The integer "best" models: as accurate on cards as the float ones, a fifth of the size, faster. */
const MODEL = '4.0.0_best_int';

/**
 * Tesseract reads every language from one folder, while npm puts each in its own package; the
 * files are copied once into a folder of their own under the system's temporary directory (node_modules
 * may be read-only, as in the image, and is never written to). The folder's name carries the
 * model, so a newer model never reads an older copy.
 */
async function languageFolder(): Promise<string> {
  const folder = join(tmpdir(), `liaison-tessdata-${MODEL}`);
  await mkdir(folder, { recursive: true });
  for (const lang of ['chi_sim', 'eng']) {
    const name = `${lang}.traineddata.gz`;
    const source = join(
      dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)),
      MODEL,
      name,
    );
    const target = join(folder, name);
    const [from, to] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
    if (to?.size === from.size) continue;
    // Copied under a name of its own, then renamed: a second process never reads half a file.
    const partial = `${target}.${process.pid}.${Date.now()}`;
    await copyFile(source, partial);
    await rename(partial, target);
  }
  return folder;
}

export interface OcrLine {
  text: string;
  /** Tesseract's confidence, 0–100. */
  confidence: number;
  /** The line's box in pixels: a card's name is its largest text. */
  top: number;
  left: number;
  height: number;
  width: number;
}

export interface OcrResult {
  text: string;
  lines: OcrLine[];
}

/**
 * The two readers. English must come first where both are loaded: with Chinese first, the
 * engine reports a language it cannot load (harmless, but noise in the log).
 */
const READERS = { latin: 'eng+chi_sim', han: 'chi_sim' } as const;
type Reader = keyof typeof READERS;
const workers: Partial<Record<Reader, Promise<Worker>>> = {};

async function startWorker(reader: Reader): Promise<Worker> {
  const langPath = await languageFolder();
  const w = await createWorker(READERS[reader], OEM.LSTM_ONLY, {
    langPath,
    gzip: true,
    // Read from langPath every time the worker starts, never written anywhere (the default
    // would write the unpacked data into the working directory).
    cacheMethod: 'none',
    // Without a handler, a job's failure (an image it cannot read) is thrown where no one can
    // catch it and ends the process; the job's promise is rejected either way.
    errorHandler: () => undefined,
  });
  await w.setParameters({
    // Fully automatic layout: a card's text sits in blocks at odd places (two columns, a logo).
    tessedit_pageseg_mode: PSM.AUTO,
    user_defined_dpi: '300',
    // Tesseract's notes ("Detected 47 diacritics") would go to the app's log, one per photo.
    debug_file: '/dev/null',
  });
  return w;
}

function worker(reader: Reader): Promise<Worker> {
  workers[reader] ??= startWorker(reader).catch((error: unknown) => {
    delete workers[reader];
    throw error;
  });
  return workers[reader];
}

/**
 * A line as Tesseract found it may run across two columns of the card (the name on the left, a
 * phone on the right, on one baseline): split where the gap between two words is wider than
 * the line is high, far more than a space.
 */
function columns(line: Line): OcrLine[] {
  const out: OcrLine[] = [];
  const height = line.bbox.y1 - line.bbox.y0;
  let words: Word[] = [];
  const flush = () => {
    const text = joinHan(words.map((w) => w.text).join(' ')).trim();
    if (text) {
      out.push({
        text,
        confidence: words.reduce((sum, w) => sum + w.confidence, 0) / words.length,
        height: Math.max(...words.map((w) => w.bbox.y1 - w.bbox.y0)),
        top: Math.min(...words.map((w) => w.bbox.y0)),
        left: words[0].bbox.x0,
        width: words.at(-1)!.bbox.x1 - words[0].bbox.x0,
      });
    }
    words = [];
  };
  for (const word of line.words) {
    const previous = words.at(-1);
    if (previous && word.bbox.x0 - previous.bbox.x1 > height * 1.2) flush();
    words.push(word);
  }
  flush();
  return out;
}

async function read(reader: Reader, image: Buffer): Promise<OcrLine[]> {
  const { data } = await (await worker(reader)).recognize(image, {}, { blocks: true }).catch(() => {
    throw new UnreadableImage();
  });
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) lines.push(...columns(line));
    }
  }
  return lines;
}

const HAN = /\p{Script=Han}/u;
const HAN_ALL = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z]{3,}/;

/** How much of line a's box b covers. */
function overlap(a: OcrLine, b: OcrLine): number {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? (w * h) / (a.width * a.height) : 0;
}

/**
 * Each line of the latin reading, or the Chinese reading of the same place where that is Chinese
 * only (a name, a position, an organisation): there the latin reader is the weaker. Lines with
 * latin words (e-mails, ids, a company's latin name) stay as the latin reader read them.
 */
function merge(latin: OcrLine[], han: OcrLine[]): OcrLine[] {
  const used = new Set<OcrLine>();
  const lines = latin.map((line) => {
    let best: OcrLine | undefined;
    let bestOverlap = 0.5;
    for (const other of han) {
      const o = Math.min(overlap(line, other), overlap(other, line));
      if (o > bestOverlap) [best, bestOverlap] = [other, o];
    }
    if (!best) return line;
    used.add(best);
    const hanChars = best.text.match(HAN_ALL)?.length ?? 0;
    const latinHan = line.text.match(HAN_ALL)?.length ?? 0;
    return hanChars >= 2 && hanChars >= latinHan && !LATIN_WORD.test(best.text) ? best : line;
  });
  // What only the Chinese reader saw at all.
  for (const other of han) {
    if (used.has(other) || !HAN.test(other.text) || LATIN_WORD.test(other.text)) continue;
    if (latin.some((line) => overlap(other, line) > 0.3)) continue;
    lines.push(other);
  }
  return lines;
}

let hanReader: Promise<unknown> = Promise.resolve();

/**
 * One side at a time on the Chinese reader: its re-reading switches the page layout mode, which
 * another side's page must not be read in. (The latin reader reads the next side meanwhile.)
 */
function withHanReader<T>(task: () => Promise<T>): Promise<T> {
  const run = hanReader.then(task, task);
  hanReader = run.catch(() => undefined);
  return run;
}

/**
 * The largest text on a Chinese side, most often the name, is what both readers read worst in
 * the whole page's layout (a large character falls apart into pieces). Read again on its own, as
 * one block, by the Chinese reader: taken where that gives Chinese.
 */
async function rereadLargest(image: Buffer, lines: OcrLine[]): Promise<OcrLine[]> {
  const heights = lines.map((l) => l.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0;
  const largest = [...lines]
    .sort((a, b) => b.height - a.height)
    .slice(0, 2)
    .filter((l) => l.height >= median * 1.3 && !LATIN_WORD.test(l.text));
  if (!largest.length) return lines;
  const w = await worker('han');
  await w.setParameters({ tessedit_pageseg_mode: PSM.SINGLE_BLOCK });
  try {
    const replaced = new Map<OcrLine, OcrLine>();
    for (const line of largest) {
      const pad = Math.round(line.height * 0.3);
      const { data } = await w.recognize(
        image,
        {
          rectangle: {
            left: Math.max(0, line.left - pad),
            top: Math.max(0, line.top - pad),
            width: line.width + 2 * pad,
            height: line.height + 2 * pad,
          },
        },
        { blocks: true },
      );
      const first = data.blocks?.[0]?.paragraphs[0]?.lines[0];
      const text = first ? joinHan(first.text).trim() : '';
      const han = text.match(HAN_ALL)?.length ?? 0;
      if (han < 2 || han < (line.text.match(HAN_ALL)?.length ?? 0)) continue;
      if (HAN.test(line.text) && first!.confidence < line.confidence) continue;
      replaced.set(line, { ...line, text, confidence: first!.confidence });
    }
    return lines.map((l) => replaced.get(l) ?? l);
  } finally {
    await w.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
  }
}

/** Not a photo OCR can read: not PNG, JPEG, WebP, GIF, BMP or TIFF, or broken. */
export class UnreadableImage extends Error {
  constructor() {
    super('not an image that can be read (PNG, JPEG, WebP, GIF, BMP or TIFF)');
  }
}

const SIGNATURES = [
  [0x89, 0x50, 0x4e, 0x47],
  [0xff, 0xd8, 0xff],
  [0x47, 0x49, 0x46, 0x38],
  [0x42, 0x4d],
  [0x49, 0x49, 0x2a, 0x00],
  [0x4d, 0x4d, 0x00, 0x2a],
];
const isImage = (image: Buffer) =>
  SIGNATURES.some((signature) => signature.every((byte, i) => image[i] === byte)) ||
  (image.subarray(0, 4).toString('latin1') === 'RIFF' &&
    image.subarray(8, 12).toString('latin1') === 'WEBP');

/** The text of one image (PNG, JPEG, WebP, BMP), line by line, Chinese without the spaces. */
export async function ocr(image: Buffer): Promise<OcrResult> {
  if (!isImage(image)) throw new UnreadableImage();
  let lines = await read('latin', image);
  const hanChars = lines.reduce((n, l) => n + (l.text.match(HAN_ALL)?.length ?? 0), 0);
  if (hanChars >= 4) {
    const latin = lines;
    lines = await withHanReader(async () =>
      rereadLargest(image, merge(latin, await read('han', image))),
    );
  }
  return { text: lines.map((l) => l.text).join('\n'), lines };
}

/** Stops the readers (at shutdown); a later read starts them again. */
export async function close(): Promise<void> {
  const started = Object.values(workers);
  for (const key of Object.keys(workers) as Reader[]) delete workers[key];
  await Promise.all(started.map(async (w) => (await w.catch(() => undefined))?.terminate()));
}
