/**
 * vCard 2.1 (Android's and Outlook's export) rewritten as 3.0, which ical.js reads: quoted-
 * printable values decoded in their charset, parameters without a name (`TEL;CELL;PREF`) as
 * types, soft line breaks joined.
 */
export function vcard21As30(text: string): string {
  if (!/^VERSION:2\.1\s*$/im.test(text)) return text;
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const colon = valueStart(line);
    if (colon < 0) {
      out.push(line);
      continue;
    }
    const params = line.slice(0, colon).split(';');
    const quotedPrintable = params.some((p) => /^(ENCODING=)?QUOTED-PRINTABLE$/i.test(p));
    if (quotedPrintable)
      while (line.endsWith('=') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    out.push(rewrite(params, line.slice(colon + 1), quotedPrintable));
  }
  return out.join('\r\n');
}

/** Where the value starts: after the first colon outside a quoted parameter value. */
function valueStart(line: string): number {
  if (/^[ \t]/.test(line)) return -1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === ':' && !quoted) return i;
  }
  return -1;
}

function rewrite(params: string[], value: string, quotedPrintable: boolean): string {
  const [name, ...rest] = params;
  if (/^VERSION$/i.test(name)) return 'VERSION:3.0';
  let charset = 'utf-8';
  const kept: string[] = [];
  for (const param of rest) {
    const [key, ...values] = param.split('=');
    const paramValue = values.join('=');
    if (!values.length) {
      if (/^(QUOTED-PRINTABLE|8BIT|7BIT)$/i.test(key)) continue;
      kept.push(/^BASE64$/i.test(key) ? 'ENCODING=b' : `TYPE=${key}`);
    } else if (/^CHARSET$/i.test(key)) charset = paramValue;
    else if (/^ENCODING$/i.test(key)) {
      if (/^BASE64$/i.test(paramValue)) kept.push('ENCODING=b');
      else if (!/^(QUOTED-PRINTABLE|8BIT|7BIT)$/i.test(paramValue)) kept.push(param);
    } else kept.push(param);
  }
  const text = quotedPrintable ? escaped(decodeQuotedPrintable(value, charset)) : value;
  return `${[name, ...kept].join(';')}:${text}`;
}

function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(value[i], 'latin1'));
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(
      /^(iso-8859-1|latin1|windows-1252|cp1252)$/i.test(charset) ? 'windows-1252' : charset,
    );
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(Uint8Array.from(bytes));
}

/** A decoded value in 3.0's syntax: line breaks and commas escaped, the parts' `;` kept. */
const escaped = (value: string): string =>
  value.replace(/\r\n|\r|\n/g, '\\n').replace(/(?<!\\),/g, '\\,');
