import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createWorker, OEM, PSM, Worker } from 'tesseract.js';
import { joinHan } from './parse';

/**
 * Text from a photo of a business card, read in this process with Tesseract (Chinese simplified
 * and English), fully offline: the language data comes from the npm packages
 * `@tesseract.js-data/chi_sim` and `/eng`, nothing is fetched. One worker is started on the
 * first read and kept (starting one takes about a second and loads ~40 MB); reads queue on it.
 */

/** English first: with Chinese first, the engine reports a language it cannot load (harmless but noisy). */
export const LANGUAGES = ['eng', 'chi_sim'] as const;
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
  for (const lang of LANGUAGES) {
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
  /** The height of the line's box in pixels: a card's name is its largest text. */
  height: number;
  /** Top and left of the line's box. */
  top: number;
  left: number;
}

export interface OcrResult {
  text: string;
  lines: OcrLine[];
}

let worker: Promise<Worker> | undefined;

async function startWorker(): Promise<Worker> {
  const langPath = await languageFolder();
  const w = await createWorker([...LANGUAGES], OEM.LSTM_ONLY, {
    langPath,
    gzip: true,
    // Read from langPath every time the worker starts, never written anywhere (the default
    // would write the unpacked data into the working directory).
    cacheMethod: 'none',
  });
  await w.setParameters({
    // Fully automatic layout: a card's text sits in blocks at odd places (two columns, a logo).
    tessedit_pageseg_mode: PSM.AUTO,
    preserve_interword_spaces: '0',
    user_defined_dpi: '300',
  });
  return w;
}

function getWorker(): Promise<Worker> {
  worker ??= startWorker().catch((error: unknown) => {
    worker = undefined;
    throw error;
  });
  return worker;
}

/** The text of one image (PNG, JPEG, WebP, BMP), line by line, Chinese without the spaces. */
export async function ocr(image: Buffer): Promise<OcrResult> {
  const w = await getWorker();
  const { data } = await w.recognize(image, {}, { text: true, blocks: true });
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const text = joinHan(line.text).trim();
        if (!text) continue;
        lines.push({
          text,
          confidence: line.confidence,
          height: line.bbox.y1 - line.bbox.y0,
          top: line.bbox.y0,
          left: line.bbox.x0,
        });
      }
    }
  }
  return { text: lines.map((l) => l.text).join('\n'), lines };
}

/** Stops the worker (at shutdown); a later read starts a new one. */
export async function close(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await (await w.catch(() => undefined))?.terminate();
}
