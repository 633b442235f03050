/**
 * Versioned schema of the PostgreSQL store: the same tables, columns and hot-path indexes as the
 * SQLite store (src/store/sqlite/migrations.ts), so `src/store/rows.ts` reads both. JSON stays
 * TEXT (written and parsed by the shared row helpers; nothing queries inside it) and times are
 * epoch milliseconds in BIGINT. Append a migration, never edit one that shipped.
 * `events` and `audit` refuse UPDATE, DELETE and TRUNCATE; `ers_audit` refuses UPDATE.
 */
import { CLAIMABLE_STATUSES } from '../../core/store-types.js';

const ACTIVE = `(${CLAIMABLE_STATUSES.map((s) => `'${s}'`).join(',')})`;

const refuse = (table: string, what: string): string => `
  CREATE TRIGGER ${table}_append_only BEFORE ${what} ON ${table}
    FOR EACH STATEMENT EXECUTE FUNCTION ers_append_only();`;

export const PG_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE messages (
      id BIGSERIAL PRIMARY KEY,
      channel TEXT NOT NULL,
      sender TEXT NOT NULL,
      control_id TEXT,
      content_type TEXT NOT NULL,
      raw BYTEA,
      ordering_key TEXT,
      message_type TEXT,
      source_meta TEXT NOT NULL DEFAULT '{}',
      search_keys TEXT NOT NULL DEFAULT '{}',
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at BIGINT NOT NULL DEFAULT 0,
      mapping_hash TEXT,
      mapped_input TEXT,
      destination_results TEXT NOT NULL DEFAULT '{}',
      in_flight_destination TEXT,
      outbound_request TEXT,
      outbound_response TEXT,
      reply TEXT,
      error TEXT,
      error_code TEXT,
      lease_owner TEXT,
      lease_until BIGINT,
      received_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      pruned_at BIGINT
    );
    CREATE UNIQUE INDEX messages_dedup ON messages(channel, sender, control_id)
      WHERE control_id IS NOT NULL;
    CREATE INDEX messages_claim ON messages(channel, id) WHERE status IN ${ACTIVE};
    CREATE INDEX messages_key_active ON messages(ordering_key, id)
      WHERE status IN ${ACTIVE} AND ordering_key IS NOT NULL;
    CREATE INDEX messages_status_id ON messages(status, id);
    CREATE TABLE message_search (
      name TEXT NOT NULL,
      value TEXT NOT NULL,
      message_id BIGINT NOT NULL,
      PRIMARY KEY (name, value, message_id)
    );
    CREATE FUNCTION ers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
    CREATE TABLE events (
      id BIGSERIAL PRIMARY KEY,
      message_id BIGINT NOT NULL,
      at BIGINT NOT NULL,
      status TEXT,
      stage TEXT NOT NULL,
      actor TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_message ON events(message_id, id);
    ${refuse('events', 'UPDATE OR DELETE OR TRUNCATE')}
    CREATE TABLE audit (
      id BIGSERIAL PRIMARY KEY,
      at BIGINT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_at ON audit(at);
    ${refuse('audit', 'UPDATE OR DELETE OR TRUNCATE')}
    CREATE TABLE ers_audit (
      id BIGSERIAL PRIMARY KEY,
      at BIGINT NOT NULL,
      endpoint TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX ers_audit_at ON ers_audit(at);
    ${refuse('ers_audit', 'UPDATE')}
    CREATE TABLE checkpoints (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at BIGINT NOT NULL
    );`,
  },
  {
    // Issue 16: dedup on (sender, control id, content hash); attempt history. Bodies already
    // pruned have no hash: a later message with their control id counts as a reuse.
    version: 2,
    sql: `
    ALTER TABLE messages ADD COLUMN content_hash TEXT;
    UPDATE messages SET content_hash = encode(sha256(raw), 'hex') WHERE raw IS NOT NULL;
    DROP INDEX messages_dedup;
    CREATE UNIQUE INDEX messages_dedup ON messages(channel, sender, control_id, content_hash)
      WHERE control_id IS NOT NULL;
    CREATE TABLE message_attempts (
      id BIGSERIAL PRIMARY KEY,
      message_id BIGINT NOT NULL,
      at BIGINT NOT NULL,
      attempt INTEGER NOT NULL,
      destination TEXT,
      outcome TEXT NOT NULL,
      request TEXT,
      response TEXT,
      error TEXT
    );
    CREATE INDEX message_attempts_message ON message_attempts(message_id, id);`,
  },
  {
    // Issue 18: the text behind every mapping hash a message records.
    version: 3,
    sql: `
    CREATE TABLE mapping_versions (
      hash TEXT PRIMARY KEY,
      mapping_id TEXT NOT NULL,
      file TEXT NOT NULL,
      text TEXT NOT NULL,
      tables TEXT NOT NULL,
      first_seen_at BIGINT NOT NULL
    );
    CREATE INDEX mapping_versions_id ON mapping_versions(mapping_id, first_seen_at);`,
  },
];

export const PG_SCHEMA_VERSION = Math.max(...PG_MIGRATIONS.map((m) => m.version));
