import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admins' audit log page filters by user and by action, each newest first: an index for
 * each that also orders (the actor's alone did not). Record and time have theirs since the
 * table was made (`audit_events_entity_idx`, `audit_events_at_idx`).
 */
export class AuditFilters1764310000000 implements MigrationInterface {
  name = 'AuditFilters1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_events_actor_id_idx');
    await q.query('CREATE INDEX audit_events_actor_at_idx ON audit_events (actor_id, at, id)');
    await q.query('CREATE INDEX audit_events_action_at_idx ON audit_events (action, at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_events_action_at_idx');
    await q.query('DROP INDEX audit_events_actor_at_idx');
    await q.query('CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id)');
  }
}
