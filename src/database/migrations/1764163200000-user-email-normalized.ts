import { MigrationInterface, QueryRunner } from 'typeorm';
import { normalizeEmail } from '../../users/email';

/**
 * users.email becomes text holding the address in its one spelling (src/users/email.ts),
 * compared exactly. As citext, PostgreSQL's case folding found an account (`İvictim@…` signed in
 * to `ivictim@…`) while the failed sign-in throttle keyed it by JavaScript's, so a locked account
 * could be tried again under another spelling. Now both come from the same function.
 */
export class UserEmailNormalized1764163200000 implements MigrationInterface {
  name = 'UserEmailNormalized1764163200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE users ALTER COLUMN email TYPE text');
    const users = (await db.query('SELECT id, email FROM users ORDER BY created_at, id')) as {
      id: string;
      email: string;
    }[];
    const byAddress = new Map<string, string[]>();
    for (const { email } of users) {
      const address = normalizeEmail(email);
      byAddress.set(address, [...(byAddress.get(address) ?? []), email]);
    }
    const clashes = [...byAddress.values()].filter((emails) => emails.length > 1);
    if (clashes.length > 0) {
      // Two accounts cannot be merged by a migration: someone has to change one address first.
      throw new Error(
        `These users' emails are one address once normalised; change all but one and migrate again: ${clashes
          .map((emails) => [...emails].sort().join(' = '))
          .join('; ')}`,
      );
    }
    for (const { id, email } of users) {
      const address = normalizeEmail(email);
      if (address !== email)
        await db.query('UPDATE users SET email = $2 WHERE id = $1', [id, address]);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    // The addresses stay normalised: lower case already, which citext compares alike.
    await db.query('ALTER TABLE users ALTER COLUMN email TYPE citext');
  }
}
