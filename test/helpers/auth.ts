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
