/**
 * Who may do what: the one permission table. Every route names one action from it (@Allow) or
 * says it is public (@Public); the guard refuses everything else. Whether a role may do an
 * action *at all* is decided here (403 otherwise); *which records* it may do it to is the
 * service's scope, applied in its queries (404 for what lies outside).
 */
export const ROLES = ['admin', 'staff', 'viewer', 'company'] as const;
export type Role = (typeof ROLES)[number];

const AGENCY: readonly Role[] = ['admin', 'staff'];
const AGENCY_READERS: readonly Role[] = ['admin', 'staff', 'viewer'];
const EVERYONE: readonly Role[] = ROLES;
const ADMIN: readonly Role[] = ['admin'];

export const PERMISSIONS = {
  // own account: every signed-in user
  'account:self': EVERYONE,
  // accounts and the audit trail
  'user:read': ADMIN,
  // the agency's own people (name and role only), to pick an owner or assignee
  'user:directory': AGENCY_READERS,
  'user:create': ADMIN,
  'user:update': ADMIN,
  'audit:read': ADMIN,
  'record:purge': ADMIN,
  // companies: a company user reads its own
  'company:read': EVERYONE,
  'company:write': AGENCY,
  // partners and contacts: a company user reads those linked to its leads
  'partner:read': EVERYONE,
  'partner:write': AGENCY,
  'contact:read': EVERYONE,
  'contact:write': AGENCY,
  // the contact log; confidential entries only for the agency's own staff
  'interaction:read': AGENCY_READERS,
  'interaction:read-confidential': AGENCY,
  'interaction:write': AGENCY,
  // follow-ups: a company user reads those assigned to it or its company and marks them done
  'follow-up:read': EVERYONE,
  'follow-up:write': AGENCY,
  'follow-up:complete': ['admin', 'staff', 'company'],
  // leads: a company user works its own (stage and notes only)
  'lead:read': EVERYONE,
  'lead:write': AGENCY,
  'lead:update': ['admin', 'staff', 'company'],
  'lead-note:read': EVERYONE,
  'lead-note:create': ['admin', 'staff', 'company'],
  // delegation trips: a company user reads the trips its company takes part in
  'trip:read': EVERYONE,
  'trip:write': AGENCY,
  'trip-cost:read': ['admin', 'staff', 'company'],
  'agreement:read': AGENCY_READERS,
  'agreement:write': AGENCY,
  'search:read': EVERYONE,
  // importing contacts, companies and partners from files (and undoing an import)
  'import:run': AGENCY,
  // the rights of a person under the GDPR (access, restriction, objection, erasure) and the
  // retention review of contacts
  'contact:privacy': AGENCY,
  // the machinery: background jobs and the outbox (mails hold personal data)
  'system:admin': ADMIN,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

/** The table as markdown, as printed in the README (a test keeps the two equal). */
export function permissionTableMarkdown(): string {
  const header = `| action | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = ACTIONS.map(
    (action) =>
      `| \`${action}\` | ${ROLES.map((role) => (can(role, action) ? '✓' : '')).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}

/** The agency's own roles; everyone else (a company's user) sees only its company's share. */
export const AGENCY_ROLES: readonly Role[] = ['admin', 'staff', 'viewer'];

/** Whether the caller works for the agency: the one test every scope starts from. */
export const isAgency = (actor: { role: Role }): boolean => AGENCY_ROLES.includes(actor.role);
