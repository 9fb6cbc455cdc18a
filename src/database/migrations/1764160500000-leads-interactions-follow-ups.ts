import { MigrationInterface, QueryRunner } from 'typeorm';

export class LeadsInteractionsFollowUps1764160500000 implements MigrationInterface {
  name = 'LeadsInteractionsFollowUps1764160500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id uuid NOT NULL REFERENCES companies (id),
        title text NOT NULL,
        description text,
        stage text NOT NULL DEFAULT 'new' CHECK (stage IN ('new', 'contacted', 'qualified', 'proposal', 'won', 'lost')),
        value_eur numeric(14, 2) CHECK (value_eur >= 0),
        expected_close_on date,
        contact_id uuid REFERENCES contacts (id),
        partner_id uuid REFERENCES partners (id),
        trip_id uuid REFERENCES trips (id),
        appointment_id uuid REFERENCES appointments (id),
        lost_reason text,
        owner_id uuid REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await db.query('CREATE INDEX leads_company_id_idx ON leads (company_id, created_at, id)');
    await db.query('CREATE INDEX leads_contact_id_idx ON leads (contact_id)');
    await db.query('CREATE INDEX leads_partner_id_idx ON leads (partner_id)');
    await db.query('CREATE INDEX leads_trip_id_idx ON leads (trip_id)');
    await db.query('CREATE INDEX leads_appointment_id_idx ON leads (appointment_id)');
    await db.query('CREATE INDEX leads_owner_id_idx ON leads (owner_id)');
    await db.query('CREATE INDEX leads_stage_idx ON leads (stage)');
    await db.query('CREATE INDEX leads_created_at_idx ON leads (created_at, id)');
    await db.query('CREATE INDEX leads_updated_at_idx ON leads (updated_at, id)');
    await db.query('CREATE INDEX leads_title_idx ON leads (lower(title), id)');
    await db.query('CREATE INDEX leads_value_idx ON leads ((coalesce(value_eur, 0)), id)');
    await db.query(
      `CREATE INDEX leads_expected_close_on_idx ON leads ((coalesce(expected_close_on, '9999-12-31'::date)), id)`,
    );
    await db.query('CREATE INDEX leads_deleted_at_idx ON leads (deleted_at)');
    await db.query(
      'CREATE INDEX leads_search_idx ON leads USING gin (immutable_unaccent(lower(title)) gin_trgm_ops)',
    );

    await db.query(`
      CREATE TABLE lead_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads (id),
        author_id uuid NOT NULL REFERENCES users (id),
        body text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX lead_notes_lead_id_idx ON lead_notes (lead_id, created_at, id)');
    await db.query('CREATE INDEX lead_notes_author_id_idx ON lead_notes (author_id)');

    await db.query(`
      CREATE TABLE interactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz(3) NOT NULL,
        kind text NOT NULL DEFAULT 'meeting' CHECK (kind IN ('meeting', 'call', 'email', 'event', 'visit', 'reception', 'other')),
        subject text NOT NULL,
        summary text,
        location text,
        trip_id uuid REFERENCES trips (id),
        appointment_id uuid REFERENCES appointments (id),
        confidential boolean NOT NULL DEFAULT false,
        author_id uuid NOT NULL REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await db.query('CREATE INDEX interactions_occurred_at_idx ON interactions (occurred_at, id)');
    await db.query('CREATE INDEX interactions_created_at_idx ON interactions (created_at, id)');
    await db.query('CREATE INDEX interactions_trip_id_idx ON interactions (trip_id)');
    await db.query('CREATE INDEX interactions_appointment_id_idx ON interactions (appointment_id)');
    await db.query('CREATE INDEX interactions_author_id_idx ON interactions (author_id)');
    await db.query('CREATE INDEX interactions_kind_idx ON interactions (kind)');
    await db.query('CREATE INDEX interactions_deleted_at_idx ON interactions (deleted_at)');
    await db.query(
      `CREATE INDEX interactions_search_idx ON interactions USING gin (immutable_unaccent(lower(subject || ' ' || coalesce(summary, ''))) gin_trgm_ops)`,
    );
    for (const [table, column, target] of [
      ['interaction_contacts', 'contact_id', 'contacts'],
      ['interaction_companies', 'company_id', 'companies'],
      ['interaction_partners', 'partner_id', 'partners'],
    ]) {
      await db.query(`
        CREATE TABLE ${table} (
          interaction_id uuid NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
          ${column} uuid NOT NULL REFERENCES ${target} (id),
          PRIMARY KEY (interaction_id, ${column})
        )`);
      await db.query(`CREATE INDEX ${table}_${column}_idx ON ${table} (${column}, interaction_id)`);
    }

    await db.query(`
      CREATE TABLE follow_ups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        notes text,
        due_on date,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
        assignee_id uuid REFERENCES users (id),
        company_id uuid REFERENCES companies (id),
        contact_id uuid REFERENCES contacts (id),
        partner_id uuid REFERENCES partners (id),
        lead_id uuid REFERENCES leads (id),
        interaction_id uuid REFERENCES interactions (id),
        agreement_id uuid REFERENCES agreements (id),
        trip_id uuid REFERENCES trips (id),
        completed_at timestamptz(3),
        created_by uuid REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3),
        CONSTRAINT follow_ups_assigned CHECK (assignee_id IS NOT NULL OR company_id IS NOT NULL)
      )`);
    await db.query(
      `CREATE INDEX follow_ups_due_on_idx ON follow_ups ((coalesce(due_on, '9999-12-31'::date)), id)`,
    );
    await db.query(
      `CREATE INDEX follow_ups_open_due_idx ON follow_ups (due_on) WHERE status = 'open' AND deleted_at IS NULL`,
    );
    await db.query('CREATE INDEX follow_ups_created_at_idx ON follow_ups (created_at, id)');
    await db.query('CREATE INDEX follow_ups_status_idx ON follow_ups (status)');
    await db.query('CREATE INDEX follow_ups_priority_idx ON follow_ups (priority)');
    for (const column of [
      'assignee_id',
      'company_id',
      'contact_id',
      'partner_id',
      'lead_id',
      'interaction_id',
      'agreement_id',
      'trip_id',
      'created_by',
    ]) {
      await db.query(`CREATE INDEX follow_ups_${column}_idx ON follow_ups (${column})`);
    }
    await db.query('CREATE INDEX follow_ups_deleted_at_idx ON follow_ups (deleted_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE follow_ups');
    await db.query('DROP TABLE interaction_partners');
    await db.query('DROP TABLE interaction_companies');
    await db.query('DROP TABLE interaction_contacts');
    await db.query('DROP TABLE interactions');
    await db.query('DROP TABLE lead_notes');
    await db.query('DROP TABLE leads');
  }
}
