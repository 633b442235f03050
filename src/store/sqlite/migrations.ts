import { sqliteOrderingIdSql } from '../ordering-id.js';

/**
 * Every secondary index on `messages` is paid on each durable insert (measured: six of them cut
 * 1,000-row batches from ~40k to ~15k rows/s), so only the ones the hot paths need exist: claims,
 * per-key ordering, dedup, and status for the operator's browser. Channel and time filters ride
 * the primary key (newest first) and stop at the page size.
 *
 * Versioned schema of the SQLite store. Append a migration, never edit one that shipped.
 * `events`, `audit` and `ers_audit` are append-only: triggers refuse UPDATE and DELETE, so not
 * even a bug in our code can rewrite history.
 */
const ACTIVE = `('RECEIVED','TRANSFORMED','QUEUED')`;

const appendOnly = (table: string): string => `
  CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
  CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
    BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

export const SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
    CREATE TABLE messages (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      channel TEXT NOT NULL,
      sender TEXT NOT NULL,
      control_id TEXT,
      content_type TEXT NOT NULL,
      raw BLOB,
      ordering_key TEXT,
      message_type TEXT,
      source_meta TEXT NOT NULL DEFAULT '{}',
      search_keys TEXT NOT NULL DEFAULT '{}',
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
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
      lease_until INTEGER,
      received_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      pruned_at INTEGER
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
      message_id INTEGER NOT NULL,
      PRIMARY KEY (name, value, message_id)
    ) WITHOUT ROWID;
    CREATE TABLE events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      status TEXT,
      stage TEXT NOT NULL,
      actor TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_message ON events(message_id, id);
    ${appendOnly('events')}
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_at ON audit(at);
    ${appendOnly('audit')}
    CREATE TABLE ers_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      endpoint TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX ers_audit_at ON ers_audit(at);
    CREATE TRIGGER ers_audit_no_update BEFORE UPDATE ON ers_audit
      BEGIN SELECT RAISE(ABORT, 'ers_audit is append-only'); END;
    CREATE TABLE checkpoints (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );`,
  },
  {
    // Issue 16: dedup on (sender, control id, content hash); attempt history. Bodies already
    // pruned have no hash: a later message with their control id counts as a reuse.
    version: 2,
    sql: `
    ALTER TABLE messages ADD COLUMN content_hash TEXT;
    UPDATE messages SET content_hash = ers_sha256_hex(raw) WHERE raw IS NOT NULL;
    DROP INDEX messages_dedup;
    CREATE UNIQUE INDEX messages_dedup ON messages(channel, sender, control_id, content_hash)
      WHERE control_id IS NOT NULL;
    CREATE TABLE message_attempts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
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
      first_seen_at INTEGER NOT NULL
    );
    CREATE INDEX mapping_versions_id ON mapping_versions(mapping_id, first_seen_at);`,
  },
  {
    // Issue 19: search (docs/decisions/150-message-search.md). Message type any case, file
    // records (a partial index: only rows with a file), time ranges, and free text over the first
    // 64 KiB of each body (FTS5, contentless: the body is not stored twice; pruning removes it).
    version: 4,
    sql: `
    CREATE INDEX messages_type ON messages(message_type COLLATE NOCASE);
    CREATE INDEX messages_file ON messages(json_extract(source_meta, '$.file'))
      WHERE source_meta LIKE '%"file"%';
    CREATE INDEX messages_received ON messages(received_at);
    CREATE VIRTUAL TABLE message_text USING fts5(body, content='', contentless_delete=1);
    CREATE TRIGGER message_text_add AFTER INSERT ON messages WHEN new.raw IS NOT NULL
      BEGIN
        INSERT INTO message_text (rowid, body) VALUES (new.id, CAST(substr(new.raw, 1, 65536) AS TEXT));
      END;
    CREATE TRIGGER message_text_prune AFTER UPDATE OF raw ON messages
      WHEN old.raw IS NOT NULL AND new.raw IS NULL
      BEGIN DELETE FROM message_text WHERE rowid = old.id; END;
    INSERT INTO message_text (rowid, body)
      SELECT id, CAST(substr(raw, 1, 65536) AS TEXT) FROM messages WHERE raw IS NOT NULL;
    CREATE TABLE saved_filters (
      name TEXT PRIMARY KEY,
      query TEXT NOT NULL,
      saved_by TEXT NOT NULL,
      saved_at INTEGER NOT NULL
    );`,
  },
  {
    // Issue 20: the free-text index is filled after the append commits, on the writer thread
    // (docs/decisions/175-free-text-after-commit.md): the insert trigger cost every ACK's
    // transaction a quarter of its time. `message_text_progress` holds the highest message id
    // indexed, written in the same transaction as the index rows (a crash neither skips nor
    // indexes twice). Every row stored before this migration was indexed by the trigger.
    version: 5,
    sql: `
    DROP TRIGGER message_text_add;
    CREATE TABLE message_text_progress (
      one INTEGER PRIMARY KEY CHECK (one = 1),
      indexed_to INTEGER NOT NULL
    );
    INSERT INTO message_text_progress (one, indexed_to)
      SELECT 1, COALESCE(MAX(id), 0) FROM messages;`,
  },
  {
    // Issue 20 (docs/decisions/190-append-cost.md): the free-text index without positions
    // (`detail=none`). A search is an AND of single words (filter-sql's textTerms: each one exactly
    // one token), which needs only which rows hold a word, not where: ~30% less CPU per body
    // indexed and a smaller index. FTS5 cannot change `detail` in place, so the index is made
    // again: the watermark goes back to 0 and the writer re-indexes every stored body in the
    // background (a free-text query before it has finished catches up first, as always).
    version: 6,
    sql: `
    DROP TRIGGER message_text_prune;
    DROP TABLE message_text;
    CREATE VIRTUAL TABLE message_text USING fts5(body, content='', contentless_delete=1, detail=none);
    CREATE TRIGGER message_text_prune AFTER UPDATE OF raw ON messages
      WHEN old.raw IS NOT NULL AND new.raw IS NULL
      BEGIN DELETE FROM message_text WHERE rowid = old.id; END;
    UPDATE message_text_progress SET indexed_to = 0;`,
  },
  {
    // Issue 20 (docs/decisions/220-ordering-id.md): the claim's per-key index holds the ordering
    // key as a 64-bit integer (`ordering_id`, bound by the appending thread), not 32 hex
    // characters: ~13% fewer WAL bytes per stored row. Every stored key is converted, not only
    // the active ones: a reprocessed message is active again and must wait behind its key. The
    // text stays for reading back (`orderingKey`); a changed key changes the id with it.
    version: 7,
    sql: `
    ALTER TABLE messages ADD COLUMN ordering_id INTEGER;
    UPDATE messages SET ordering_id = ${sqliteOrderingIdSql('ordering_key')}
      WHERE ordering_key IS NOT NULL;
    DROP INDEX messages_key_active;
    CREATE INDEX messages_key_active ON messages(ordering_id, id)
      WHERE status IN ${ACTIVE} AND ordering_id IS NOT NULL;
    CREATE TRIGGER messages_ordering_id AFTER UPDATE OF ordering_key ON messages
      BEGIN
        UPDATE messages SET ordering_id = ${sqliteOrderingIdSql('new.ordering_key')}
          WHERE id = new.id;
      END;`,
  },
];

export const SQLITE_SCHEMA_VERSION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));
