const EAST_ASIAN = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** A person's name as their culture writes it: „Chen Jing 陈静“, „Jürgen Müller“. */
export function personName(c: {
  familyName: string;
  givenName?: string | null;
  nativeName?: string | null;
}): string {
  const eastAsian = !!c.nativeName && EAST_ASIAN.test(c.nativeName);
  const latin = (eastAsian ? [c.familyName, c.givenName] : [c.givenName, c.familyName])
    .filter(Boolean)
    .join(' ');
  return c.nativeName && c.nativeName !== latin ? `${latin} ${c.nativeName}`.trim() : latin;
}
