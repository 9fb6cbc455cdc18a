import type { MailContent } from '../mail/mail';
import type { Locale } from '../users/user.entity';
import { day } from '../web/kit/format';

/** A follow-up as the digest lists it. */
export interface DueFollowUp {
  id: string;
  title: string;
  dueOn: string;
}

/** How many follow-ups one digest lists; the rest are a link away. */
export const DIGEST_MAX_ITEMS = 50;

const de = (locale: Locale) => locale === 'de';

/**
 * The digest mail: the user's open follow-ups due today (Berlin) or before, overdue ones marked,
 * each linking to its page.
 */
export function digestMail(
  locale: Locale,
  recipientName: string,
  today: string,
  due: DueFollowUp[],
  more: boolean,
  link: (path: string) => string,
): MailContent {
  const overdue = due.filter((f) => f.dueOn < today).length;
  const items = due.map((f) => {
    const when =
      f.dueOn < today
        ? de(locale)
          ? `überfällig seit ${day(f.dueOn, locale)}`
          : `overdue since ${day(f.dueOn, locale)}`
        : de(locale)
          ? 'heute fällig'
          : 'due today';
    return { text: `${f.title} – ${when}`, url: link(`/follow-ups/${f.id}`) };
  });
  const count = due.length;
  return {
    subject: de(locale)
      ? `Ihre Wiedervorlagen für ${day(today, locale)}: ${count} fällig${overdue ? `, ${overdue} überfällig` : ''}`
      : `Your follow-ups for ${day(today, locale)}: ${count} due${overdue ? `, ${overdue} overdue` : ''}`,
    greeting: de(locale) ? `Guten Morgen ${recipientName},` : `Good morning ${recipientName},`,
    paragraphs: [
      de(locale)
        ? 'diese offenen Wiedervorlagen sind heute fällig oder überfällig:'
        : 'these open follow-ups are due today or overdue:',
    ],
    items,
    action: {
      label: de(locale)
        ? more
          ? 'Alle Wiedervorlagen öffnen'
          : 'Wiedervorlagen öffnen'
        : more
          ? 'Open all follow-ups'
          : 'Open follow-ups',
      url: link('/follow-ups?status=open&sort=dueOn'),
    },
    footnote: de(locale)
      ? 'Sie erhalten diese Übersicht jeden Morgen, an dem etwas fällig ist. Abbestellen können Sie sie in Ihren E-Mail-Einstellungen.'
      : 'You receive this summary each morning something is due. You can turn it off in your email preferences.',
  };
}
