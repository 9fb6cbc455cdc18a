import type { ContactDto } from '../contacts/contacts.dto';
import { personName } from '../contacts/names';

/*
 * vCard 4.0 (RFC 6350) for a phone's address book: one card per contact, text escaped (§3.4),
 * lines folded at 75 octets without splitting a character (§3.2), CRLF.
 */

/**
 * A text value: backslash, comma and line breaks escaped; a semicolon too where it would separate
 * a structured value's fields (N, ADR). Elsewhere RFC 6350 leaves `\;` optional, and readers
 * differ on undoing it.
 */
export const escapeText = (value: string, structured = false): string =>
  value.replace(structured ? /[\\,;]/g : /[\\,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');

/** A structured value (N, ADR): its components escaped, joined by `;`. */
const structured = (parts: (string | null | undefined)[]): string =>
  parts.map((p) => escapeText(p ?? '', true)).join(';');

const FOLD_AT = 75;

/** Folds a content line at 75 octets: CRLF and a space, never inside a UTF-8 sequence. */
export function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // Continuation lines carry a leading space, which counts toward their 75.
    if (octets + size > FOLD_AT) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/** `20261206T182300Z`: REV's timestamp. */
const timestamp = (iso: string): string =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The romanised name alone: personName without the native script it appends. */
function romanisedName(c: ContactDto): string {
  const full = personName(c);
  const native = c.nativeName?.trim();
  return native && full.endsWith(` ${native}`) ? full.slice(0, -(native.length + 1)) : full;
}

export interface CardDetails {
  /** The name of the company or partner the contact works at, if the caller may see it. */
  organisation: string | null;
  /** The country's name in the caller's language (ADR's country is text). */
  countryName: string | null;
}

/** One contact as a vCard; only what the contact's answer gives the caller. */
export function vcard(c: ContactDto, details: CardDetails): string {
  const lines: string[] = ['BEGIN:VCARD', 'VERSION:4.0', `UID:urn:uuid:${c.id}`];
  const add = (name: string, value: string | null | undefined) => {
    if (value) lines.push(`${name}:${escapeText(value)}`);
  };
  lines.push(`FN:${escapeText(romanisedName(c))}`);
  const native = c.nativeName?.trim();
  if (native && native !== romanisedName(c)) lines.push(`FN;LANGUAGE=zh:${escapeText(native)}`);
  lines.push(`N:${structured([c.familyName, c.givenName, null, c.salutation, null])}`);
  add('ORG', details.organisation);
  add('TITLE', c.position);
  add('EMAIL;TYPE=work', c.email);
  if (c.phone) lines.push(`TEL;TYPE=work;VALUE=uri:tel:${c.phone.replace(/[^+\d]/g, '')}`);
  if (c.city || details.countryName)
    lines.push(`ADR;TYPE=work:${structured(['', '', '', c.city, '', '', details.countryName])}`);
  add('X-WECHAT', c.wechatId);
  add('NOTE', c.notes);
  lines.push(`REV:${timestamp(c.updatedAt)}`, 'END:VCARD');
  return lines.map(fold).join('\r\n') + '\r\n';
}
