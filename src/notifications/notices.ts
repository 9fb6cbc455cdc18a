import type { Locale } from '../users/user.entity';
import type { MailContent, OptionalMailKind } from '../mail/mail';

/**
 * What Liaison tells a user about, in the web app's header and by mail: the kinds, what each
 * carries (`params`, kept with the notification so it reads the same after the record changed),
 * and their words in German and English. A notice names only its own record: a company user's
 * notice is about a lead of its company and nothing else.
 */
export type NoticeKind = Extract<OptionalMailKind, 'lead-created' | 'lead-shared' | 'lead-note'>;
export const NOTICE_KINDS: readonly NoticeKind[] = ['lead-created', 'lead-shared', 'lead-note'];

export interface NoticeParams {
  /** The lead's title. */
  title: string;
  /** The lead's company. */
  company: string;
  /** Who did it: a user's display name. */
  actor: string;
  /** A note's first 300 characters. */
  excerpt?: string;
}

export interface Notice {
  kind: NoticeKind;
  recordKind: 'lead';
  recordId: string;
  actorId: string | null;
  params: NoticeParams;
}

const de = (locale: Locale) => locale === 'de';

/** The one line a notice is in the header's list and the subject of its mail. */
export function noticeLine(locale: Locale, kind: NoticeKind, p: NoticeParams): string {
  switch (kind) {
    case 'lead-created':
      return de(locale)
        ? `Neuer Lead für ${p.company}: ${p.title}`
        : `New lead for ${p.company}: ${p.title}`;
    case 'lead-shared':
      return de(locale)
        ? `Lead mit ${p.company} geteilt: ${p.title}`
        : `Lead shared with ${p.company}: ${p.title}`;
    case 'lead-note':
      return de(locale) ? `Neue Notiz zum Lead ${p.title}` : `New note on the lead ${p.title}`;
  }
}

/** The mail of a notice, in the recipient's language, linking to the record. */
export function noticeMail(
  locale: Locale,
  notice: Notice,
  recipientName: string,
  url: string,
): MailContent {
  const p = notice.params;
  const paragraphs: string[] = [];
  switch (notice.kind) {
    case 'lead-created':
      paragraphs.push(
        de(locale)
          ? `${p.actor} hat für ${p.company} einen neuen Lead angelegt: „${p.title}“.`
          : `${p.actor} created a new lead for ${p.company}: “${p.title}”.`,
      );
      break;
    case 'lead-shared':
      paragraphs.push(
        de(locale)
          ? `${p.actor} hat den Lead „${p.title}“ mit ${p.company} geteilt. Sie sehen ihn ab jetzt in Liaison.`
          : `${p.actor} shared the lead “${p.title}” with ${p.company}. You can see it in Liaison from now on.`,
      );
      break;
    case 'lead-note':
      paragraphs.push(
        de(locale)
          ? `${p.actor} hat eine Notiz zum Lead „${p.title}“ geschrieben:`
          : `${p.actor} wrote a note on the lead “${p.title}”:`,
        p.excerpt ?? '',
      );
      break;
  }
  return {
    subject: noticeLine(locale, notice.kind, p),
    greeting: de(locale) ? `Hallo ${recipientName},` : `Hello ${recipientName},`,
    paragraphs,
    action: { label: de(locale) ? 'In Liaison öffnen' : 'Open in Liaison', url },
    footnote: de(locale)
      ? 'Sie erhalten diese E-Mail, weil Sie in Liaison über Ihre Leads benachrichtigt werden.'
      : 'You receive this email because Liaison notifies you about your leads.',
  };
}

/** Where a notice's record is in the web app. */
export const noticePath = (notice: Pick<Notice, 'recordKind' | 'recordId'>): string =>
  `/leads/${notice.recordId}`;
