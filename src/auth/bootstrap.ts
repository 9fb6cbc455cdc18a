import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { normalizeEmail } from '../users/email';
import { hashPassword } from './passwords';

/** ADMIN_EMAIL/ADMIN_PASSWORD: create that admin if no user has the email. True if created. */
export async function ensureAdmin(
  app: INestApplication,
  adminEmail: string,
  password: string,
): Promise<boolean> {
  const email = normalizeEmail(adminEmail);
  const db = app.get(DataSource);
  const audit = app.get(AuditService);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (em) => {
    const result = (await em.query(
      `INSERT INTO users (email, display_name, role, password_hash)
       VALUES ($1, 'Administrator', 'admin', $2)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, passwordHash],
    )) as { id: string }[];
    if (result.length === 0) return false;
    await audit.record(em, {
      actorId: null,
      action: 'create',
      entity: 'user',
      entityId: result[0].id,
      changes: {
        email: { before: null, after: email },
        role: { before: null, after: 'admin' },
        source: 'ADMIN_EMAIL',
      },
    });
    return true;
  });
}
