/**
 * The one rule of a contact's activity: its own last change, the interactions naming it (when
 * they took place or were last changed), and the last change of the leads and follow-ups linked
 * to it — live records only. Appointments and delegates name no contacts (they name companies,
 * partners and users), so they add nothing. Both SQL forms below are built from this list.
 */
const SOURCES = [
  {
    from: 'interaction_contacts ric JOIN interactions ri ON ri.id = ric.interaction_id',
    contact: 'ric.contact_id',
    live: 'ri.deleted_at IS NULL',
    at: ['ri.occurred_at', 'ri.updated_at'],
  },
  {
    from: 'leads rl',
    contact: 'rl.contact_id',
    live: 'rl.deleted_at IS NULL',
    at: ['rl.updated_at'],
  },
  {
    from: 'follow_ups rf',
    contact: 'rf.contact_id',
    live: 'rf.deleted_at IS NULL',
    at: ['rf.updated_at'],
  },
] as const;

/**
 * The latest activity of the contact aliased `c`: one probe per source of an index by contact id
 * (interaction_contacts_contact_id_idx, leads_contact_id_idx, follow_ups_contact_id_idx), so
 * it is computed only for the few contacts a review finds.
 */
export const lastActivity = (c: string): string =>
  `GREATEST(${c}.updated_at, ${SOURCES.map(
    (s) =>
      `(SELECT max(${s.at.length > 1 ? `GREATEST(${s.at.join(', ')})` : s.at[0]}) FROM ${s.from}
        WHERE ${s.contact} = ${c}.id AND ${s.live})`,
  ).join(', ')})`;

/**
 * The ids of contacts with activity in the linked records since `since` (an SQL instant): each
 * source read through its index on the time (interactions_occurred_at_idx and
 * interactions_updated_at_idx, leads_updated_at_idx, follow_ups_updated_at_idx), so it is the
 * recent rows only. A contact is quiet since then when its own `updated_at` is older and it is
 * not among these: the review's anti-join, with no probe per contact.
 */
export const activeSince = (since: string): string =>
  SOURCES.map(
    (s) =>
      `SELECT ${s.contact} AS contact_id FROM ${s.from}
       WHERE ${s.live} AND ${s.contact} IS NOT NULL
         AND (${s.at.map((a) => `${a} >= ${since}`).join(' OR ')})`,
  ).join('\nUNION\n');
