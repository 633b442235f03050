import { GroupCommitter } from '../group-commit.js';
import { messageFilterSql } from '../filter-sql.js';
import {
  type MessageRow,
  type SummaryRow,
  parseJson,
  patchAssignments,
  receivedEvent,
  rowToMessage,
  rowToSummary,
  toJson,
} from '../rows.js';
import {
  CLAIMABLE_STATUSES,
  UNRESOLVED_STATUSES,
  type AppendResult,
  type AuditEntry,
  type ClaimRequest,
  type ErsAuditEntry,
  type MessageEvent,
  type MessageFilter,
  type MessageStatus,
  type MessageStore,
  type MessageSummary,
  type NewMessage,
  type PruneRequest,
  type StoredMessage,
  type Transition,
} from '../types.js';
import { EngineError } from '../../engine/errors.js';
import { currentVersion, migrate, openDatabase, type SqliteDatabase } from './open.js';

const inList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(',');
const ACTIVE = inList(CLAIMABLE_STATUSES);

type StoreWrite =
  | { readonly kind: 'append'; readonly message: NewMessage }
  | { readonly kind: 'transition'; readonly id: number; readonly t: Transition };

export interface SqliteStoreOptions {
  readonly file: string;
  readonly clock?: () => number;
}

/** The embedded default store: one SQLite file in WAL mode with FULL synchronous commits. */
export class SqliteMessageStore implements MessageStore {
  readonly kind = 'sqlite' as const;
  private readonly db: SqliteDatabase;
  private readonly clock: () => number;
  /** Appends and status changes of one event-loop turn share one transaction (one fsync). */
  private readonly committer: GroupCommitter<StoreWrite, AppendResult | boolean>;
  private readonly stmt;
  private readonly writeTx: (
    items: readonly StoreWrite[],
    now: number,
  ) => (AppendResult | boolean)[];

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? Date.now;
    this.db = openDatabase(options.file);
    migrate(this.db, this.clock());
    this.stmt = {
      insert: this.db.prepare(
        `INSERT INTO messages (channel, sender, control_id, content_type, raw, ordering_key,
           message_type, source_meta, search_keys, status, received_at, updated_at, next_attempt_at)
         VALUES (@channel, @sender, @controlId, @contentType, @raw, @orderingKey, @messageType,
           @sourceMeta, @searchKeys, 'RECEIVED', @now, @now, 0)
         ON CONFLICT DO NOTHING RETURNING id`,
      ),
      byControlId: this.db.prepare(
        'SELECT * FROM messages WHERE channel = ? AND sender = ? AND control_id = ?',
      ),
      byId: this.db.prepare('SELECT * FROM messages WHERE id = ?'),
      event: this.db.prepare(
        'INSERT INTO events (message_id, at, status, stage, actor, detail) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      searchKey: this.db.prepare(
        'INSERT OR IGNORE INTO message_search (name, value, message_id) VALUES (?, ?, ?)',
      ),
    };
    this.writeTx = this.db.transaction((items: readonly StoreWrite[], now: number) =>
      items.map((w) =>
        w.kind === 'append' ? this.insertOne(w.message, now) : this.applyTransition(w.id, w.t, now),
      ),
    );
    this.committer = new GroupCommitter((items) =>
      this.guard(() => this.writeTx(items, this.clock())),
    );
  }

  append(message: NewMessage): Promise<AppendResult> {
    return this.committer.submit({ kind: 'append', message }) as Promise<AppendResult>;
  }

  appendMany(messages: readonly NewMessage[]): Promise<AppendResult[]> {
    return Promise.resolve(this.guard(() => this.insertBatch(messages)));
  }

  private insertBatch(items: readonly NewMessage[]): AppendResult[] {
    const now = this.clock();
    return this.guard(() => this.db.transaction(() => items.map((m) => this.insertOne(m, now)))());
  }

  private insertOne(m: NewMessage, now: number): AppendResult {
    const row = this.stmt.insert.get({
      channel: m.channel,
      sender: m.sender,
      controlId: m.controlId ?? null,
      contentType: m.contentType,
      raw: m.raw,
      orderingKey: m.orderingKey ?? null,
      messageType: m.messageType ?? null,
      sourceMeta: JSON.stringify(m.sourceMeta ?? {}),
      searchKeys: JSON.stringify(m.searchKeys ?? {}),
      now,
    }) as { id: number } | undefined;
    if (row === undefined) {
      const first = this.stmt.byControlId.get(m.channel, m.sender, m.controlId) as MessageRow;
      return { id: Number(first.id), duplicateOf: rowToMessage(first) };
    }
    for (const [name, value] of Object.entries(m.searchKeys ?? {})) {
      this.stmt.searchKey.run(name, value, row.id);
    }
    return { id: row.id };
  }

  /** A failed commit means nothing was stored: the caller must not acknowledge. */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof EngineError) throw error;
      throw new EngineError(
        'STORE_UNAVAILABLE',
        `store write failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  get(id: number): Promise<StoredMessage | undefined> {
    const row = this.stmt.byId.get(id) as MessageRow | undefined;
    return Promise.resolve(row && rowToMessage(row));
  }

  findByControlId(channel: string, sender: string, controlId: string) {
    const row = this.stmt.byControlId.get(channel, sender, controlId) as MessageRow | undefined;
    return Promise.resolve(row && rowToMessage(row));
  }

  list(filter: MessageFilter): Promise<MessageSummary[]> {
    const { where, params } = messageFilterSql(filter, () => '?');
    const sql = `SELECT id, channel, status, message_type, control_id, attempts, received_at,
        updated_at, error_code FROM messages
      ${where}
      ORDER BY id DESC LIMIT ?`;
    params.push(Math.min(filter.limit ?? 50, 1000));
    const rows = this.db.prepare(sql).all(...params) as SummaryRow[];
    return Promise.resolve(rows.map(rowToSummary));
  }

  countByStatus(channel?: string) {
    const rows = this.db
      .prepare(
        `SELECT channel, status, COUNT(*) AS n FROM messages ${channel === undefined ? '' : 'WHERE channel = ?'}
         GROUP BY channel, status`,
      )
      .all(...(channel === undefined ? [] : [channel])) as {
      channel: string;
      status: MessageStatus;
      n: number;
    }[];
    const out: Record<string, Partial<Record<MessageStatus, number>>> = {};
    for (const r of rows) (out[r.channel] ??= {})[r.status] = r.n;
    return Promise.resolve(out);
  }

  events(messageId: number): Promise<MessageEvent[]> {
    const rows = this.db
      .prepare('SELECT * FROM events WHERE message_id = ? ORDER BY id')
      .all(messageId) as (Omit<MessageEvent, 'detail' | 'messageId'> & {
      message_id: number;
      detail: string;
    })[];
    const head = this.db
      .prepare('SELECT channel, received_at FROM messages WHERE id = ?')
      .get(messageId) as { channel: string; received_at: number } | undefined;
    const received = head
      ? [receivedEvent({ id: messageId, channel: head.channel, receivedAt: head.received_at })]
      : [];
    return Promise.resolve([
      ...received,
      ...rows.map((r) => ({
        id: r.id,
        messageId: r.message_id,
        at: r.at,
        status: r.status,
        stage: r.stage,
        actor: r.actor,
        detail: parseJson(r.detail, {}),
      })),
    ]);
  }

  claim(request: ClaimRequest): Promise<StoredMessage[]> {
    if (request.channels.length === 0 || request.limit <= 0) return Promise.resolve([]);
    const channels = request.channels.map(() => '?').join(',');
    // A message waits while an earlier message of its ordering key is unfinished (invariant 3).
    const select = this.db.prepare(
      `SELECT * FROM messages m
       WHERE m.status IN (${ACTIVE}) AND m.channel IN (${channels})
         AND m.next_attempt_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?)
         AND (m.ordering_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM messages p WHERE p.ordering_key = m.ordering_key AND p.id < m.id
             AND p.status IN (${ACTIVE})))
       ORDER BY m.id LIMIT ?`,
    );
    const lease = this.db.prepare(
      'UPDATE messages SET lease_owner = ?, lease_until = ? WHERE id = ?',
    );
    const claimed = this.db.transaction(() => {
      const rows = select.all(
        ...request.channels,
        request.now,
        request.now,
        request.limit,
      ) as MessageRow[];
      const leaseUntil = request.now + request.leaseMs;
      for (const r of rows) lease.run(request.owner, leaseUntil, r.id);
      return rows.map((r) => ({ ...rowToMessage(r), leaseOwner: request.owner, leaseUntil }));
    })();
    return Promise.resolve(claimed);
  }

  transition(id: number, t: Transition): Promise<boolean> {
    return this.committer.submit({ kind: 'transition', id, t }) as Promise<boolean>;
  }

  /** One status change inside the current write transaction; false if the lease was lost. */
  private applyTransition(id: number, t: Transition, now: number): boolean {
    const assignments = patchAssignments({ ...t.patch });
    const sets = ['status = ?', 'updated_at = ?', ...assignments.map((a) => `${a.column} = ?`)];
    const params: unknown[] = [t.to, now, ...assignments.map((a) => a.value)];
    if (t.keepLease !== true) sets.push('lease_owner = NULL', 'lease_until = NULL');
    params.push(id);
    if (t.leaseOwner !== undefined) params.push(t.leaseOwner);
    const where = t.leaseOwner === undefined ? 'id = ?' : 'id = ? AND lease_owner = ?';
    const changed = this.db
      .prepare(`UPDATE messages SET ${sets.join(', ')} WHERE ${where}`)
      .run(...params).changes;
    if (changed === 0) return false;
    this.stmt.event.run(id, now, t.to, t.stage, t.actor, JSON.stringify(t.detail ?? {}));
    for (const [name, value] of Object.entries(t.patch?.searchKeys ?? {})) {
      this.stmt.searchKey.run(name, value, id);
    }
    return true;
  }

  releaseLeases(owner: string): Promise<number> {
    const n = this.db
      .prepare('UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?')
      .run(owner).changes;
    return Promise.resolve(n);
  }

  reprocess(id: number, actor: string, note?: string): Promise<boolean> {
    const now = this.clock();
    const apply = this.db.transaction(() => {
      const row = this.stmt.byId.get(id) as MessageRow | undefined;
      if (row === undefined) return false;
      // A finished message is sent again from scratch; an unfinished one keeps the results of
      // destinations that already succeeded, so reprocessing never repeats an e-RS effect.
      const fresh = row.status === 'SENT' || row.status === 'FILTERED';
      this.db
        .prepare(
          `UPDATE messages SET status = 'RECEIVED', attempts = 0, next_attempt_at = 0, error = NULL,
             error_code = NULL, in_flight_destination = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
             ${fresh ? ", destination_results = '{}'" : ''} WHERE id = ?`,
        )
        .run(now, id);
      this.stmt.event.run(
        id,
        now,
        'RECEIVED',
        'reprocess',
        actor,
        JSON.stringify({ from: row.status, fresh, ...(note === undefined ? {} : { note }) }),
      );
      return true;
    });
    return Promise.resolve(apply());
  }

  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    this.db
      .prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.detail));
    return Promise.resolve();
  }

  listAudit(filter: { from?: number; to?: number; limit?: number }): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE at >= ? AND at < ? ORDER BY id DESC LIMIT ?')
      .all(filter.from ?? 0, filter.to ?? Number.MAX_SAFE_INTEGER, filter.limit ?? 500) as (Omit<
      AuditEntry,
      'detail'
    > & { detail: string })[];
    return Promise.resolve(rows.map((r) => ({ ...r, detail: parseJson(r.detail, {}) })));
  }

  appendErsAudit(entry: Omit<ErsAuditEntry, 'id'>): Promise<void> {
    this.db
      .prepare('INSERT INTO ers_audit (at, endpoint, detail) VALUES (?, ?, ?)')
      .run(entry.at, entry.endpoint, JSON.stringify(entry.detail));
    return Promise.resolve();
  }

  listErsAudit(filter: { from?: number; to?: number }): Promise<ErsAuditEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM ers_audit WHERE at >= ? AND at < ? ORDER BY id')
      .all(filter.from ?? 0, filter.to ?? Number.MAX_SAFE_INTEGER) as (Omit<
      ErsAuditEntry,
      'detail'
    > & { detail: string })[];
    return Promise.resolve(rows.map((r) => ({ ...r, detail: parseJson(r.detail, {}) })));
  }

  getCheckpoint(key: string): Promise<unknown> {
    const row = this.db.prepare('SELECT value FROM checkpoints WHERE key = ?').get(key) as
      { value: string } | undefined;
    return Promise.resolve(row === undefined ? undefined : JSON.parse(row.value));
  }

  setCheckpoint(key: string, value: unknown): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO checkpoints (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, toJson(value) ?? 'null', this.clock());
    return Promise.resolve();
  }

  deleteCheckpoint(key: string): Promise<void> {
    this.db.prepare('DELETE FROM checkpoints WHERE key = ?').run(key);
    return Promise.resolve();
  }

  prune(request: PruneRequest): Promise<number> {
    const keepUnresolved =
      request.includeUnresolved === true
        ? ''
        : `AND status NOT IN (${inList(UNRESOLVED_STATUSES)})`;
    const n = this.db
      .prepare(
        `UPDATE messages SET raw = NULL, mapped_input = NULL, outbound_request = NULL,
           outbound_response = NULL, destination_results = '{}', pruned_at = ?
         WHERE received_at < ? AND pruned_at IS NULL ${keepUnresolved}`,
      )
      .run(request.now, request.olderThan).changes;
    return Promise.resolve(n);
  }

  schemaVersion(): Promise<number> {
    return Promise.resolve(currentVersion(this.db));
  }

  /** The synchronous mode in force, for the durability test (2 = FULL). */
  synchronousMode(): number {
    return this.db.pragma('synchronous', { simple: true }) as number;
  }

  async close(): Promise<void> {
    await this.committer.drain();
    this.db.close();
  }
}
