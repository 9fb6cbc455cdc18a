import type { DataSource } from 'typeorm';
import { hashPassword } from '../auth/passwords';
import { seedDemoCrm } from './crm';
import { seedDemoOrganisations } from './organisations';
import { seedDemoTrips } from './trips';

export const DEMO_PASSWORD = 'liaison-demo';

/**
 * The demo tells the story of the Solingen agency's delegation trip to Beijing and Shanghai
 * (the article in shared/seed/): the organisations and logins, then the trips, then the CRM
 * records that point at both, each part handed the ids of the parts before it.
 * Seeds an empty database (no users yet) in one transaction; returns true if it seeded.
 */
export async function seedDemo(db: DataSource): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (em) => {
    // Serialises concurrent starts of several instances on one empty database.
    await em.query('LOCK TABLE users IN EXCLUSIVE MODE');
    const [{ count }] = (await em.query('SELECT count(*)::int AS count FROM users')) as {
      count: number;
    }[];
    if (count > 0) return false;
    const organisations = await seedDemoOrganisations(em, passwordHash);
    const trips = await seedDemoTrips(em, organisations);
    await seedDemoCrm(em, organisations, trips);
    return true;
  });
}
