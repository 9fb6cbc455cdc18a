import type { TestApp } from './app';
import type { Session } from './auth';
import { kit } from './make';

export const ROLE_NAMES = ['admin', 'staff', 'viewer', 'own', 'foreign'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export interface Cast {
  sessions: Record<RoleName, Session>;
  /** The company of the `own` company user. */
  ownCompany: { id: string; name: string };
  /** The company of the `foreign` company user. */
  foreignCompany: { id: string; name: string };
}

/**
 * The five callers of every role matrix: admin, staff, viewer, a company user of `ownCompany`
 * ("own") and one of `foreignCompany` ("foreign").
 */
export async function cast(app: TestApp, admin: Session): Promise<Cast> {
  const make = kit(app, admin);
  const ownCompany = await make.company({ name: 'Own Messer GmbH' });
  const foreignCompany = await make.company({ name: 'Foreign Scheren AG' });
  const [staff, viewer, own, foreign] = await Promise.all([
    make.session('staff'),
    make.session('viewer'),
    make.session('company', ownCompany.id),
    make.session('company', foreignCompany.id),
  ]);
  return { sessions: { admin, staff, viewer, own, foreign }, ownCompany, foreignCompany };
}

/** What the permission table gives every CRM record: the agency creates and changes it. */
export const AGENCY_CREATES = { admin: 201, staff: 201, viewer: 403, own: 403, foreign: 403 };
export const AGENCY_WRITES = { admin: 200, staff: 200, viewer: 403, own: 403, foreign: 403 };

/** `{admin: 200, staff: 200, …}` → a readable mismatch list when statuses differ. */
export function statusReport(
  expected: Partial<Record<RoleName, number>>,
  actual: Partial<Record<RoleName, number>>,
): string[] {
  return Object.entries(expected)
    .filter(([role, status]) => actual[role as RoleName] !== status)
    .map(([role, status]) => `${role}: expected ${status}, got ${actual[role as RoleName]}`);
}

/** One status a caller gets; the role is passed for checks that depend on it. */
export type RoleCheck = (role: RoleName, session: Session) => Promise<number>;

/** The status each of `roles` gets from `check`, one caller after the other. */
export async function statusesOf(
  c: Cast,
  check: RoleCheck,
  roles: readonly RoleName[] = ROLE_NAMES,
): Promise<Partial<Record<RoleName, number>>> {
  const out: Partial<Record<RoleName, number>> = {};
  for (const role of roles) out[role] = await check(role, c.sessions[role]);
  return out;
}

/** Asserts the status each role gets from `check`; every one of `roles` is called. */
export async function expectStatuses(
  c: Cast,
  expected: Partial<Record<RoleName, number>>,
  check: RoleCheck,
  roles: readonly RoleName[] = ROLE_NAMES,
): Promise<void> {
  expect(statusReport(expected, await statusesOf(c, check, roles))).toEqual([]);
}

/**
 * A record a company user sees only through a lead of its company: the one of `own`'s lead, of
 * `foreign`'s and of no lead, as each caller reads it with `read(id)`.
 */
export async function expectLeadScoped(
  c: Cast,
  read: (id: string) => RoleCheck,
  ids: { own: string; foreign: string; unlinked: string },
): Promise<void> {
  const agency = { admin: 200, staff: 200, viewer: 200 };
  await expectStatuses(c, { ...agency, own: 200, foreign: 404 }, read(ids.own));
  await expectStatuses(c, { ...agency, own: 404, foreign: 200 }, read(ids.foreign));
  await expectStatuses(c, { ...agency, own: 404, foreign: 404 }, read(ids.unlinked));
}
