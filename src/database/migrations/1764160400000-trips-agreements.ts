import { MigrationInterface, QueryRunner } from 'typeorm';

export class TripsAgreements1764160400000 implements MigrationInterface {
  name = 'TripsAgreements1764160400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE trips (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        purpose text,
        destinations jsonb NOT NULL DEFAULT '[]',
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'confirmed', 'completed', 'cancelled')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3),
        CONSTRAINT trips_ends_after_start CHECK (ends_on >= starts_on)
      )`);
    await db.query('CREATE INDEX trips_starts_on_idx ON trips (starts_on, id)');
    await db.query('CREATE INDEX trips_created_at_idx ON trips (created_at, id)');
    await db.query('CREATE INDEX trips_status_idx ON trips (status)');
    await db.query('CREATE INDEX trips_deleted_at_idx ON trips (deleted_at)');
    await db.query(
      'CREATE INDEX trips_title_search_idx ON trips USING gin (immutable_unaccent(lower(title)) gin_trgm_ops)',
    );

    await db.query(`
      CREATE TABLE participants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trip_id uuid NOT NULL REFERENCES trips (id),
        name text NOT NULL,
        function text,
        company_id uuid REFERENCES companies (id),
        user_id uuid REFERENCES users (id),
        cost_bearer text NOT NULL DEFAULT 'self' CHECK (cost_bearer IN ('self', 'agency')),
        estimated_cost_eur numeric(14, 2) CHECK (estimated_cost_eur >= 0),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await db.query(
      'CREATE INDEX participants_trip_id_idx ON participants (trip_id, created_at, id)',
    );
    await db.query('CREATE INDEX participants_company_id_idx ON participants (company_id)');
    await db.query('CREATE INDEX participants_user_id_idx ON participants (user_id)');

    await db.query(`
      CREATE TABLE appointments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trip_id uuid NOT NULL REFERENCES trips (id),
        title text NOT NULL,
        kind text NOT NULL DEFAULT 'meeting' CHECK (kind IN ('state_reception', 'company_visit', 'signing', 'meeting', 'networking', 'site_visit', 'other')),
        starts_at timestamptz(3) NOT NULL,
        ends_at timestamptz(3) NOT NULL,
        time_zone text NOT NULL,
        city text,
        venue text,
        partner_id uuid REFERENCES partners (id),
        company_id uuid REFERENCES companies (id),
        restricted boolean NOT NULL DEFAULT false,
        notes text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3),
        CONSTRAINT appointments_ends_after_start CHECK (ends_at > starts_at)
      )`);
    await db.query(
      'CREATE INDEX appointments_trip_id_idx ON appointments (trip_id, starts_at, id)',
    );
    await db.query('CREATE INDEX appointments_partner_id_idx ON appointments (partner_id)');
    await db.query('CREATE INDEX appointments_company_id_idx ON appointments (company_id)');
    await db.query(`
      CREATE TABLE appointment_attendees (
        appointment_id uuid NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
        participant_id uuid NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
        PRIMARY KEY (appointment_id, participant_id)
      )`);
    await db.query(
      'CREATE INDEX appointment_attendees_participant_id_idx ON appointment_attendees (participant_id)',
    );

    await db.query(`
      CREATE TABLE agreements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        partner_id uuid NOT NULL REFERENCES partners (id),
        title text NOT NULL,
        kind text NOT NULL DEFAULT 'cooperation' CHECK (kind IN ('cooperation', 'mou', 'friendship', 'other')),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'negotiating', 'signed', 'active', 'expired', 'terminated')),
        signed_on date,
        appointment_id uuid REFERENCES appointments (id),
        signatories text[] NOT NULL DEFAULT '{}',
        valid_until date,
        review_on date,
        summary text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        deleted_at timestamptz(3)
      )`);
    await db.query('CREATE INDEX agreements_partner_id_idx ON agreements (partner_id)');
    await db.query('CREATE INDEX agreements_appointment_id_idx ON agreements (appointment_id)');
    await db.query('CREATE INDEX agreements_status_idx ON agreements (status)');
    await db.query('CREATE INDEX agreements_kind_idx ON agreements (kind)');
    await db.query('CREATE INDEX agreements_created_at_idx ON agreements (created_at, id)');
    await db.query(
      `CREATE INDEX agreements_signed_on_idx ON agreements ((coalesce(signed_on, '0001-01-01'::date)), id)`,
    );
    await db.query('CREATE INDEX agreements_review_on_idx ON agreements (review_on)');
    await db.query('CREATE INDEX agreements_deleted_at_idx ON agreements (deleted_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE agreements');
    await db.query('DROP TABLE appointment_attendees');
    await db.query('DROP TABLE appointments');
    await db.query('DROP TABLE participants');
    await db.query('DROP TABLE trips');
  }
}
