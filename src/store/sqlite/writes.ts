import { reuseError, reuseEventDetail } from '../dedup.js';
import { sqlList } from '../filter-sql.js';
import { decideReprocess } from '../reprocess-rules.js';
import { DELETE_FILTER_SQL, SAVE_FILTER_SQL, saveFilterParams } from '../saved-filters.js';
import { learnedSearchKeys } from '../search-keys.js';
import { type MessageRow, patchAssignments, rowToMessage, toJson } from '../rows.js';
import {
  CLAIMABLE_STATUSES,
  UNRESOLVED_STATUSES,
  type AuditEntry,
  type ClaimRequest,
  type ErsAuditEntry,
  type MappingVersion,
  type NewAttemptRecord,
  type ReprocessResult,
  type PruneRequest,
  type SavedFilter,
  type Transition,
} from '../../core/store-types.js';
import type Database from 'better-sqlite3';
import { unsynced, type SqliteDatabase } from './open.js';
import { TextIndexer } from './text-index.js';
import type { AppendRow } from './append-row.js';

/**
 * Every write the SQLite store makes, as plain data: so the same code runs on the writer thread
 * (a file store: commits and their fsyncs off the event loop) or inline (`:memory:`).
 */
export type StoreWrite =
  | { readonly kind: 'append'; readonly row: AppendRow }
  | { readonly kind: 'transition'; readonly id: number; readonly t: Transition }
  /** Audit rows too: an e-RS call writes one, and 64 calls under way each committing its own
   * row queued every append (every ACK) behind 64 fsyncs (decision 140). */
  | { readonly kind: 'audit'; readonly entry: Omit<AuditEntry, 'id'> }
  | { readonly kind: 'ersAudit'; readonly entry: Omit<ErsAuditEntry, 'id'> };

export type WriteOp =
  | { readonly op: 'commit'; readonly items: readonly StoreWrite[]; readonly now: number }
  | { readonly op: 'appendMany'; readonly items: readonly AppendRow[]; readonly now: number }
  /** A claim in a transaction of its own, not synced (decision 140, "claims without an fsync"). */
  | { readonly op: 'claim'; readonly request: ClaimRequest }
  | { readonly op: 'releaseLeases'; readonly owner: string }
  | {
      readonly op: 'reprocess';
      readonly id: number;
      readonly actor: string;
      readonly note: string | undefined;
      readonly force: boolean;
      readonly now: number;
    }
  | {
      readonly op: 'setCheckpoint';
      readonly key: string;
      readonly json: string;
      readonly now: number;
    }
  | { readonly op: 'deleteCheckpoint'; readonly key: string }
  | { readonly op: 'recordMappingVersion'; readonly version: MappingVersion }
  | { readonly op: 'prune'; readonly request: PruneRequest }
  | { readonly op: 'saveFilter'; readonly filter: SavedFilter }
  | { readonly op: 'deleteFilter'; readonly name: string }
  | { readonly op: 'synchronousMode' }
  /** Brings the free-text index up to every row stored (before a free-text query). */
  | { readonly op: 'indexText' };

/** An append's answer before the row is turned into a StoredMessage by the caller's thread. */
export interface AppendRowResult {
  readonly id: number;
  readonly duplicateRow?: MessageRow;
  readonly controlIdReused?: { readonly firstId: number; readonly refused: boolean };
}

export interface ClaimRowsResult {
  readonly rows: MessageRow[];
  readonly leaseUntil: number;
}

export type CommitResult = AppendRowResult | boolean | undefined;

const ACTIVE = sqlList(CLAIMABLE_STATUSES);

/** A Buffer that crossed a thread boundary arrives as a plain Uint8Array; SQLite binds Buffers. */
export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The write side of the store on one connection. Each method is one transaction, begun
 * IMMEDIATE: a deferred one that reads first and then writes fails at once with "database is
 * locked" when another connection (the engine, or the CLI) committed in between, where IMMEDIATE
 * waits its turn (busy_timeout).
 */
export class SqliteWrites {
  private readonly stmt;
  /** Prepared once per distinct SQL text: a transition's UPDATE depends on which patch fields it
   * sets (a handful of shapes), and preparing it every time was 8% of the writer thread. */
  private readonly prepared = new Map<string, Database.Statement>();
  private readonly commitTx: Database.Transaction<
    (items: readonly StoreWrite[], now: number) => CommitResult[]
  >;
  private readonly appendManyTx: Database.Transaction<
    (items: readonly AppendRow[], now: number) => AppendRowResult[]
  >;
  private readonly claimTx: Database.Transaction<(request: ClaimRequest) => ClaimRowsResult>;

  /** Fills the free-text index after commits (decision 175). */
  readonly text: TextIndexer;
  constructor(private readonly db: SqliteDatabase) {
    this.text = new TextIndexer(db);
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO messages (channel, sender, control_id, content_type, raw, ordering_key,
           message_type, source_meta, search_keys, status, received_at, updated_at, next_attempt_at,
           content_hash, ordering_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'RECEIVED', ?, ?, 0, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id`,
      ),
      byDedupKey: db.prepare(
        'SELECT * FROM messages WHERE channel = ? AND sender = ? AND control_id = ? AND content_hash = ?',
      ),
      // The dedup index answers this: the first other message with this control id.
      firstOther: db.prepare(
        'SELECT MIN(id) AS id FROM messages WHERE channel = ? AND sender = ? AND control_id = ? AND id <> ?',
      ),
      refuse: db.prepare(
        `UPDATE messages SET status = 'ERROR', error = ?, error_code = 'CONTROL_ID_REUSED' WHERE id = ?`,
      ),
      attempt: db.prepare(
        `INSERT INTO message_attempts (message_id, at, attempt, destination, outcome, request,
           response, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      byId: db.prepare('SELECT * FROM messages WHERE id = ?'),
      event: db.prepare(
        'INSERT INTO events (message_id, at, status, stage, actor, detail) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      searchKey: db.prepare(
        'INSERT OR IGNORE INTO message_search (name, value, message_id) VALUES (?, ?, ?)',
      ),
      lease: db.prepare('UPDATE messages SET lease_owner = ?, lease_until = ? WHERE id = ?'),
      audit: db.prepare(
        'INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)',
      ),
      ersAudit: db.prepare('INSERT INTO ers_audit (at, endpoint, detail) VALUES (?, ?, ?)'),
    };
    this.commitTx = db.transaction((items: readonly StoreWrite[], now: number) =>
      items.map((w): CommitResult => {
        switch (w.kind) {
          case 'append':
            return this.insertOne(w.row, now);
          case 'transition':
            return this.applyTransition(w.id, w.t, now);
          case 'audit':
            this.stmt.audit.run(
              w.entry.at,
              w.entry.actor,
              w.entry.action,
              w.entry.target,
              JSON.stringify(w.entry.detail),
            );
            return undefined;
          case 'ersAudit':
            this.stmt.ersAudit.run(w.entry.at, w.entry.endpoint, JSON.stringify(w.entry.detail));
            return undefined;
        }
      }),
    );
    this.appendManyTx = db.transaction((items: readonly AppendRow[], now: number) =>
      items.map((m) => this.insertOne(m, now)),
    );
    this.claimTx = db.transaction((request: ClaimRequest) => this.claimRows(request));
  }

  private statement(sql: string): Database.Statement {
    let found = this.prepared.get(sql);
    if (found === undefined) {
      found = this.db.prepare(sql);
      this.prepared.set(sql, found);
    }
    return found;
  }

  execute(op: WriteOp): unknown {
    switch (op.op) {
      case 'commit':
        return this.commitTx.immediate(op.items, op.now);
      case 'appendMany':
        return this.appendManyTx.immediate(op.items, op.now);
      case 'claim':
        return this.claimUnsynced(op.request);
      case 'releaseLeases':
        return this.db
          .prepare(
            'UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?',
          )
          .run(op.owner).changes;
      case 'reprocess':
        return this.reprocess(op);
      case 'setCheckpoint':
        this.db
          .prepare(
            `INSERT INTO checkpoints (key, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
          )
          .run(op.key, op.json, op.now);
        return undefined;
      case 'deleteCheckpoint':
        this.db.prepare('DELETE FROM checkpoints WHERE key = ?').run(op.key);
        return undefined;
      case 'recordMappingVersion': {
        const v = op.version;
        const { changes } = this.db
          .prepare(
            `INSERT INTO mapping_versions (hash, mapping_id, file, text, tables, first_seen_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING`,
          )
          .run(v.hash, v.mappingId, v.file, v.text, JSON.stringify(v.tables), v.firstSeenAt);
        return changes > 0;
      }
      case 'prune':
        return this.db.transaction(() => this.prune(op.request)).immediate();
      case 'saveFilter':
        this.db.prepare(SAVE_FILTER_SQL).run(...saveFilterParams(op.filter));
        return undefined;
      case 'deleteFilter':
        return this.db.prepare(DELETE_FILTER_SQL).run(op.name).changes > 0;
      case 'synchronousMode':
        return this.db.pragma('synchronous', { simple: true });
      case 'indexText':
        return this.text.catchUp();
    }
  }

  private insertOne(m: AppendRow, now: number): AppendRowResult {
    // Positional parameters: binding an object by name cost ~9% of an insert (1,000-row
    // transactions alone: 15.1 µs of CPU a row by name, 13.8 µs by position).
    const row = this.stmt.insert.get(
      m.channel,
      m.sender,
      m.controlId,
      m.contentType,
      asBuffer(m.raw),
      m.orderingKey,
      m.messageType,
      m.sourceMeta,
      m.searchKeys,
      now,
      now,
      m.contentHash,
      m.orderingId,
    ) as { id: number } | undefined;
    if (row === undefined) {
      const first = this.stmt.byDedupKey.get(
        m.channel,
        m.sender,
        m.controlId,
        m.contentHash,
      ) as MessageRow;
      return { id: Number(first.id), duplicateRow: first };
    }
    for (let k = 0; k < m.keys.length; k += 2)
      this.stmt.searchKey.run(m.keys[k], m.keys[k + 1], row.id);
    const reused = m.controlId === null ? undefined : this.reuseOf(m, row.id, now);
    return reused === undefined ? { id: row.id } : { id: row.id, controlIdReused: reused };
  }

  /** A control id stored before with other content: a CONTROL_ID_REUSED event, and ERROR when
   * the channel refuses reuse. Both in the append's transaction. */
  private reuseOf(m: AppendRow, id: number, now: number) {
    const first = this.stmt.firstOther.get(m.channel, m.sender, m.controlId, id) as {
      id: number | null;
    };
    if (first.id === null) return undefined;
    const refused = m.refuseReuse;
    if (refused) this.stmt.refuse.run(JSON.stringify(reuseError(first.id)), id);
    this.stmt.event.run(
      id,
      now,
      refused ? 'ERROR' : 'RECEIVED',
      'source',
      `source:${m.channel}`,
      JSON.stringify(reuseEventDetail(first.id, refused)),
    );
    return { firstId: first.id, refused };
  }

  private recordAttempts(id: number, records: readonly NewAttemptRecord[], now: number): void {
    for (const r of records) {
      this.stmt.attempt.run(
        id,
        now,
        r.attempt,
        r.destination,
        r.outcome,
        toJson(r.request),
        toJson(r.response),
        toJson(r.error),
      );
    }
  }

  /** One status change inside the current write transaction; false if the lease was lost. */
  private applyTransition(id: number, t: Transition, now: number): boolean {
    // The calls were made whether or not the lease still holds: their audit rows go in regardless.
    for (const row of t.ersAudit ?? [])
      this.stmt.ersAudit.run(row.at, row.endpoint, JSON.stringify(row.detail));
    const assignments = patchAssignments({ ...t.patch });
    const sets = ['status = ?', 'updated_at = ?', ...assignments.map((a) => `${a.column} = ?`)];
    const params: unknown[] = [t.to, now, ...assignments.map((a) => a.value)];
    if (t.keepLease !== true) sets.push('lease_owner = NULL', 'lease_until = NULL');
    params.push(id);
    if (t.leaseOwner !== undefined) params.push(t.leaseOwner);
    const where = t.leaseOwner === undefined ? 'id = ?' : 'id = ? AND lease_owner = ?';
    const changed = this.statement(`UPDATE messages SET ${sets.join(', ')} WHERE ${where}`).run(
      ...params,
    ).changes;
    if (changed === 0) return false;
    this.stmt.event.run(id, now, t.to, t.stage, t.actor, JSON.stringify(t.detail ?? {}));
    this.recordAttempts(id, t.patch?.attemptRecords ?? [], now);
    for (const [name, value] of learnedSearchKeys(t.patch))
      this.stmt.searchKey.run(name, value, id);
    return true;
  }

  /**
   * A claim as a transaction of its own with `synchronous = NORMAL`: in WAL mode it commits
   * without an fsync, and the next FULL commit (the batch's transitions) syncs its frames with
   * its own. A lease is no promise to anyone: a power cut that loses one only makes the message
   * claimable again, which is what an expired lease does. Riding the group commit instead, a
   * claim waited for the commit under way and then for one more fsync of its own.
   */
  private claimUnsynced(request: ClaimRequest): ClaimRowsResult {
    return unsynced(this.db, () => this.claimTx.immediate(request));
  }

  /** Leases claimable messages inside the current write transaction. */
  private claimRows(request: ClaimRequest): ClaimRowsResult {
    const leaseUntil = request.now + request.leaseMs;
    if (request.channels.length === 0 || request.limit <= 0) return { rows: [], leaseUntil };
    const channels = request.channels.map(() => '?').join(',');
    // A message waits while an earlier message of its ordering key is unfinished (invariant 3).
    const select = this.statement(
      `SELECT * FROM messages m
       WHERE m.status IN (${ACTIVE}) AND m.channel IN (${channels})
         AND m.next_attempt_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?)
         AND (m.ordering_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM messages p WHERE p.ordering_id = m.ordering_id AND p.id < m.id
             AND p.status IN (${ACTIVE})))
       ORDER BY m.id LIMIT ?`,
    );
    const rows = select.all(
      ...request.channels,
      request.now,
      request.now,
      request.limit,
    ) as MessageRow[];
    for (const r of rows) this.stmt.lease.run(request.owner, leaseUntil, r.id);
    return { rows, leaseUntil };
  }

  private reprocess(op: Extract<WriteOp, { op: 'reprocess' }>): ReprocessResult {
    return this.db
      .transaction((): ReprocessResult => {
        const row = this.stmt.byId.get(op.id) as MessageRow | undefined;
        if (row === undefined) return { ok: false, reason: 'not-found' };
        const m = rowToMessage(row);
        const decision = decideReprocess(m, { now: op.now, force: op.force });
        if (!decision.ok) return { ...decision, status: m.status };
        // A finished message is sent again from scratch (forced, for SENT); an unfinished one keeps
        // the results of destinations that already succeeded, so they are not repeated.
        this.db
          .prepare(
            `UPDATE messages SET status = 'RECEIVED', attempts = 0, next_attempt_at = 0, error = NULL,
             error_code = NULL, in_flight_destination = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
             ${decision.fresh ? ", destination_results = '{}'" : ''} WHERE id = ?`,
          )
          .run(op.now, op.id);
        this.stmt.event.run(
          op.id,
          op.now,
          'RECEIVED',
          'reprocess',
          op.actor,
          JSON.stringify({
            from: m.status,
            fresh: decision.fresh,
            ...(decision.resend.length > 0 ? { resend: decision.resend, forced: op.force } : {}),
            ...(op.note === undefined ? {} : { note: op.note }),
          }),
        );
        return { ok: true, from: m.status, resend: decision.resend };
      })
      .immediate();
  }

  private prune(request: PruneRequest): number {
    const keepUnresolved =
      request.includeUnresolved === true
        ? ''
        : `AND status NOT IN (${sqlList(UNRESOLVED_STATUSES)})`;
    const pruned = this.db
      .prepare(
        `UPDATE messages SET raw = NULL, mapped_input = NULL, outbound_request = NULL,
           outbound_response = NULL, destination_results = '{}', pruned_at = ?
         WHERE received_at < ? AND pruned_at IS NULL ${keepUnresolved}`,
      )
      .run(request.now, request.olderThan);
    // The attempt history holds request and response bodies too.
    this.db
      .prepare(
        `UPDATE message_attempts SET request = NULL, response = NULL WHERE message_id IN
           (SELECT id FROM messages WHERE pruned_at = ?) AND (request IS NOT NULL OR response IS NOT NULL)`,
      )
      .run(request.now);
    return pruned.changes;
  }
}
