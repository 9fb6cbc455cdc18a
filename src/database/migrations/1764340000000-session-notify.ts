import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change that ends or alters a session's caller notifies the channel `liaison_sessions`
 * (src/auth/session-cache.ts), sent at commit, so each instance drops its cached session check:
 * a session revoked or its expiry changed (`s:<id>`); a user's activity, role, company or
 * password changed, or a second factor confirmed or removed (`u:<id>`). Triggers, so no code path
 * can forget it; recording a session's or a passkey's last use notifies nothing.
 */
export class SessionNotify1764340000000 implements MigrationInterface {
  name = 'SessionNotify1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('liaison_sessions', TG_ARGV[0] || ':' || (to_jsonb(OLD) ->> TG_ARGV[1]));
        ELSE
          PERFORM pg_notify('liaison_sessions', TG_ARGV[0] || ':' || (to_jsonb(NEW) ->> TG_ARGV[1]));
          IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[1]) IS DISTINCT FROM (to_jsonb(NEW) ->> TG_ARGV[1]) THEN
            PERFORM pg_notify('liaison_sessions', TG_ARGV[0] || ':' || (to_jsonb(OLD) ->> TG_ARGV[1]));
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER sessions_notify_update AFTER UPDATE ON sessions FOR EACH ROW
      WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
            OR OLD.user_id IS DISTINCT FROM NEW.user_id)
      EXECUTE FUNCTION notify_session_change('s', 'id')`);
    await q.query(`
      CREATE TRIGGER sessions_notify_delete AFTER DELETE ON sessions FOR EACH ROW
      EXECUTE FUNCTION notify_session_change('s', 'id')`);
    await q.query(`
      CREATE TRIGGER users_notify_update AFTER UPDATE ON users FOR EACH ROW
      WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.role IS DISTINCT FROM NEW.role
            OR OLD.company_id IS DISTINCT FROM NEW.company_id
            OR OLD.password_hash IS DISTINCT FROM NEW.password_hash)
      EXECUTE FUNCTION notify_session_change('u', 'id')`);
    await q.query(`
      CREATE TRIGGER users_notify_delete AFTER DELETE ON users FOR EACH ROW
      EXECUTE FUNCTION notify_session_change('u', 'id')`);
    await q.query(`
      CREATE TRIGGER user_totp_notify AFTER INSERT OR DELETE ON user_totp FOR EACH ROW
      EXECUTE FUNCTION notify_session_change('u', 'user_id')`);
    await q.query(`
      CREATE TRIGGER user_totp_notify_update AFTER UPDATE ON user_totp FOR EACH ROW
      WHEN (OLD.confirmed_at IS DISTINCT FROM NEW.confirmed_at OR OLD.user_id IS DISTINCT FROM NEW.user_id)
      EXECUTE FUNCTION notify_session_change('u', 'user_id')`);
    await q.query(`
      CREATE TRIGGER passkeys_notify AFTER INSERT OR DELETE ON passkeys FOR EACH ROW
      EXECUTE FUNCTION notify_session_change('u', 'user_id')`);
    await q.query(`
      CREATE TRIGGER passkeys_notify_update AFTER UPDATE ON passkeys FOR EACH ROW
      WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
      EXECUTE FUNCTION notify_session_change('u', 'user_id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [trigger, table] of [
      ['passkeys_notify_update', 'passkeys'],
      ['passkeys_notify', 'passkeys'],
      ['user_totp_notify_update', 'user_totp'],
      ['user_totp_notify', 'user_totp'],
      ['users_notify_delete', 'users'],
      ['users_notify_update', 'users'],
      ['sessions_notify_delete', 'sessions'],
      ['sessions_notify_update', 'sessions'],
    ])
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    await q.query('DROP FUNCTION notify_session_change()');
  }
}
