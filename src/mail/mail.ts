import { createHmac, timingSafeEqual } from 'node:crypto';
import { escapeHtml } from '../web/kit/html';
import type { Locale } from '../users/user.entity';

/**
 * The kinds of mail Liaison writes. A user may turn off those in `OPTIONAL_MAIL_KINDS` (the
 * preferences page, or the one-click unsubscribe link each of them carries); the others answer
 * something the user asked for (a password reset) or must reach them (an invitation).
 */
export const OPTIONAL_MAIL_KINDS = ['digest', 'lead-created', 'lead-shared', 'lead-note'] as const;
export type OptionalMailKind = (typeof OPTIONAL_MAIL_KINDS)[number];
export type MailKind = OptionalMailKind | 'password-reset' | 'invitation';

export const isOptionalMailKind = (kind: string): kind is OptionalMailKind =>
  (OPTIONAL_MAIL_KINDS as readonly string[]).includes(kind);

/** A mail's content, written once and rendered as plain text and as HTML. */
export interface MailContent {
  subject: string;
  /** The greeting line, e.g. "Hallo Anna Schmidt,". */
  greeting: string;
  /** Paragraphs of plain text. */
  paragraphs: string[];
  /** A list (a digest's follow-ups): each item a line, with an optional link. */
  items?: { text: string; url?: string }[];
  /** The button: what to open in Liaison. */
  action?: { label: string; url: string };
  /** A last small paragraph (why the user gets this, how long a link lives). */
  footnote?: string;
}

/** A mail ready to be kept and sent. */
export interface OutgoingMail {
  kind: MailKind;
  userId: string | null;
  to: string;
  locale: Locale;
  content: MailContent;
  /** One mail per user, kind and key (the digest: its day); a second is not written. */
  dedupeKey?: string;
}

const WORDS = {
  unsubscribe: ['Diese E-Mails abbestellen', 'Unsubscribe from these emails'],
  preferences: ['E-Mail-Einstellungen', 'Email preferences'],
  signature: ['Liaison · Wirtschaftsförderung', 'Liaison · Economic development agency'],
} as const;
const word = (locale: Locale, key: keyof typeof WORDS) => WORDS[key][locale === 'de' ? 0 : 1];

/** The unsubscribe link of an optional kind, and the preferences page, for a mail's footer. */
export interface MailLinks {
  unsubscribe?: string;
  preferences: string;
}

/** Plain text: the paragraphs, the list, the link on a line of its own, the footer. */
export function renderText(locale: Locale, content: MailContent, links: MailLinks): string {
  const parts = [content.greeting, ...content.paragraphs];
  if (content.items?.length)
    parts.push(
      content.items.map((item) => `- ${item.text}${item.url ? `\n  ${item.url}` : ''}`).join('\n'),
    );
  if (content.action) parts.push(`${content.action.label}:\n${content.action.url}`);
  if (content.footnote) parts.push(content.footnote);
  const footer = [
    `-- \n${word(locale, 'signature')}`,
    `${word(locale, 'preferences')}: ${links.preferences}`,
  ];
  if (links.unsubscribe) footer.push(`${word(locale, 'unsubscribe')}: ${links.unsubscribe}`);
  return `${parts.join('\n\n')}\n\n${footer.join('\n')}\n`;
}

/** HTML with inline styles only (mail clients ignore style sheets), every value escaped. */
export function renderHtml(locale: Locale, content: MailContent, links: MailLinks): string {
  const e = escapeHtml;
  const p = (text: string, style = '') =>
    `<p style="margin:0 0 16px;${style}">${e(text).replace(/\n/g, '<br>')}</p>`;
  const items = content.items?.length
    ? `<ul style="margin:0 0 16px;padding-left:20px">${content.items
        .map(
          (item) =>
            `<li style="margin:0 0 6px">${item.url ? `<a href="${e(item.url)}" style="color:#1d4f91">${e(item.text)}</a>` : e(item.text)}</li>`,
        )
        .join('')}</ul>`
    : '';
  const action = content.action
    ? `<p style="margin:24px 0"><a href="${e(content.action.url)}" style="background:#1d4f91;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;display:inline-block">${e(content.action.label)}</a></p>`
    : '';
  const footer = [
    e(word(locale, 'signature')),
    `<a href="${e(links.preferences)}" style="color:#666666">${e(word(locale, 'preferences'))}</a>`,
    ...(links.unsubscribe
      ? [
          `<a href="${e(links.unsubscribe)}" style="color:#666666">${e(word(locale, 'unsubscribe'))}</a>`,
        ]
      : []),
  ].join(' · ');
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(content.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',sans-serif;font-size:15px;line-height:1.5;color:#1f2328">
<div style="max-width:560px;margin:0 auto;background:#ffffff;padding:24px;border-radius:6px">
${p(content.greeting)}${content.paragraphs.map((text) => p(text)).join('')}${items}${action}${content.footnote ? p(content.footnote, 'color:#666666;font-size:13px') : ''}
</div>
<p style="max-width:560px;margin:16px auto 0;color:#666666;font-size:12px">${footer}</p>
</body></html>
`;
}

/**
 * The token of a one-click unsubscribe link: the user and the kind, signed, so the link works
 * without signing in (RFC 8058) and cannot be made for another user or kind.
 */
export function unsubscribeToken(key: Buffer, userId: string, kind: OptionalMailKind): string {
  return `${userId}.${kind}.${sign(key, `${userId}.${kind}`)}`;
}

/** The user and kind of a valid token, else undefined. */
export function readUnsubscribeToken(
  key: Buffer,
  token: string,
): { userId: string; kind: OptionalMailKind } | undefined {
  const match = /^([0-9a-f-]{36})\.([a-z-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || !isOptionalMailKind(match[2])) return undefined;
  const expected = Buffer.from(sign(key, `${match[1]}.${match[2]}`));
  const given = Buffer.from(match[3]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { userId: match[1], kind: match[2] };
}

const sign = (key: Buffer, value: string) =>
  createHmac('sha256', key).update(value).digest('base64url');

/** The key of unsubscribe links, derived like the other keys (app.module.ts). */
export const MAIL_KEY = Symbol('MAIL_KEY');
