import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A company user sees a partner once a lead of its company names it (src/partners/scope.ts):
 * "a lead naming this partner, of this company" is now one index probe. With the partner's index
 * alone and the company's beside it, the planner combined the two — a company with 1,600 leads
 * read all its leads' index entries for every partner a page named (2.9 of the 4.1 ms a company
 * user's list of 50 leads spent finding out what it reveals). The new index leads with the same
 * column, so it serves every lookup the old one did (the foreign key, the `partnerId` filter).
 *
 * Not so for contacts: with (contact_id, company_id) the planner walked the contacts list's name
 * index further and in parallel to find a company user's contacts (37 ms against 20 for page 1
 * of 200,000 contacts), so leads_contact_id_idx stays as it is.
 */
export class LeadScopeIndexes1764390000000 implements MigrationInterface {
  name = 'LeadScopeIndexes1764390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX leads_partner_company_idx ON leads (partner_id, company_id)');
    await q.query('DROP INDEX leads_partner_id_idx');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX leads_partner_id_idx ON leads (partner_id)');
    await q.query('DROP INDEX leads_partner_company_idx');
  }
}
