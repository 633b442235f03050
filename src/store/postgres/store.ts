import type pg from 'pg';
import { GroupCommitter } from '../group-commit.js';
import { messageListSql, sqlList } from '../filter-sql.js';
import * as saved from '../saved-filters.js';
import {
  type MessageRow,
  type SummaryRow,
  parseJson,
  receivedEvent,
  rowToMessage,
  rowToSummary,
  rowToAttempt,
  toJson,
  type AttemptRow,
  type MappingVersionRow,
  mappingVersionFromRow,
} from '../rows.js';
import { reprocessMessage } from './reprocess.js';
import {
  CLAIMABLE_STATUSES,
  type AppendResult,
  type AuditEntry,
  type ClaimRequest,
  type ErsAuditEntry,
  type MappingVersion,
  type MessageEvent,
  type MessageFilter,
  type MessageStatus,
  type MessageStore,
  type MessageSummary,
  type NewMessage,
  type PruneRequest,
  type AttemptRecord,
  type ReprocessRequest,
  type ReprocessResult,
  type SavedFilter,
  type StoreHealth,
  type StoredMessage,
  type Transition,
} from '../../core/store-types.js';
import { runExclusive } from './lock-key.js';
import { pruneBodies } from './prune.js';
import { currentVersion } from './migrate.js';
import { takeQuotaSlot } from './quota-line.js';
import { inTransaction } from './transaction.js';
import { applyTransitions, insertErsAudit, insertMessages } from './writes.js';

const ACTIVE = sqlList(CLAIMABLE_STATUSES);

/**
 * Leases the first claimable messages. A message waits while an earlier message of its ordering
 * key is unfinished (invariant 3); `FOR UPDATE SKIP LOCKED` lets instances claim side by side
 * without waiting on each other's rows. The earlier message of a key is either locked (skipped)
 * or visible as active, so two instances never hold two messages of one key.
 * With one channel (what the engine asks) the (channel, id) index is walked in id order and the
 * scan stops at the limit; `channel = ANY(...)` would make PostgreSQL sort every active row first
 * (measured: ~100 ms a claim with 10,000 queued, against ~1 ms).
 */
const claimSql = (channelMatch: string): string => `
  UPDATE messages SET lease_owner = $1, lease_until = $2
  WHERE id IN (
    SELECT m.id FROM messages m
    WHERE m.status IN (${ACTIVE}) AND ${channelMatch}
      AND m.next_attempt_at <= $4 AND (m.lease_until IS NULL OR m.lease_until < $4)
      AND (m.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM messages p WHERE p.ordering_key = m.ordering_key AND p.id < m.id
          AND p.status IN (${ACTIVE})))
    ORDER BY m.id LIMIT $5
    FOR UPDATE SKIP LOCKED)
  RETURNING *`;
const CLAIM_ONE = claimSql('m.channel = $3::text');
const CLAIM_MANY = claimSql('m.channel = ANY($3::text[])');

type StoreWrite =
  | { readonly kind: 'append'; readonly message: NewMessage }
  | { readonly kind: 'transition'; readonly id: number; readonly t: Transition };

type JsonRow<T> = Omit<T, 'detail' | 'id' | 'at'> & { id: string; at: string; detail: string };

/** The scale-out store: several engine instances share one PostgreSQL database. */
export class PostgresMessageStore implements MessageStore {
  readonly kind = 'postgres' as const;
  /** Appends and status changes arriving together share one transaction (one WAL flush). */
  private readonly committer: GroupCommitter<StoreWrite, AppendResult | boolean>;
  /** Set by a failed write, cleared by the next one that commits: `/readyz` shows it. */
  private lastWriteError: string | undefined;

  constructor(
    private readonly pool: pg.Pool,
    /**
     * Claims commit with synchronous_commit=off: they need no WAL flush of their own, because
     * nothing is sent on a claim alone. A message is marked in flight by a durable transition,
     * made while holding the lease, before any destination is called; that commit flushes the
     * WAL up to and including the claim. A claim lost in a server crash is merely claimed again.
     */
    private readonly claimPool: pg.Pool,
    private readonly clock: () => number,
  ) {
    this.committer = new GroupCommitter((items) => this.writeBatch(items));
  }

  /**
   * One group commit. Appends are one statement and status changes one more, so a batch of only
   * one kind runs without BEGIN/COMMIT (a single statement is atomic and durable on its own).
   */
  private writeBatch(items: readonly StoreWrite[]): Promise<(AppendResult | boolean)[]> {
    const appends = items.flatMap((w) => (w.kind === 'append' ? [w.message] : []));
    const changes = items.flatMap((w) => (w.kind === 'transition' ? [w] : []));
    // e-RS audit rows riding a transition (decision 180) commit with it: one more statement.
    const audits = changes.flatMap((c) => c.t.ersAudit ?? []);
    const oneStatement =
      changes.length === 0 ||
      (appends.length === 0 &&
        audits.length === 0 &&
        new Set(changes.map((c) => c.id)).size === changes.length);
    return this.tracked(
      inTransaction(
        this.pool,
        async (client) => {
          const now = this.clock();
          const appended = await insertMessages(client, appends, now);
          const changed = changes.length > 0 ? await applyTransitions(client, changes, now) : [];
          await insertErsAudit(client, audits);
          let [a, c] = [0, 0];
          return items.map((w) =>
            w.kind === 'append' ? (appended[a++] as AppendResult) : (changed[c++] as boolean),
          );
        },
        !oneStatement,
      ),
    );
  }

  /** Remembers whether the last write committed, for `/readyz`. */
  private async tracked<T>(write: Promise<T>): Promise<T> {
    try {
      const value = await write;
      this.lastWriteError = undefined;
      return value;
    } catch (error) {
      this.lastWriteError = (error as Error).message;
      throw error;
    }
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.pool.query('SELECT 1');
    } catch (error) {
      return { ok: false, reason: `PostgreSQL does not answer: ${(error as Error).message}` };
    }
    if (this.lastWriteError !== undefined)
      return { ok: false, reason: `the last store write failed: ${this.lastWriteError}` };
    return { ok: true };
  }

  async attemptHistory(messageId: number): Promise<AttemptRecord[]> {
    const { rows } = await this.pool.query<AttemptRow>(
      'SELECT * FROM message_attempts WHERE message_id = $1 ORDER BY id',
      [messageId],
    );
    return rows.map(rowToAttempt);
  }

  append(message: NewMessage): Promise<AppendResult> {
    return this.committer.submit({ kind: 'append', message }) as Promise<AppendResult>;
  }

  appendMany(messages: readonly NewMessage[]): Promise<AppendResult[]> {
    return this.tracked(inTransaction(this.pool, (c) => insertMessages(c, messages, this.clock())));
  }

  async get(id: number): Promise<StoredMessage | undefined> {
    const { rows } = await this.pool.query<MessageRow>('SELECT * FROM messages WHERE id = $1', [
      id,
    ]);
    return rows[0] && rowToMessage(rows[0]);
  }

  async findByControlId(channel: string, sender: string, controlId: string) {
    const { rows } = await this.pool.query<MessageRow>(
      'SELECT * FROM messages WHERE channel = $1 AND sender = $2 AND control_id = $3 ORDER BY id LIMIT 1',
      [channel, sender, controlId],
    );
    return rows[0] && rowToMessage(rows[0]);
  }

  async list(filter: MessageFilter): Promise<MessageSummary[]> {
    const { sql, params } = messageListSql(filter, 'postgres', Math.min(filter.limit ?? 50, 1000));
    const { rows } = await this.pool.query<SummaryRow>(sql, params);
    return rows.map(rowToSummary);
  }

  async countByStatus(channel?: string) {
    const { rows } = await this.pool.query<{ channel: string; status: MessageStatus; n: string }>(
      `SELECT channel, status, COUNT(*) AS n FROM messages
       ${channel === undefined ? '' : 'WHERE channel = $1'} GROUP BY channel, status`,
      channel === undefined ? [] : [channel],
    );
    const out: Record<string, Partial<Record<MessageStatus, number>>> = {};
    for (const r of rows) (out[r.channel] ??= {})[r.status] = Number(r.n);
    return out;
  }

  async events(messageId: number): Promise<MessageEvent[]> {
    const { rows } = await this.pool.query<
      JsonRow<MessageEvent> & { message_id: string; status: MessageStatus | null }
    >('SELECT * FROM events WHERE message_id = $1 ORDER BY id', [messageId]);
    const head = await this.pool.query<{ channel: string; received_at: string }>(
      'SELECT channel, received_at FROM messages WHERE id = $1',
      [messageId],
    );
    const first = head.rows[0];
    const received = first
      ? [receivedEvent({ id: messageId, channel: first.channel, receivedAt: +first.received_at })]
      : [];
    return [
      ...received,
      ...rows.map((r) => ({
        id: Number(r.id),
        messageId: Number(r.message_id),
        at: Number(r.at),
        status: r.status,
        stage: r.stage,
        actor: r.actor,
        detail: parseJson(r.detail, {}),
      })),
    ];
  }

  async claim(request: ClaimRequest): Promise<StoredMessage[]> {
    if (request.channels.length === 0 || request.limit <= 0) return [];
    const leaseUntil = request.now + request.leaseMs;
    const one = request.channels.length === 1;
    const { rows } = await this.claimPool.query<MessageRow>(one ? CLAIM_ONE : CLAIM_MANY, [
      request.owner,
      leaseUntil,
      one ? request.channels[0] : [...request.channels],
      request.now,
      request.limit,
    ]);
    return rows.map(rowToMessage).sort((a, b) => a.id - b.id);
  }

  transition(id: number, t: Transition): Promise<boolean> {
    return this.committer.submit({ kind: 'transition', id, t }) as Promise<boolean>;
  }

  async releaseLeases(owner: string): Promise<number> {
    const result = await this.pool.query(
      'UPDATE messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1',
      [owner],
    );
    return result.rowCount ?? 0;
  }

  reprocess(id: number, request: ReprocessRequest): Promise<ReprocessResult> {
    return reprocessMessage(this.pool, id, request, this.clock());
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.pool.query(
      'INSERT INTO audit (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)',
      [entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.detail)],
    );
  }

  async listAudit(filter: { from?: number; to?: number; limit?: number }): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<JsonRow<AuditEntry>>(
      'SELECT * FROM audit WHERE at >= $1 AND at < $2 ORDER BY id DESC LIMIT $3',
      [filter.from ?? 0, filter.to ?? Number.MAX_SAFE_INTEGER, filter.limit ?? 500],
    );
    return rows.map((r) => ({ ...r, id: +r.id, at: +r.at, detail: parseJson(r.detail, {}) }));
  }

  async appendErsAudit(entry: Omit<ErsAuditEntry, 'id'>): Promise<void> {
    await this.pool.query('INSERT INTO ers_audit (at, endpoint, detail) VALUES ($1, $2, $3)', [
      entry.at,
      entry.endpoint,
      JSON.stringify(entry.detail),
    ]);
  }

  async listErsAudit(filter: { from?: number; to?: number }): Promise<ErsAuditEntry[]> {
    const { rows } = await this.pool.query<JsonRow<ErsAuditEntry>>(
      'SELECT * FROM ers_audit WHERE at >= $1 AND at < $2 ORDER BY id',
      [filter.from ?? 0, filter.to ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map((r) => ({ ...r, id: +r.id, at: +r.at, detail: parseJson(r.detail, {}) }));
  }

  async getCheckpoint(key: string): Promise<unknown> {
    const { rows } = await this.pool.query<{ value: string }>(
      'SELECT value FROM checkpoints WHERE key = $1',
      [key],
    );
    return rows[0] === undefined ? undefined : JSON.parse(rows[0].value);
  }

  async setCheckpoint(key: string, value: unknown): Promise<void> {
    await this.pool.query(
      `INSERT INTO checkpoints (key, value, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, toJson(value) ?? 'null', this.clock()],
    );
  }

  async deleteCheckpoint(key: string): Promise<void> {
    await this.pool.query('DELETE FROM checkpoints WHERE key = $1', [key]);
  }
  async recordMappingVersion(version: MappingVersion): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO mapping_versions (hash, mapping_id, file, text, tables, first_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING`,
      [
        version.hash,
        version.mappingId,
        version.file,
        version.text,
        JSON.stringify(version.tables),
        version.firstSeenAt,
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  async mappingVersions(mappingId: string): Promise<MappingVersion[]> {
    const { rows } = await this.pool.query<MappingVersionRow>(
      'SELECT * FROM mapping_versions WHERE mapping_id = $1 ORDER BY first_seen_at DESC, hash',
      [mappingId],
    );
    return rows.map(mappingVersionFromRow);
  }

  async mappingVersion(hash: string): Promise<MappingVersion | undefined> {
    const { rows } = await this.pool.query<MappingVersionRow>(
      'SELECT * FROM mapping_versions WHERE hash = $1',
      [hash],
    );
    return rows[0] === undefined ? undefined : mappingVersionFromRow(rows[0]);
  }

  async saveFilter(filter: SavedFilter): Promise<void> {
    await this.pool.query(saved.pgParams(saved.SAVE_FILTER_SQL), saved.saveFilterParams(filter));
  }

  async listFilters(): Promise<SavedFilter[]> {
    const { rows } = await this.pool.query<saved.SavedFilterRow>(saved.LIST_FILTERS_SQL);
    return rows.map(saved.rowToSavedFilter);
  }

  async deleteFilter(name: string): Promise<boolean> {
    const result = await this.pool.query(saved.pgParams(saved.DELETE_FILTER_SQL), [name]);
    return (result.rowCount ?? 0) > 0;
  }

  prune(request: PruneRequest): Promise<number> {
    return pruneBodies(this.pool, request);
  }

  /** Runs `fn` only if no other instance runs the same `lockName` (lock-key.ts). */
  runExclusive(lockName: string, fn: () => Promise<void>): Promise<boolean> {
    return runExclusive(this.pool, lockName, fn);
  }

  /** The synchronous_commit in force on this store's connections, for the durability test. */
  async synchronousCommit(): Promise<string> {
    const { rows } = await this.pool.query<{ s: string }>(
      "SELECT current_setting('synchronous_commit') AS s",
    );
    return rows[0]?.s ?? '';
  }

  /** The shared e-RS quota line (decision 205): ms from now until this instance's next slot. */
  takeErsQuotaSlot(intervalMs: number): Promise<number> {
    return takeQuotaSlot(this.pool, 'ers', intervalMs);
  }

  async schemaVersion(): Promise<number> {
    return currentVersion(this.pool);
  }

  async close(): Promise<void> {
    await this.committer.drain();
    await this.claimPool.end();
    await this.pool.end();
  }
}
