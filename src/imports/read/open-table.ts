import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { openCsv } from './csv';
import { ImportFileError, type SourceRow, type SourceTable } from './table';
import { openVcard } from './vcard';
import { openXlsx } from './xlsx';

/** How much of a file is read to tell its format and, for CSV, its delimiter and header row. */
const HEAD_BYTES = 64 * 1024;

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Does the head say vCard? (`BEGIN:VCARD` first, in any of the encodings read.) */
function isVcard(head: Buffer): boolean {
  const text = (
    head[0] === 0xff || head[0] === 0xfe
      ? new TextDecoder(head[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(head.subarray(0, 200))
      : head.subarray(0, 200).toString('latin1')
  )
    .replace(/^(\uFEFF|ï»¿)/, '')
    .trimStart();
  return /^BEGIN:VCARD\b/i.test(text);
}

/**
 * Reads a file from disk by its content (the name's extension is a hint only): an Excel
 * workbook (.xlsx), a vCard file or else CSV. The table is read at once; the rows are read
 * from the file each time they are iterated, one at a time. Problems with the file itself
 * are an ImportFileError, thrown here or, should they show only later, while iterating.
 */
export async function openTable(
  path: string,
  fileName: string,
): Promise<{ table: SourceTable; rows: AsyncIterable<SourceRow> }> {
  const extension = extname(fileName).toLowerCase();
  const file = await open(path, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await file.stat()).size;
    const buffer = Buffer.alloc(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (!head.length) throw new ImportFileError('empty', 'The file is empty.');
  if (head.subarray(0, 4).equals(ZIP)) return openXlsx(path);
  if (head.subarray(0, 8).equals(OLE))
    throw new ImportFileError(
      'format',
      'The file is an old Excel workbook (.xls); save it as .xlsx or as CSV and import that.',
    );
  if (extension === '.xlsx' || extension === '.xlsm' || extension === '.xls')
    throw new ImportFileError(
      'format',
      `The file is named ${extension} but is no Excel workbook; save it again from Excel as .xlsx.`,
    );
  if (isVcard(head)) return openVcard(path);
  return openCsv(path, head, head.length >= size);
}
