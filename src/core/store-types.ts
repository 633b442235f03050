import type { SerializedError } from './errors.js';

/** Message statuses, in the words of DESIGN.md (and Mirth/OIE). */
export const MessageStatus = {
  RECEIVED: 'RECEIVED',
  TRANSFORMED: 'TRANSFORMED',
  SENT: 'SENT',
  FILTERED: 'FILTERED',
  QUEUED: 'QUEUED',
  NEEDS_REVIEW: 'NEEDS_REVIEW',
  ERROR: 'ERROR',
  DEAD: 'DEAD',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** Statuses a worker may claim; a message in one of them blocks later messages of its key. */
export const CLAIMABLE_STATUSES: readonly MessageStatus[] = ['RECEIVED', 'TRANSFORMED', 'QUEUED'];
/** Statuses retention never prunes unless told to: someone still has to act on them. */
export const UNRESOLVED_STATUSES: readonly MessageStatus[] = [
  'RECEIVED',
  'TRANSFORMED',
  'QUEUED',
  'NEEDS_REVIEW',
  'ERROR',
  'DEAD',
];

export interface NewMessage {
  readonly channel: string;
  /** Who sent it: MSH-3/MSH-4 for HL7, the drop folder for files, the remote address for HTTP. */
  readonly sender: string;
  /** MSH-10, or `<file sha256>:<row>` for file rows; with sender, the dedup key. */
  readonly controlId?: string | undefined;
  readonly contentType: string;
  readonly raw: Buffer;
  /** Messages sharing a key are processed one at a time, in arrival order (invariant 3). */
  readonly orderingKey?: string | undefined;
  /** e.g. REF^I12, or csv-row; shown and searched in the dashboard. */
  readonly messageType?: string | undefined;
  /** Non-patient facts about where it came from: remote address, file name, row number. */
  readonly sourceMeta?: Readonly<Record<string, unknown>> | undefined;
  /** Searchable identifiers (UBRN, hashed NHS number); kept apart from logs. */
  readonly searchKeys?: Readonly<Record<string, string>> | undefined;
  /**
   * With sender and control id, the dedup key: the same id with the same content is a resend
   * (answered from the first message), with other content a new message (CONTROL_ID_REUSED).
   * Default: SHA-256 of `raw`, hex. A source may pass its own (e.g. a file row's normalised text).
   */
  readonly contentHash?: string | undefined;
  /**
   * What to do with a reused control id (same id, other content): `process` (default) stores and
   * processes it with a warning; `refuse` stores it as ERROR CONTROL_ID_REUSED (the source NAKs).
   */
  readonly onControlIdReuse?: ControlIdReusePolicy | undefined;
}

export const ControlIdReusePolicy = { process: 'process', refuse: 'refuse' } as const;
export type ControlIdReusePolicy = (typeof ControlIdReusePolicy)[keyof typeof ControlIdReusePolicy];

export interface StoredMessage {
  readonly id: number;
  readonly channel: string;
  readonly sender: string;
  readonly controlId: string | null;
  readonly contentType: string;
  /** null once retention has pruned the body. */
  readonly raw: Buffer | null;
  readonly orderingKey: string | null;
  readonly messageType: string | null;
  readonly sourceMeta: Record<string, unknown>;
  readonly searchKeys: Record<string, string>;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly mappingHash: string | null;
  readonly mappedInput: unknown;
  /** Per-destination progress, so a retry never repeats a destination that succeeded. */
  readonly destinationResults: Record<string, unknown>;
  /** The destination being called when this was written: set before the call, cleared after.
   * Found set on a claimed message, it means the engine stopped mid-call (invariant 2). */
  readonly inFlightDestination: string | null;
  readonly outboundRequest: unknown;
  readonly outboundResponse: unknown;
  /** What was answered to the sender (e.g. the application ACK), replayed for duplicates. */
  readonly reply: string | null;
  readonly error: SerializedError | null;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  readonly receivedAt: number;
  readonly updatedAt: number;
  readonly prunedAt: number | null;
}

export interface AppendResult {
  readonly id: number;
  /** Set when (channel, sender, controlId, contentHash) was seen before: the first message, not
   * a new one. */
  readonly duplicateOf?: StoredMessage;
  /** Set when the control id was seen before with other content: this message is new, stored
   * with a CONTROL_ID_REUSED event; `refused` when the policy stored it as ERROR instead. */
  readonly controlIdReused?: { readonly firstId: number; readonly refused: boolean };
}

/** One destination call of one processing attempt, kept as history (never overwritten). */
export interface AttemptRecord {
  readonly id: number;
  readonly messageId: number;
  readonly at: number;
  /** The message's attempt count at the time (starts again at 1 after a reprocess). */
  readonly attempt: number;
  readonly destination: string | null;
  /** SENT, or the failure status (QUEUED, NEEDS_REVIEW, ERROR, DEAD). */
  readonly outcome: string;
  /** null once retention has pruned the body. */
  readonly request: unknown;
  readonly response: unknown;
  readonly error: SerializedError | null;
}

export type NewAttemptRecord = Omit<AttemptRecord, 'id' | 'messageId' | 'at'>;

/** Why a reprocess request was refused (nothing was changed). */
export const ReprocessRefusal = {
  'not-found': 'not-found',
  /** A worker holds the message's lease: it is being processed now. */
  leased: 'leased',
  /** A destination call was under way (or its engine stopped mid-call): settle it first. */
  'in-flight': 'in-flight',
  /** SENT with destination effects (an e-RS create, book, cancel…): only with `force`. */
  'effect-succeeded': 'effect-succeeded',
} as const;
export type ReprocessRefusal = (typeof ReprocessRefusal)[keyof typeof ReprocessRefusal];

export interface ReprocessRequest {
  readonly actor: string;
  readonly note?: string | undefined;
  /** Send a SENT message again from scratch, repeating its effects. */
  readonly force?: boolean;
}

export type ReprocessResult =
  | {
      readonly ok: true;
      readonly from: MessageStatus;
      /** Destinations whose earlier success is forgotten, so they run again (forced SENT). */
      readonly resend: readonly string[];
    }
  | {
      readonly ok: false;
      readonly reason: ReprocessRefusal;
      readonly status?: MessageStatus;
      /** For effect-succeeded: what a forced reprocess would send again, by destination. */
      readonly resend?: readonly string[];
    };

export interface MessageEvent {
  readonly id: number;
  readonly messageId: number;
  readonly at: number;
  readonly status: MessageStatus | null;
  readonly stage: string;
  /** `engine`, `worker:<instance>`, or `user:<name>` for people. */
  readonly actor: string;
  readonly detail: Record<string, unknown>;
}

/** The fields a transition may change besides the status. */
export interface MessagePatch {
  attempts?: number;
  nextAttemptAt?: number;
  mappingHash?: string | null;
  mappedInput?: unknown;
  destinationResults?: Record<string, unknown>;
  inFlightDestination?: string | null;
  outboundRequest?: unknown;
  outboundResponse?: unknown;
  reply?: string | null;
  error?: SerializedError | null;
  orderingKey?: string | null;
  searchKeys?: Record<string, string>;
  sourceMeta?: Record<string, unknown>;
  /** Appended to the message's attempt history in the same transaction (never overwritten). */
  attemptRecords?: readonly NewAttemptRecord[];
}

export interface Transition {
  readonly to: MessageStatus;
  readonly stage: string;
  readonly actor: string;
  readonly detail?: Record<string, unknown>;
  readonly patch?: MessagePatch;
  /** Keep the lease (an intermediate step such as TRANSFORMED); default releases it. */
  readonly keepLease?: boolean;
  /** When given, the transition applies only while this owner still holds the lease. */
  readonly leaseOwner?: string;
  /**
   * e-RS audit rows of calls made for this message since its last write, committed in the same
   * transaction as the transition, so a SENT never commits without them, and without a commit of
   * their own (decision 180). Written even when the lease was lost: the calls were made.
   */
  readonly ersAudit?: readonly Omit<ErsAuditEntry, 'id'>[];
}

export interface ClaimRequest {
  readonly owner: string;
  readonly channels: readonly string[];
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: number;
}

export interface MessageFilter {
  channel?: string;
  status?: MessageStatus | readonly MessageStatus[];
  /** Matched whatever the case: `ref^i12` finds `REF^I12`. */
  messageType?: string;
  controlId?: string;
  /**
   * Matches a search key exactly, e.g. { name: 'ubrn', value: '000000070000' }: the keys the
   * source gave, and the UBRNs learned later from destination results (created, read, replied).
   */
  searchKey?: { name: string; value: string };
  /** Records of a dropped file of this name (`sourceMeta.file`). */
  file?: string;
  /** With `file`: only its record at this row (CSV) or message number (HL7 batch, XML). */
  fileRow?: number;
  /**
   * Free text over the stored bodies (the first 64 KiB of each): every word must occur, whole
   * words, any case. Callers check the reader may see bodies, and audit the search.
   */
  text?: string;
  sender?: string;
  /** Control ids starting with this, e.g. `<file sha256>:` (rides the dedup index with sender). */
  controlIdPrefix?: string;
  receivedFrom?: number;
  receivedTo?: number;
  /** Keyset paging: messages with id below this one (newest first). */
  beforeId?: number;
  limit?: number;
}

export interface MessageSummary {
  readonly id: number;
  readonly channel: string;
  readonly status: MessageStatus;
  readonly messageType: string | null;
  readonly controlId: string | null;
  readonly attempts: number;
  readonly receivedAt: number;
  readonly updatedAt: number;
  readonly errorCode: string | null;
}

/** A named search kept in the store, usable from the API, the CLI and the dashboard. */
export interface SavedFilter {
  readonly name: string;
  /** The search as a person typed it (the admin query fields: channel, status, ubrn, since…). */
  readonly query: Readonly<Record<string, string>>;
  /** Who saved it last (`user:<name>`, `cli:<os user>`). */
  readonly savedBy: string;
  readonly savedAt: number;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly detail: Record<string, unknown>;
}

/** One row per e-RS API call (ENDPOINTS.md §8): kept for subject access requests. */
export interface ErsAuditEntry {
  readonly id: number;
  readonly at: number;
  readonly endpoint: string;
  readonly detail: Record<string, unknown>;
}

/**
 * What the e-RS client writes in `ErsAuditEntry.detail` (ENDPOINTS.md §8); every field optional
 * because a row holds what the call's auth mode and request knew. The NHS number is only its
 * search hash (`hashSearchValue`), never in clear.
 */
export interface ErsAuditDetail extends Record<string, unknown> {
  readonly eventType?: string;
  readonly auditType?: string;
  readonly authMode?: string;
  readonly accessMode?: string;
  readonly httpStatus?: number;
  readonly durationMs?: number;
  readonly ubrn?: string;
  /** The UBRN a create (A011, A021) returned, when the request named none. */
  readonly createdUbrn?: string;
  readonly nhsNumberHash?: string;
  readonly userId?: string;
  readonly onBehalfOfUserId?: string;
  readonly organisation?: string;
  readonly organisationName?: string;
  readonly businessFunction?: string;
  readonly asid?: string;
  readonly sessionId?: string;
  readonly host?: string;
  readonly correlationId?: string;
  readonly transactionId?: string;
  readonly resourceType?: string;
  readonly attachmentId?: string;
  readonly fileName?: string;
}

/**
 * A mapping as it was when an engine first compiled it: its text and the tables it used, under
 * the hash messages record (`mappingHash`), so any stored message's mapping can be read back,
 * compared with another version, or restored.
 */
export interface MappingVersion {
  readonly hash: string;
  readonly mappingId: string;
  /** Where the file was, relative to the config folder when it was inside it. */
  readonly file: string;
  readonly text: string;
  /** Table file name (`priority.yaml`) → text, for the tables the mapping used. */
  readonly tables: Readonly<Record<string, string>>;
  readonly firstSeenAt: number;
}

export interface StoreHealth {
  readonly ok: boolean;
  /** One line, no patient data: why writes would fail. */
  readonly reason?: string;
}

export interface PruneRequest {
  readonly olderThan: number;
  /** Also prune ERROR, NEEDS_REVIEW, DEAD, QUEUED…; off by default. */
  readonly includeUnresolved?: boolean;
  readonly now: number;
}

/**
 * The durable store. Every write resolves only once committed (durable), so a caller may
 * acknowledge to the sender after `append` resolves (invariant 1). Implementations: SQLite
 * (embedded default) and PostgreSQL (scale-out); `test/store/contract.ts` holds both to it.
 */
export interface MessageStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Commits the message (group commit with concurrent callers) and its RECEIVED event. */
  append(message: NewMessage): Promise<AppendResult>;
  /** Commits many in one transaction (file rows): all or nothing. */
  appendMany(messages: readonly NewMessage[]): Promise<AppendResult[]>;
  get(id: number): Promise<StoredMessage | undefined>;
  findByControlId(
    channel: string,
    sender: string,
    controlId: string,
  ): Promise<StoredMessage | undefined>;
  list(filter: MessageFilter): Promise<MessageSummary[]>;
  countByStatus(channel?: string): Promise<Record<string, Partial<Record<MessageStatus, number>>>>;
  events(messageId: number): Promise<MessageEvent[]>;

  /** Leases up to `limit` claimable messages whose retry time has come, never two of one key,
   * never one with an earlier unfinished message of its key. */
  claim(request: ClaimRequest): Promise<StoredMessage[]>;
  /** Moves a message to a new status with an event; false if the lease was lost. */
  transition(id: number, transition: Transition): Promise<boolean>;
  /** Returns the owner's unfinished leases to the queue (graceful shutdown). */
  releaseLeases(owner: string): Promise<number>;
  /**
   * Puts a message back to RECEIVED for processing, with an event naming the actor. Refuses (and
   * changes nothing) while it is leased or a destination call is in flight, and a SENT message
   * with destination effects unless `force` (then those destinations run again).
   */
  reprocess(id: number, request: ReprocessRequest): Promise<ReprocessResult>;
  /** Every destination call recorded for the message, oldest first. */
  attemptHistory(messageId: number): Promise<AttemptRecord[]>;
  /**
   * Whether the store can take durable writes now: false after a failed write (until one
   * succeeds) or when its file or server is gone. `/readyz` reports it.
   */
  health(): Promise<StoreHealth>;

  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  listAudit(filter: { from?: number; to?: number; limit?: number }): Promise<AuditEntry[]>;
  appendErsAudit(entry: Omit<ErsAuditEntry, 'id'>): Promise<void>;
  listErsAudit(filter: { from?: number; to?: number }): Promise<ErsAuditEntry[]>;

  /** Small durable key/value records for resumable work (multi-file uploads, file progress). */
  getCheckpoint(key: string): Promise<unknown>;
  setCheckpoint(key: string, value: unknown): Promise<void>;
  deleteCheckpoint(key: string): Promise<void>;

  /** Keeps a mapping version unless its hash is already kept; true when it was new. */
  recordMappingVersion(version: MappingVersion): Promise<boolean>;
  /** The kept versions of one mapping id, newest first. */
  mappingVersions(mappingId: string): Promise<MappingVersion[]>;
  mappingVersion(hash: string): Promise<MappingVersion | undefined>;
  /** Saves (or replaces) a named search. */
  saveFilter(filter: SavedFilter): Promise<void>;
  /** Every saved search, by name. */
  listFilters(): Promise<SavedFilter[]>;
  /** Removes a saved search; false when there was none of that name. */
  deleteFilter(name: string): Promise<boolean>;

  /** Removes bodies (raw, mapped input, requests, responses) of old messages, keeping metadata. */
  prune(request: PruneRequest): Promise<number>;
  schemaVersion(): Promise<number>;
  /**
   * Runs `fn` unless another instance sharing this store is running the same `lockName`
   * (cluster-once schedules: retention, worklist polls); resolves whether it ran. Optional: a
   * store that only one process can open (SQLite) has no other instance, so callers run `fn`
   * directly when it is missing.
   */
  runExclusive?(lockName: string, fn: () => Promise<void>): Promise<boolean>;
  close(): Promise<void>;
}
