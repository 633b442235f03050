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
  {
    // Issue 19: search (docs/decisions/150-message-search.md). Message type any case, file
    // records (a partial index: only rows with a file), time ranges, and free text over the first
    // 64 KiB of each body. Bodies become text by 'escape' encoding, which never fails (bytes that
    // are not UTF-8, NUL), where convert_from would refuse the insert; every run of other than
    // letters and digits separates words, as SQLite's unicode61 does (the parser alone reads
    // `SVC-00123` as `svc` and `-00123`). Its COST (not inlined: plpgsql) tells the planner
    // that computing it row by row is dear: a rare word is looked up in the GIN index, not
    // recomputed on every row walking the primary key newest first (measured: 30 s against
    // milliseconds over a million rows; docs/decisions/150-message-search.md).
    version: 4,
    sql: `
    CREATE INDEX messages_type ON messages (lower(message_type), id);
    CREATE INDEX messages_file ON messages (((source_meta::jsonb) ->> 'file'), id)
      WHERE source_meta LIKE '%"file"%';
    CREATE INDEX messages_received ON messages (received_at);
    CREATE FUNCTION ers_body_tsv(body bytea) RETURNS tsvector
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 10000
      AS $$ BEGIN RETURN to_tsvector('simple'::regconfig, regexp_replace(
        encode(substring(body from 1 for 65536), 'escape'), '[^[:alnum:]]+', ' ', 'g')); END $$;
    CREATE INDEX messages_text ON messages USING gin (ers_body_tsv(raw));
    CREATE TABLE saved_filters (
      name TEXT PRIMARY KEY,
      query TEXT NOT NULL,
      saved_by TEXT NOT NULL,
      saved_at BIGINT NOT NULL
    );`,
  },
  {
    // The e-RS quota's slot line, shared by every instance of the application
    // (decision 205). One row per line; `next_at` is the next free slot in the database's clock,
    // epoch milliseconds with a fraction (600/min is 100 ms apart, 720/min 83.3 ms).
    version: 5,
    sql: `
    CREATE TABLE ers_quota (
      name TEXT PRIMARY KEY,
      next_at DOUBLE PRECISION NOT NULL
    );
    INSERT INTO ers_quota (name, next_at) VALUES ('ers', 0);`,
  },
];

export const PG_SCHEMA_VERSION = Math.max(...PG_MIGRATIONS.map((m) => m.version));
