import { dictionary } from './kit/i18n';

/** The words of two-factor sign-in: the security page and the second step (German, English). */
export const securityWords = dictionary({
  security: ['Anmeldung absichern', 'Sign-in security'],
  securityLink: [
    'Zweiter Faktor (Authenticator-App, Passkeys)',
    'Second factor (authenticator app, passkeys)',
  ],
  intro: [
    'Ein zweiter Faktor schützt Ihr Konto auch dann, wenn jemand Ihr Passwort kennt: Nach dem Passwort fragt Liaison nach einem Code Ihrer Authenticator-App oder nach einem Passkey.',
    'A second factor protects your account even when someone knows your password: after the password, Liaison asks for a code of your authenticator app or for a passkey.',
  ],
  required: [
    'Ihre Rolle braucht einen zweiten Faktor. Richten Sie bitte zuerst eine Authenticator-App oder einen Passkey ein; vorher ist nichts anderes erreichbar.',
    'Your role needs a second factor. Please set up an authenticator app or a passkey first; nothing else can be reached before.',
  ],
  totp: ['Authenticator-App', 'Authenticator app'],
  totpOn: ['Eingerichtet.', 'Set up.'],
  totpOff: [
    'Nicht eingerichtet. Geeignet sind z. B. Microsoft Authenticator, Google Authenticator, FreeOTP oder 2FAS.',
    'Not set up. For example Microsoft Authenticator, Google Authenticator, FreeOTP or 2FAS will do.',
  ],
  totpStart: ['Authenticator-App einrichten', 'Set up an authenticator app'],
  totpScan: [
    'Scannen Sie den QR-Code mit Ihrer Authenticator-App, oder geben Sie den Schlüssel von Hand ein. Bestätigen Sie dann mit dem Code, den die App zeigt.',
    'Scan the QR code with your authenticator app, or type in the key by hand. Then confirm with the code the app shows.',
  ],
  qrCode: ['QR-Code für die Authenticator-App', 'QR code for the authenticator app'],
  secretKey: ['Schlüssel', 'Key'],
  code: ['Code (6 Ziffern)', 'Code (6 digits)'],
  confirm: ['Bestätigen', 'Confirm'],
  wrongCode: [
    'Der Code stimmt nicht oder wurde schon verwendet. Geben Sie den aktuellen Code der App ein.',
    'The code is not right or was already used. Enter the current code of the app.',
  ],
  startAgain: ['Neu beginnen', 'Start again'],
  totpDisable: ['Authenticator-App entfernen', 'Remove authenticator app'],
  totpDisableHelp: [
    'Zum Entfernen einen aktuellen Code oder Ihr Passwort angeben.',
    'To remove it, give a current code or your password.',
  ],
  orPassword: ['oder Passwort', 'or password'],
  wrongProof: ['Code oder Passwort stimmen nicht.', 'The code or the password is not right.'],
  recoveryCodes: ['Wiederherstellungscodes', 'Recovery codes'],
  recoveryLeft: ['Unbenutzte Codes', 'Unused codes'],
  recoveryHelp: [
    'Jeder Code gilt einmal anstelle des zweiten Faktors, etwa wenn das Telefon verloren ist. Bewahren Sie sie sicher auf (ausgedruckt oder im Passwortmanager).',
    'Each code works once in place of the second factor, for instance when the phone is lost. Keep them safe (printed or in a password manager).',
  ],
  recoveryShown: [
    'Ihre neuen Wiederherstellungscodes. Sie werden nur jetzt angezeigt.',
    'Your new recovery codes. They are shown only now.',
  ],
  recoveryRenew: ['Neue Codes erzeugen', 'Generate new codes'],
  recoveryRenewConfirm: [
    'Neue Codes erzeugen? Die bisherigen gelten dann nicht mehr.',
    'Generate new codes? The current ones stop working.',
  ],
  done: ['Fertig', 'Done'],
  passkeys: ['Passkeys', 'Passkeys'],
  passkeysHelp: [
    'Ein Passkey ist ein Schlüssel auf diesem Gerät (Windows Hello, Touch ID, Android) oder ein Sicherheitsschlüssel (USB, NFC).',
    'A passkey is a key on this device (Windows Hello, Touch ID, Android) or a security key (USB, NFC).',
  ],
  noPasskeys: ['Noch keine Passkeys.', 'No passkeys yet.'],
  passkeyName: ['Name des Passkeys', 'Name of the passkey'],
  passkeyNameHint: ['z. B. „Laptop Büro“', 'e.g. “Office laptop”'],
  passkeyAdd: ['Passkey hinzufügen', 'Add a passkey'],
  passkeyRemove: ['Entfernen', 'Remove'],
  passkeyRemoveConfirm: ['Diesen Passkey entfernen?', 'Remove this passkey?'],
  passkeyFailed: [
    'Der Passkey konnte nicht verwendet werden. Bitte erneut versuchen.',
    'The passkey could not be used. Please try again.',
  ],
  passkeyUnsupported: [
    'Dieser Browser unterstützt keine Passkeys.',
    'This browser does not support passkeys.',
  ],
  added: ['Hinzugefügt am', 'Added on'],
  lastUsed: ['Zuletzt verwendet', 'Last used'],
  never: ['nie', 'never'],
  // Flash messages after a post (?done=).
  totpEnabled: ['Die Authenticator-App ist eingerichtet.', 'The authenticator app is set up.'],
  totpDisabled: ['Die Authenticator-App ist entfernt.', 'The authenticator app is removed.'],
  passkeyAdded: ['Der Passkey ist hinzugefügt.', 'The passkey is added.'],
  passkeyRemoved: ['Der Passkey ist entfernt.', 'The passkey is removed.'],
  // The second step of signing in.
  secondStep: ['Bestätigung der Anmeldung', 'Confirm your sign-in'],
  secondStepIntro: [
    'Geben Sie den Code Ihrer Authenticator-App ein.',
    'Enter the code of your authenticator app.',
  ],
  usePasskey: ['Mit Passkey anmelden', 'Sign in with a passkey'],
  useRecoveryCode: ['Wiederherstellungscode verwenden', 'Use a recovery code'],
  recoveryCode: ['Wiederherstellungscode', 'Recovery code'],
  wrongRecoveryCode: [
    'Der Wiederherstellungscode stimmt nicht oder wurde schon verwendet.',
    'The recovery code is not right or was already used.',
  ],
  signInExpired: [
    'Die Anmeldung ist abgelaufen. Bitte erneut mit dem Passwort anmelden.',
    'The sign-in has expired. Please sign in with your password again.',
  ],
});

export type SecurityWord = Parameters<typeof securityWords>[1];
