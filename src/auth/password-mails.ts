import type { MailContent } from '../mail/mail';
import type { Locale } from '../users/user.entity';
import type { PasswordTokenPurpose } from './password-tokens';

/**
 * Where a password link leads: the token in the fragment, which a browser sends to no server
 * (neither in a request nor in a Referer); public/app.js moves it into the form. `lang` is the
 * recipient's language, for a page shown before anyone has signed in; `welcome` the invitation's.
 */
export const passwordLinkPath = (
  token: string,
  purpose: PasswordTokenPurpose,
  locale: Locale,
): string =>
  `/password/reset?${purpose === 'invitation' ? 'welcome=1&' : ''}lang=${locale}#${token}`;

const de = (locale: Locale) => locale === 'de';

/** The reset a user asked for (or someone asked for with the user's address). */
export function resetMail(locale: Locale, name: string, url: string): MailContent {
  return de(locale)
    ? {
        subject: 'Neues Passwort für Liaison',
        greeting: `Hallo ${name},`,
        paragraphs: [
          'jemand (hoffentlich Sie) möchte das Passwort Ihres Zugangs zu Liaison neu setzen. Über den Knopf unten wählen Sie ein neues Passwort.',
          'Der Link gilt 30 Minuten und nur einmal. Danach enden alle Ihre Anmeldungen, auch auf anderen Geräten.',
        ],
        action: { label: 'Neues Passwort wählen', url },
        footnote:
          'Sie haben das nicht angefordert? Dann können Sie diese E-Mail einfach löschen: Ihr Passwort bleibt, wie es ist. Kommt sie öfter, sagen Sie bitte der Wirtschaftsförderung Bescheid.',
      }
    : {
        subject: 'A new password for Liaison',
        greeting: `Hello ${name},`,
        paragraphs: [
          'someone (hopefully you) asked to set a new password for your Liaison account. Choose a new password with the button below.',
          'The link works for 30 minutes and only once. Afterwards every sign-in of yours ends, on other devices too.',
        ],
        action: { label: 'Choose a new password', url },
        footnote:
          'You did not ask for this? Then just delete this email: your password stays as it is. If it keeps coming, please tell the economic development agency.',
      };
}

/** An admin created the account without a password: the new user chooses one. */
export function invitationMail(
  locale: Locale,
  p: { name: string; inviter: string; role: string; url: string; expiresAt: Date },
): MailContent {
  const until = p.expiresAt.toLocaleDateString(de(locale) ? 'de-DE' : 'en-GB', {
    timeZone: 'Europe/Berlin',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return de(locale)
    ? {
        subject: 'Ihr Zugang zu Liaison',
        greeting: `Hallo ${p.name},`,
        paragraphs: [
          `${p.inviter} hat Sie zu Liaison eingeladen, dem CRM der Wirtschaftsförderung. Ihre Rolle: ${p.role}.`,
          'Wählen Sie über den Knopf unten Ihr Passwort; danach melden Sie sich mit dieser E-Mail-Adresse an.',
        ],
        action: { label: 'Passwort wählen', url: p.url },
        footnote: `Der Link gilt 7 Tage (bis ${until}) und nur einmal. Ist er abgelaufen, schickt ${p.inviter} Ihnen gern einen neuen. Erwarten Sie diese Einladung nicht, können Sie die E-Mail löschen.`,
      }
    : {
        subject: 'Your Liaison account',
        greeting: `Hello ${p.name},`,
        paragraphs: [
          `${p.inviter} invited you to Liaison, the economic development agency's CRM. Your role: ${p.role}.`,
          'Choose your password with the button below; then sign in with this email address.',
        ],
        action: { label: 'Choose your password', url: p.url },
        footnote: `The link works for 7 days (until ${until}) and only once. If it has expired, ${p.inviter} can send you a new one. If you did not expect this invitation, you can delete this email.`,
      };
}
