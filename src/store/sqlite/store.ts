import { statSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { EngineError } from '../../core/errors.js';
import { GroupCommitter } from '../group-commit.js';
import { messageListSql } from '../filter-sql.js';
import { LIST_FILTERS_SQL, rowToSavedFilter, type SavedFilterRow } from '../saved-filters.js';
import {
  type MappingVersionRow,
  type MessageRow,
  type SummaryRow,
  mappingVersionFromRow,
  parseJson,
  receivedEvent,
  rowToMessage,
  rowToSummary,
  toJson,
} from '../rows.js';
import type {
  AppendResult,
  AttemptRecord,
  AuditEntry,
  ClaimRequest,
  ErsAuditEntry,
  MappingVersion,
  MessageEvent,
  MessageFilter,
  MessageStatus,
  MessageStore,
  MessageSummary,
  NewMessage,
  PruneRequest,
  ReprocessRequest,
  ReprocessResult,
  SavedFilter,
  StoreHealth,
  StoredMessage,
  Transition,
} from '../../core/store-types.js';
import { type AttemptRow, rowToAttempt } from '../rows.js';
import { fromThread, toAppendResult, toAppendRow } from './append-row.js';
import { acquireEngineLock, type EngineLock } from './engine-lock.js';
import { currentVersion, migrate, openDatabase, type SqliteDatabase } from './open.js';
import { inlineWriter, portWriter, threadWriter, type WriteExecutor } from './writer.js';
import {
  type AppendRowResult,
  type ClaimRowsResult,
  type CommitResult,
  type StoreWrite,
} from './writes.js';

/** The embedded default store: one SQLite file in WAL mode with FULL synchronous commits. */
export interface SqliteStoreOptions {
  readonly file: string;
  readonly clock?: () => number;
  /** Writes on a thread of their own (default for a file); `:memory:` always writes inline. */
  readonly writerThread?: boolean;
  /** Take the engine lock (`<file>.engine-lock`): a second engine on this file is refused. The
   * CLI reads and writes without it. */
  readonly engineLock?: boolean;
  /** Create the file (and folder) when missing (default); false: a missing store is an error. */
  readonly create?: boolean;
  /** Write through another store's writer thread (`attachWriter`): a processing thread's store. */
  readonly writerPort?: MessagePort;
  /** Fill the free-text index when the writer is idle (default). False: only when a free-text
   * query asks (it always catches up first, so results are the same either way). */
  readonly indexTextWhenIdle?: boolean;
}

/**
 * Reads run on this thread's connection; every write goes to one writer (a thread for a file
 * store), so there is one writing connection and no lock contention on the event loop. WAL lets
 * the reads see each commit as soon as its promise resolves.
 */
export class SqliteMessageStore implements MessageStore {
  readonly kind = 'sqlite' as const;
  /** Whether commits run on the writer thread (false: on the event loop). */
  readonly writesOnThread: boolean;
  private readonly db: SqliteDatabase;
  private readonly clock: () => number;
  private readonly writer: WriteExecutor;
  /** Appends and status changes that arrive together share one transaction (one fsync). */
  private readonly committer: GroupCommitter<StoreWrite, CommitResult>;
  private readonly stmt;
  private readonly file: string;
  /** The file opened: a write is refused once the path no longer leads to it (data dir deleted
   * or replaced), because commits to an unlinked file are lost at the next restart. */
  private readonly identity: { dev: number; ino: number } | undefined;
  /** Set by a failed write, cleared by the next one that commits: `/readyz` shows it. */
  private lastWriteError: string | undefined;
  private readonly lock: EngineLock | undefined;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? Date.now;
    this.file = options.file;
    this.lock = options.engineLock === true ? acquireEngineLock(options.file) : undefined;
    try {
      this.db = openDatabase(options.file, { mustExist: options.create === false });
      migrate(this.db, this.clock());
    } catch (error) {
      this.lock?.release();
      if (error instanceof EngineError) throw error;
      throw new EngineError(
        'STORE_UNAVAILABLE',
        `cannot open the store ${options.file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.identity = options.file === ':memory:' ? undefined : fileIdentity(options.file);
    this.writesOnThread =
      options.writerPort !== undefined ||
      (options.file !== ':memory:' && options.writerThread !== false);
    const writerOptions = { indexTextWhenIdle: options.indexTextWhenIdle !== false };
    this.writer =
      options.writerPort !== undefined
        ? portWriter(options.writerPort)
        : this.writesOnThread
          ? threadWriter(options.file, writerOptions)
          : inlineWriter(this.db, writerOptions);
    this.stmt = {
      byControlId: this.db.prepare(
        'SELECT * FROM messages WHERE channel = ? AND sender = ? AND control_id = ? ORDER BY id LIMIT 1',
      ),
      byId: this.db.prepare('SELECT * FROM messages WHERE id = ?'),
    };
    this.committer = new GroupCommitter(
      (items) => this.write({ op: 'commit', items, now: this.clock() }) as Promise<CommitResult[]>,
    );
  }

  /** Every write goes through here: refused when the file is gone, and failures remembered. */
  private async write(op: Parameters<WriteExecutor['run']>[0]): Promise<unknown> {
    try {
      const gone = this.fileProblem();
      if (gone !== undefined) throw new EngineError('STORE_UNAVAILABLE', gone);
      const value = await this.writer.run(op);
      this.lastWriteError = undefined;
      return value;
    } catch (error) {
      this.lastWriteError = (error as Error).message;
      throw error;
    }
  }

  /** Why the store file can no longer take durable writes, if it cannot. */
  private fileProblem(): string | undefined {
    if (this.identity === undefined) return undefined;
    const now = fileIdentity(this.file);
    if (now === undefined) return `the store file ${this.file} is gone (data folder deleted?)`;
    if (now.dev !== this.identity.dev || now.ino !== this.identity.ino)
      return `the store file ${this.file} was replaced while open`;
    return undefined;
  }

  health(): Promise<StoreHealth> {
    const problem = this.fileProblem();
    if (problem !== undefined) return Promise.resolve({ ok: false, reason: problem });
    if (this.lastWriteError !== undefined)
      return Promise.resolve({
        ok: false,
        reason: `the last store write failed: ${this.lastWriteError}`,
      });
    return Promise.resolve({ ok: true });
  }

  attemptHistory(messageId: number): Promise<AttemptRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM message_attempts WHERE message_id = ? ORDER BY id')
      .all(messageId) as AttemptRow[];
    return Promise.resolve(rows.map(rowToAttempt));
  }

  async append(message: NewMessage): Promise<AppendResult> {
    return toAppendResult(
      (await this.committer.submit({
        kind: 'append',
        row: toAppendRow(message),
      })) as AppendRowResult,
    );
  }

  async appendMany(messages: readonly NewMessage[]): Promise<AppendResult[]> {
    const results = (await this.write({
      op: 'appendMany',
      items: messages.map(toAppendRow),
      now: this.clock(),
    })) as AppendRowResult[];
    return results.map(toAppendResult);
  }

  get(id: number): Promise<StoredMessage | undefined> {
    const row = this.stmt.byId.get(id) as MessageRow | undefined;
    return Promise.resolve(row && rowToMessage(row));
  }

  findByControlId(channel: string, sender: string, controlId: string) {
    const row = this.stmt.byControlId.get(channel, sender, controlId) as MessageRow | undefined;
    return Promise.resolve(row && rowToMessage(row));
  }

  async list(filter: MessageFilter): Promise<MessageSummary[]> {
    // The free-text index is filled after commits (decision 175): every row stored before this
    // query is indexed first, so a search finds what the store holds, as the trigger did.
    if (filter.text !== undefined) await this.write({ op: 'indexText' });
    const { sql, params } = messageListSql(filter, 'sqlite', Math.min(filter.limit ?? 50, 1000));
    const rows = this.db.prepare(sql).all(...params) as SummaryRow[];
    return rows.map(rowToSummary);
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

  async claim(request: ClaimRequest): Promise<StoredMessage[]> {
    const { rows, leaseUntil } = (await this.write({ op: 'claim', request })) as ClaimRowsResult;
    return rows.map((r) => ({ ...fromThread(r), leaseOwner: request.owner, leaseUntil }));
  }

  transition(id: number, t: Transition): Promise<boolean> {
    return this.committer.submit({ kind: 'transition', id, t }) as Promise<boolean>;
  }

  releaseLeases(owner: string): Promise<number> {
    return this.write({ op: 'releaseLeases', owner }) as Promise<number>;
  }

  reprocess(id: number, request: ReprocessRequest): Promise<ReprocessResult> {
    return this.write({
      op: 'reprocess',
      id,
      actor: request.actor,
      note: request.note,
      force: request.force === true,
      now: this.clock(),
    }) as Promise<ReprocessResult>;
  }

  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.committer.submit({ kind: 'audit', entry });
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

  async appendErsAudit(entry: Omit<ErsAuditEntry, 'id'>): Promise<void> {
    await this.committer.submit({ kind: 'ersAudit', entry });
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

  async setCheckpoint(key: string, value: unknown): Promise<void> {
    await this.write({
      op: 'setCheckpoint',
      key,
      json: toJson(value) ?? 'null',
      now: this.clock(),
    });
  }

  async deleteCheckpoint(key: string): Promise<void> {
    await this.write({ op: 'deleteCheckpoint', key });
  }
  async recordMappingVersion(version: MappingVersion): Promise<boolean> {
    return (await this.write({ op: 'recordMappingVersion', version })) as boolean;
  }

  mappingVersions(mappingId: string): Promise<MappingVersion[]> {
    const rows = this.db
      .prepare(
        'SELECT * FROM mapping_versions WHERE mapping_id = ? ORDER BY first_seen_at DESC, hash',
      )
      .all(mappingId) as MappingVersionRow[];
    return Promise.resolve(rows.map(mappingVersionFromRow));
  }

  mappingVersion(hash: string): Promise<MappingVersion | undefined> {
    const row = this.db.prepare('SELECT * FROM mapping_versions WHERE hash = ?').get(hash) as
      MappingVersionRow | undefined;
    return Promise.resolve(row === undefined ? undefined : mappingVersionFromRow(row));
  }

  async saveFilter(filter: SavedFilter): Promise<void> {
    await this.write({ op: 'saveFilter', filter });
  }

  listFilters(): Promise<SavedFilter[]> {
    const rows = this.db.prepare(LIST_FILTERS_SQL).all() as SavedFilterRow[];
    return Promise.resolve(rows.map(rowToSavedFilter));
  }

  deleteFilter(name: string): Promise<boolean> {
    return this.write({ op: 'deleteFilter', name }) as Promise<boolean>;
  }

  prune(request: PruneRequest): Promise<number> {
    return this.write({ op: 'prune', request }) as Promise<number>;
  }

  schemaVersion(): Promise<number> {
    return Promise.resolve(currentVersion(this.db));
  }

  /** The synchronous mode of the writing connection, for the durability test (2 = FULL). */
  synchronousMode(): Promise<number> {
    return this.writer.run({ op: 'synchronousMode' }) as Promise<number>;
  }

  /** A port to this store's writer thread, for a store opened on another thread (`writerPort`),
   * or undefined when writes run inline (`:memory:`, `sqliteWriterThread: false`). */
  attachWriter(): MessagePort | undefined {
    return this.writer.attach?.();
  }

  async close(): Promise<void> {
    await this.committer.drain();
    await this.writer.close();
    this.db.close();
    this.lock?.release();
  }
}

function fileIdentity(file: string): { dev: number; ino: number } | undefined {
  try {
    const { dev, ino } = statSync(file);
    return { dev, ino };
  } catch {
    return undefined;
  }
}
