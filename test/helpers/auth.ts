import { randomBytes } from 'node:crypto';
import type { TestApp } from './app';
import { ADMIN } from './app';

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; email: string; role: string; companyId: string | null };
  /** `{ Authorization: 'Bearer …' }` */
  auth: { Authorization: string };
}

export async function login(app: TestApp, email: string, password: string): Promise<Session> {
  const response = await app.http.post('/api/v1/auth/login').send({ email, password });
  if (response.status !== 200) {
    throw new Error(
      `login as ${email} failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  const body = response.body as Omit<Session, 'auth'>;
  return { ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

export const loginAdmin = (app: TestApp) => login(app, ADMIN.email, ADMIN.password);

export const PASSWORD = 'correct-horse-battery';

/** Test data with defaults you override; each call makes a new, distinct record. */
export function factories(app: TestApp, admin: Session) {
  const unique = () => randomBytes(4).toString('hex');
  return {
    async company(overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
      const name = (overrides.name as string) ?? `Firma ${unique()}`;
      const { rows } = await app.db.query<{ id: string; name: string }>(
        `INSERT INTO companies (name, city, country) VALUES ($1, $2, $3) RETURNING id, name`,
        [name, overrides.city ?? 'Solingen', overrides.country ?? 'DE'],
      );
      return rows[0];
    },
    async user(
      overrides: {
        role?: string;
        companyId?: string;
        email?: string;
        displayName?: string;
        password?: string;
      } = {},
    ): Promise<{ id: string; email: string; password: string; version: number; role: string }> {
      const password = overrides.password ?? PASSWORD;
      const body = {
        email: overrides.email ?? `user-${unique()}@test.liaison`,
        displayName: overrides.displayName ?? `Test User ${unique()}`,
        role: overrides.role ?? 'staff',
        ...(overrides.companyId && { companyId: overrides.companyId }),
        password,
      };
      const response = await app.http.post('/api/v1/users').set(admin.auth).send(body);
      if (response.status !== 201) {
        throw new Error(
          `creating a user failed: ${response.status} ${JSON.stringify(response.body)}`,
        );
      }
      return {
        ...(response.body as { id: string; email: string; version: number; role: string }),
        password,
      };
    },
    /** A user of the given role, signed in. */
    async session(role = 'staff', companyId?: string): Promise<Session> {
      const user = await this.user({ role, companyId });
      return login(app, user.email, user.password);
    },
  };
}
