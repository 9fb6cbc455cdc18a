import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { transaction } from '../common/transaction';
import { Notifications } from '../notifications/notifications.service';

/**
 * What the demo's company logins were told of their newest lead, through the app's own path: a
 * notification under the bell and a mail, which without SMTP lands in the admins' outbox. So a
 * fresh demo shows what Liaison sends before anyone has changed anything.
 */
export async function announceDemoLeads(app: INestApplicationContext): Promise<void> {
  const db = app.get(DataSource);
  const notifications = app.get(Notifications);
  await transaction(db, async (em) => {
    const [staff] = (await em.query(
      `SELECT id, display_name FROM users WHERE email = 'staff@liaison.test'`,
    )) as { id: string; display_name: string }[];
    if (!staff) return;
    const leads = (await em.query(
      `SELECT DISTINCT ON (l.company_id) l.id, l.title, l.company_id, c.name AS company
       FROM leads l JOIN companies c ON c.id = l.company_id
       WHERE l.deleted_at IS NULL
         AND EXISTS (SELECT 1 FROM users u WHERE u.company_id = l.company_id)
       ORDER BY l.company_id, l.created_at DESC`,
    )) as { id: string; title: string; company_id: string; company: string }[];
    const actor = { userId: staff.id, role: 'staff' as const, companyId: null, sessionId: '' };
    for (const lead of leads) {
      await notifications.toCompany(em, actor, lead.company_id, {
        kind: 'lead-created',
        recordKind: 'lead',
        recordId: lead.id,
        actorId: staff.id,
        params: { title: lead.title, company: lead.company, actor: staff.display_name },
      });
    }
  });
}
