/**
 * The one rule of a contact's last activity, as SQL over the contact aliased `c`: the latest of
 * its own last change, the interactions naming it (when they took place or were last changed),
 * and the last change of the leads and follow-ups linked to it — live records only. Appointments
 * and delegates name no contacts (they name companies, partners and users), so they add nothing.
 *
 * Each part is one probe of an index by contact id (interaction_contacts_contact_id_idx, then
 * the interaction's primary key; leads_contact_id_idx; follow_ups_contact_id_idx), so a review
 * of 200,000 contacts costs a few probes per contact whose own `updated_at` is old enough
 * (contacts_updated_at_idx picks those), never a scan of the linked tables.
 */
export const lastActivity = (c: string): string => `GREATEST(
  ${c}.updated_at,
  (SELECT max(GREATEST(ri.occurred_at, ri.updated_at))
     FROM interaction_contacts ric JOIN interactions ri ON ri.id = ric.interaction_id
    WHERE ric.contact_id = ${c}.id AND ri.deleted_at IS NULL),
  (SELECT max(rl.updated_at) FROM leads rl
    WHERE rl.contact_id = ${c}.id AND rl.deleted_at IS NULL),
  (SELECT max(rf.updated_at) FROM follow_ups rf
    WHERE rf.contact_id = ${c}.id AND rf.deleted_at IS NULL))`;
