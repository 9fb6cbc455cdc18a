import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ImportFileError,
  mapRow,
  openTable,
  suggestMapping,
  type SourceRow,
  type SourceTable,
} from './index';

const fixture = (name: string) => join(__dirname, '../../../test/fixtures/imports', name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'liaison-import-read-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
/** A file of these bytes (a string is written as UTF-8) in the temporary folder. */
async function file(content: string | Buffer, name = 'contacts.csv'): Promise<string> {
  const path = join(dir, `${++files}-${name}`);
  await writeFile(path, content);
  return path;
}

async function read(path: string, name = path): Promise<{ table: SourceTable; rows: SourceRow[] }> {
  const { table, rows } = await openTable(path, name);
  const all: SourceRow[] = [];
  for await (const row of rows) all.push(row);
  return { table, rows: all };
}

/** The ImportFileError that reading the file ends with. */
async function failure(path: string, name = path): Promise<ImportFileError> {
  try {
    await read(path, name);
  } catch (error) {
    if (error instanceof ImportFileError) return error;
    throw error;
  }
  throw new Error('the file was read without an error');
}

const cellOf = (table: SourceTable, row: SourceRow, header: string) =>
  row.cells[table.headers.indexOf(header)];

describe("Outlook's German CSV export (Windows-1252, ;)", () => {
  it('is read with its encoding, delimiter, header and the lines rows start on', async () => {
    const { table, rows } = await read(fixture('outlook-de.csv'));
    expect(table).toMatchObject({
      format: 'csv',
      encoding: 'windows-1252',
      delimiter: ';',
      headerRow: 1,
    });
    expect(table.headers).toHaveLength(92);
    expect(table.headers.slice(0, 8)).toEqual([
      'Anrede',
      'Vorname',
      'Weitere Vornamen',
      'Nachname',
      'Suffix',
      'Firma',
      'Abteilung',
      'Position',
    ]);
    expect(table.headers).toContain('Straße geschäftlich');
    expect(table.headers).toContain('E-Mail 2: Adresse');
    // the first contact's note holds a line break: the next contact starts on line 4
    expect(rows.map((row) => row.row)).toEqual([2, 4, 5, 6]);
    expect(rows.every((row) => row.cells.length === 92)).toBe(true);
    const [mueller, wang, weiss] = rows;
    expect(cellOf(table, mueller, 'Vorname')).toBe('Jürgen');
    expect(cellOf(table, mueller, 'Nachname')).toBe('Müller');
    expect(cellOf(table, mueller, 'Notizen')).toBe(
      'Messe Hannover 2026: Interesse an "Kooperation" mit Suzhou.\nBudget rund 50.000 € für die Delegationsreise.',
    );
    expect(cellOf(table, wang, 'Ort geschäftlich')).toBe('Peking');
    expect(cellOf(table, weiss, 'Firma')).toBe('Köhler & Söhne GmbH');
    expect(cellOf(table, weiss, 'Nachname')).toBe('Weiß');
  });

  it('maps to contacts: mobile phone first, the second address and the business phone extra', async () => {
    const { table, rows } = await read(fixture('outlook-de.csv'));
    const mapping = suggestMapping('contact', table.headers);
    const { values, extra } = mapRow(mapping, table.headers, rows[0].cells);
    expect(values).toEqual({
      salutation: 'Herr',
      givenName: 'Jürgen',
      familyName: 'Müller',
      organisation: 'DOVO Stahlwaren',
      position: 'Geschäftsführer',
      email: 'j.mueller@dovo.example.de',
      phone: '0171 1234567',
      city: 'Solingen',
      country: 'DE',
      tags: 'Messe, VIP',
      notes:
        'Messe Hannover 2026: Interesse an "Kooperation" mit Suzhou.\nBudget rund 50.000 € für die Delegationsreise.',
    });
    expect(extra).toEqual([
      { header: 'Telefon geschäftlich', value: '+49 212 2260' },
      { header: 'E-Mail 2: Adresse', value: 'juergen.mueller@web.example.de' },
    ]);
    expect(mapRow(mapping, table.headers, rows[3].cells).values).toMatchObject({
      givenName: 'Chloé',
      city: 'Shanghai',
      country: 'CN',
      phone: '+86 21 5555 0101',
      languages: 'fr',
    });
  });
});

describe("Google Contacts' CSV export (UTF-8, ,)", () => {
  it('is read with a quoted line break and Chinese names', async () => {
    const { table, rows } = await read(fixture('google-contacts.csv'));
    expect(table).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      headerRow: 1,
    });
    expect(table.headers.slice(0, 3)).toEqual(['First Name', 'Middle Name', 'Last Name']);
    expect(table.windows1252Lines).toBeUndefined();
    // Li Wei's note and address take three lines each (on the same lines), so Chen Jing is on 6
    expect(rows.map((row) => row.row)).toEqual([2, 6, 7, 8]);
    expect(cellOf(table, rows[0], 'Last Name')).toBe('李');
    expect(cellOf(table, rows[0], 'Organization Name')).toBe('苏州工业园区管委会');
    expect(cellOf(table, rows[2], 'First Name')).toBe('Jürgen');
  });

  it('maps a Chinese name to the native name with its pinyin, and the labels to tags', async () => {
    const { table, rows } = await read(fixture('google-contacts.csv'));
    const mapping = suggestMapping('contact', table.headers);
    const li = mapRow(mapping, table.headers, rows[0].cells);
    expect(li.values).toMatchObject({
      nativeName: '李伟',
      familyName: 'Li',
      givenName: 'Wei',
      organisation: '苏州工业园区管委会',
      position: '招商局副局长',
      email: 'li.wei@sip.example.cn',
      phone: '+86 139 8765 4321',
      city: 'Suzhou',
      country: 'CN',
      tags: 'Delegation 2026',
    });
    expect(li.extra).toEqual([
      { header: 'E-mail 2 - Value', value: 'liwei1980@qq.example.com' },
      { header: 'Phone 2 - Value', value: '+86 512 6688 1234' },
    ]);
    expect(mapRow(mapping, table.headers, rows[1].cells).values).toMatchObject({
      salutation: 'Ms.',
      tags: 'Delegation 2026, Peking',
      notes: 'Said "call me Jing", prefers WeChat',
    });
    // only Google's own label: no tags
    expect(mapRow(mapping, table.headers, rows[3].cells).values.tags).toBeUndefined();
  });
});

describe('an Excel sheet', () => {
  it('is read from its header in row 3, with dates, numbers, links, rich text and formulas as text', async () => {
    const { table, rows } = await read(fixture('sheet.xlsx'));
    expect(table).toEqual({
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      headerRow: 3,
      headers: [
        'Name',
        'Chinesischer Name',
        'Firma',
        'Funktion',
        'E-Mail',
        'Telefon',
        'Handy',
        'WeChat',
        'Stadt',
        'Land',
        'Erstkontakt',
        'Mitarbeiter',
        'Website',
        'Notizen',
        'Punkte',
      ],
    });
    // row 6 is empty
    expect(rows.map((row) => row.row)).toEqual([4, 5, 7]);
    expect(rows[0].cells).toEqual([
      'Wang Fang',
      '王芳',
      'Zhongguancun Science Park',
      'Leiterin Internationale Kooperation',
      'wang.fang@zgc.example.cn',
      '+86 10 1234 5678',
      '8613812345678',
      'wangfang_zgc',
      'Peking',
      'China',
      '2026-10-20',
      '1200',
      'zgc.example.cn',
      'Traf uns in Peking auf der Messe',
      '12',
    ]);
    expect(cellOf(table, rows[1], 'Mitarbeiter')).toBe('0.5');
    expect(cellOf(table, rows[1], 'Notizen')).toBe('Größenangabe in €');
    expect(cellOf(table, rows[2], 'Mitarbeiter')).toBe('12345678901234567000');
    expect(rows[2].cells).toHaveLength(15);
  });

  it('maps the Chinese name to its pinyin and prefers the mobile phone', async () => {
    const { table, rows } = await read(fixture('sheet.xlsx'));
    const mapping = suggestMapping('contact', table.headers);
    expect(mapping).toEqual([
      'fullName',
      'nativeName',
      'organisation',
      'position',
      'email',
      'phone',
      'phone',
      'wechatId',
      'city',
      'country',
      null,
      null,
      null,
      'notes',
      null,
    ]);
    const wang = mapRow(mapping, table.headers, rows[0].cells);
    expect(wang.values).toMatchObject({
      nativeName: '王芳',
      familyName: 'Wang',
      givenName: 'Fang',
      phone: '8613812345678',
      country: 'CN',
    });
    expect(wang.extra).toEqual([{ header: 'Telefon', value: '+86 10 1234 5678' }]);
    expect(mapRow(mapping, table.headers, rows[1].cells).values).toMatchObject({
      givenName: 'Jürgen',
      familyName: 'Müller',
      country: 'DE',
    });
    expect(mapRow(mapping, table.headers, rows[2].cells).values).toMatchObject({
      nativeName: '李伟',
      familyName: 'Li',
      givenName: 'Wei',
      organisation: '苏州工业园区',
    });
  });

  it('named .xlsx but not one, or an old .xls, is a format error', async () => {
    expect((await failure(await file('a;b\n1;2\n', 'contacts.xlsx'), 'contacts.xlsx')).code).toBe(
      'format',
    );
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(600),
    ]);
    expect((await failure(await file(ole, 'contacts.xls'))).code).toBe('format');
    // a zip that is no workbook
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 1)]);
    expect((await failure(await file(zip, 'contacts.xlsx'))).code).toBe('format');
  });
});

describe('a vCard file', () => {
  it("reads an iPhone's export, one row per card, with the contact's fields as headers", async () => {
    const { table, rows } = await read(fixture('phone.vcf'));
    expect(table).toMatchObject({ format: 'vcard', delimiter: null, encoding: 'utf-8' });
    expect(rows.map((row) => row.row)).toEqual([1, 2, 3]);
    const mapping = suggestMapping('contact', table.headers);
    expect(mapping).not.toContain(null);
    const [mueller, li, chen] = rows.map((row) => mapRow(mapping, table.headers, row.cells));
    expect(mueller.values).toEqual({
      salutation: 'Dr.',
      familyName: 'Müller',
      givenName: 'Jürgen',
      organisation: 'DOVO Stahlwaren',
      position: 'Geschäftsführer',
      email: 'j.mueller@dovo.example.de',
      phone: '0171 1234567',
      city: 'Solingen',
      country: 'DE',
      notes: 'Messe Hannover 2026, Stand B12.\nRückruf im Januar.',
    });
    expect(mueller.extra).toEqual([
      { header: 'Phone 2', value: '0212 2260' },
      { header: 'Email 2', value: 'juergen@mueller.example.de' },
    ]);
    expect(li.values).toEqual({
      familyName: 'Li',
      givenName: 'Wei',
      nativeName: '李伟',
      organisation: '苏州工业园区管委会',
      position: '招商局副局长',
      email: 'li.wei@sip.example.cn',
      phone: '+86 139 8765 4321',
      wechatId: 'liwei_sip',
      city: '苏州',
      country: 'CN',
    });
    expect(li.extra.map((e) => e.value)).toEqual([
      '+86 512 6688 1234',
      '+86 512 6688 0000',
      'liwei1980@qq.example.com',
    ]);
    expect(chen.values).toMatchObject({
      salutation: 'Ms.',
      familyName: 'Chen',
      givenName: 'Jing',
      // the mobile phone comes first, though the work phone is marked preferred
      phone: '+86 138 1234 5678',
      wechatId: 'chenjing_zgc',
      country: 'CN',
      tags: 'Delegation 2026, Peking',
    });
  });

  it('reads vCard 4.0 with tel: URIs and IMPP weixin:', async () => {
    const card = [
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:王芳',
      'N:王;芳;;;',
      'TEL;TYPE=work;VALUE=uri:tel:+86-10-1234-5678',
      'TEL;TYPE=cell;VALUE=uri:tel:+86-138-1234-5678',
      'EMAIL;TYPE=work:wang.fang@zgc.example.cn',
      'ORG:Zhongguancun Science Park;Internationale Kooperation',
      'TITLE:Leiterin',
      'ADR;TYPE=work:;;1 Zhongguancun Street;Beijing;;100080;Volksrepublik China',
      'IMPP;PREF=1:weixin:wangfang_zgc',
      'LANG;PREF=1:zh',
      'LANG;PREF=2:en',
      'END:VCARD',
      '',
    ].join('\r\n');
    const { table, rows } = await read(await file(card, 'wang.vcf'));
    const { values, extra } = mapRow(
      suggestMapping('contact', table.headers),
      table.headers,
      rows[0].cells,
    );
    expect(values).toEqual({
      familyName: 'Wang',
      givenName: 'Fang',
      nativeName: '王芳',
      organisation: 'Zhongguancun Science Park',
      position: 'Leiterin',
      email: 'wang.fang@zgc.example.cn',
      phone: '+86-138-1234-5678',
      wechatId: 'wangfang_zgc',
      city: 'Beijing',
      country: 'CN',
      languages: 'zh, en',
    });
    expect(extra).toEqual([{ header: 'Phone 2', value: '+86-10-1234-5678' }]);
  });

  it('reads vCard 2.1 as Android and Outlook export it: quoted-printable, charsets, bare types', async () => {
    const cards = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=9D=8E;=E4=BC=9F;;;',
      'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=9D=8E=E4=BC=9F',
      'TEL;WORK;PREF:+86 512 6688 1234',
      'TEL;CELL:+86 139 8765 4321',
      'EMAIL;HOME:liwei@example.cn',
      'ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E8=8B=8F=E5=B7=9E=E5=B7=A5=E4=B8=9A=E5=9B=AD=E5=8C=BA',
      'NOTE;ENCODING=QUOTED-PRINTABLE:Zeile 1=0D=0AZeile 2, lang genug f=C3=BCr einen weichen =',
      'Umbruch',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen;;Herr',
      'FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller',
      'ADR;WORK;ENCODING=QUOTED-PRINTABLE:;;Bahnhofstra=DFe 12;Solingen;;42651;Deutschland',
      'END:VCARD',
      '',
    ].join('\r\n');
    const { table, rows } = await read(await file(cards, 'android.vcf'));
    const mapping = suggestMapping('contact', table.headers);
    const [li, mueller] = rows.map((row) => mapRow(mapping, table.headers, row.cells));
    expect(li.values).toEqual({
      familyName: 'Li',
      givenName: 'Wei',
      nativeName: '李伟',
      organisation: '苏州工业园区',
      email: 'liwei@example.cn',
      phone: '+86 139 8765 4321',
      notes: 'Zeile 1\nZeile 2, lang genug für einen weichen Umbruch',
    });
    expect(li.extra).toEqual([{ header: 'Phone 2', value: '+86 512 6688 1234' }]);
    expect(mueller.values).toEqual({
      salutation: 'Herr',
      familyName: 'Müller',
      givenName: 'Jürgen',
      city: 'Solingen',
      country: 'DE',
    });
  });

  it('that is no vCard is a format error', async () => {
    expect(
      (await failure(await file('BEGIN:VCARD\r\nVERSION:3.0\r\nFN;broken\r\n', 'x.vcf'))).code,
    ).toBe('format');
  });
});

describe('bad values are left for the importer; the file is read', () => {
  it('reads all 30 rows of broken.csv, the one Windows-1252 line included', async () => {
    const { table, rows } = await read(fixture('broken.csv'));
    expect(table).toMatchObject({
      encoding: 'utf-8',
      delimiter: ';',
      headerRow: 1,
      windows1252Lines: [13],
    });
    expect(rows).toHaveLength(30);
    expect(rows.map((row) => row.row)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    const mapping = suggestMapping('contact', table.headers);
    const byLine = (line: number) =>
      mapRow(mapping, table.headers, rows.find((row) => row.row === line)!.cells).values;
    expect(byLine(13)).toMatchObject({
      givenName: 'Jürgen',
      familyName: 'Größer',
      organisation: 'Grüße & Söhne GmbH',
      city: 'Düsseldorf',
    });
    expect(byLine(2).city).toBe('Köln');
    expect(byLine(10).country).toBe('Atlantis');
    expect(byLine(15).familyName).toHaveLength(400);
  });
});

describe('CSV dialects', () => {
  it.each([
    [';', 'Vorname;Nachname;Notizen\r\nMax;Muster;"a, b, c"\r\nEva;Tal;"x; y"\r\n'],
    [',', 'Vorname,Nachname,Notizen\nMax,Muster,"a; b; c"\nEva,Tal,"1,5"\n'],
    ['\t', 'Vorname\tNachname\tNotizen\nMax\tMuster\ta, b; c\nEva\tTal\t"x\ty"\n'],
  ])('sniffs %j', async (delimiter, content) => {
    const { table, rows } = await read(await file(content));
    expect(table.delimiter).toBe(delimiter);
    expect(table.headers).toEqual(['Vorname', 'Nachname', 'Notizen']);
    expect(rows.map((row) => row.cells.slice(0, 2))).toEqual([
      ['Max', 'Muster'],
      ['Eva', 'Tal'],
    ]);
  });

  it("follows Excel's sep= line", async () => {
    const { table, rows } = await read(
      await file('sep=;\r\nVorname;Nachname,Titel,Firma\r\nMax;Muster,Dr.,DOVO\r\n'),
    );
    expect(table).toMatchObject({
      delimiter: ';',
      headerRow: 2,
      headers: ['Vorname', 'Nachname,Titel,Firma'],
    });
    expect(rows).toEqual([{ row: 3, cells: ['Max', 'Muster,Dr.,DOVO'] }]);
  });

  it('finds the header below a title and blank lines, and skips empty rows', async () => {
    const content =
      'Kontakte Export 2026;;;\r\n;;;\r\n\r\nVorname;Nachname;E-Mail;Telefon\r\nMax;Muster;max@example.de;0171 1234567\r\n;;;\r\n\r\nEva;Tal;eva@example.de;\r\n';
    const { table, rows } = await read(await file(content));
    expect(table.headerRow).toBe(4);
    expect(table.headers).toEqual(['Vorname', 'Nachname', 'E-Mail', 'Telefon']);
    expect(rows).toEqual([
      { row: 5, cells: ['Max', 'Muster', 'max@example.de', '0171 1234567'] },
      { row: 8, cells: ['Eva', 'Tal', 'eva@example.de', ''] },
    ]);
  });

  it('counts the lines of a title that spans lines above the header', async () => {
    const content =
      '"Kontakte\r\nExport 2026"\r\n\r\nVorname;Nachname\r\nMax;Muster\r\n"Eva";"Tal"\r\n';
    const { table, rows } = await read(await file(content));
    expect(table.headerRow).toBe(4);
    expect(rows).toEqual([
      { row: 5, cells: ['Max', 'Muster'] },
      { row: 6, cells: ['Eva', 'Tal'] },
    ]);
  });

  it('finds the header of unknown words by its shape', async () => {
    const content = 'Liste der Besucher\n\nSpalte A,Spalte B,Spalte C\n1,2,3\n4,5\n';
    const { table, rows } = await read(await file(content));
    expect(table).toMatchObject({ headerRow: 3, headers: ['Spalte A', 'Spalte B', 'Spalte C'] });
    expect(rows).toEqual([
      { row: 4, cells: ['1', '2', '3'] },
      { row: 5, cells: ['4', '5', ''] },
    ]);
  });

  it('keeps the first cells of a row wider than the header and says what was left out', async () => {
    const { rows } = await read(await file('Vorname;Nachname\nMax;Muster;zu viel;;noch mehr\n'));
    expect(rows).toEqual([
      { row: 2, cells: ['Max', 'Muster'], overflow: ['zu viel', 'noch mehr'] },
    ]);
  });

  it('reads UTF-8 with a byte order mark, and UTF-16 with one', async () => {
    const text = 'Vorname\tNachname\tStadt\nJürgen\tMüller\tDüsseldorf\n王\t芳\t北京\n';
    const withBom = await read(
      await file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    );
    expect(withBom.table).toMatchObject({
      encoding: 'utf-8',
      headers: ['Vorname', 'Nachname', 'Stadt'],
    });
    const utf16 = await read(
      await file(
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
        'unicode.txt',
      ),
    );
    expect(utf16.table).toMatchObject({ encoding: 'utf-16le', delimiter: '\t', headerRow: 1 });
    expect(utf16.rows.map((row) => row.cells)).toEqual(withBom.rows.map((row) => row.cells));
    expect(utf16.rows[1].cells).toEqual(['王', '芳', '北京']);
  });

  it('reads every row of a file of more than one chunk, with the right lines', async () => {
    const lines = ['Vorname;Nachname;Notizen'];
    for (let i = 1; i <= 5000; i++)
      lines.push(i % 100 ? `Max${i};Müller;kurz` : `Max${i};Müller;"zwei\nZeilen"`);
    const { rows } = await read(await file(lines.join('\n') + '\n'));
    expect(rows).toHaveLength(5000);
    // each 100th row takes two lines
    expect(rows[4999].row).toBe(5001 + 49);
    expect(rows[4999].cells[0]).toBe('Max5000');
  });
});

describe('files that cannot be read', () => {
  it('a quote never closed names the line it opened on', async () => {
    const error = await failure(fixture('unbalanced.csv'));
    expect(error).toMatchObject({ code: 'quotes', row: 5 });
    expect(error.message).toContain('line 5');
  });

  it('binary garbage and NUL bytes are encoding errors', async () => {
    const garbage = Buffer.alloc(4000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    expect((await failure(await file(garbage))).code).toBe('encoding');
    const nul = await failure(await file(Buffer.from('Vorname;Nachname\nMax;Mus\0ter\n')));
    expect(nul).toMatchObject({ code: 'encoding', row: 2 });
  });

  it('an empty file is empty', async () => {
    expect((await failure(await file(''))).code).toBe('empty');
    expect((await failure(await file('\r\n\r\n ;;\r\n'))).code).toBe('empty');
  });

  it('a header of more than 500 columns is too many', async () => {
    const header = Array.from({ length: 501 }, (_, i) => `Spalte ${i}`).join(';');
    expect((await failure(await file(`${header}\n1;2\n`))).code).toBe('too-many-columns');
  });
});
