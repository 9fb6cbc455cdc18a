/**
 * The one spelling of a user's email address: the sign-in lookup, the failed sign-in throttle's
 * key and the uniqueness of users all use it, and users.email holds it (a text column compared
 * exactly), so that what finds an account and what locks it can never disagree.
 *
 * NFKC folds compatibility forms (full-width `ＡＤＭＩＮ`, the Kelvin sign U+212A, `e` + U+0301 of NFD)
 * into one; then JavaScript's lower case, which is the same in every locale (`İ` → `i` + U+0307,
 * a spelling of its own, not `i`); then NFKC again, because lower case can undo a composition.
 * Applied twice it gives the same: a stored address is its own normal form.
 */
export const normalizeEmail = (email: string): string =>
  email.normalize('NFKC').toLowerCase().normalize('NFKC').trim();
