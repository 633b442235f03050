import type { z } from 'zod';
import type { Logger } from 'pino';
import type { EngineError } from './errors.js';
import type {
  AppendResult,
  ErsAuditEntry,
  MappingVersion,
  MessageStore,
  NewMessage,
  StoredMessage,
} from './store-types.js';
import type { EngineServices } from './services.js';

/**
 * The three kinds of channel stage. Each is a plain interface: a source takes messages in, a
 * transformer turns one into logical inputs for an operation, a destination performs an effect
 * (an e-RS call, a file, an HL7 message to the PAS). Plugins register themselves by `type`
 * with a zod schema for their slice of the channel file; see src/engine/README.md.
 */

/** What a source answers once the engine is done with one message (e.g. an application ACK). */
export interface MessageOutcome {
  readonly id: number;
  readonly status: StoredMessage['status'];
  readonly reply: string | null;
  readonly error: StoredMessage['error'];
  readonly outboundResponse: unknown;
  /** Each destination's result by name (e.g. a reply destination's `output.ack`). */
  readonly destinationResults: Record<string, unknown>;
}

export interface SourceContext {
  readonly channelId: string;
  readonly logger: Logger;
  readonly services: EngineServices;
  /** Stores the message durably (group commit) and wakes the workers. Resolves after commit. */
  receive(message: Omit<NewMessage, 'channel'>): Promise<AppendResult>;
  /** Stores many in one transaction (file rows). */
  receiveMany(messages: readonly Omit<NewMessage, 'channel'>[]): Promise<AppendResult[]>;
  /** Waits for a message to reach a final status (or QUEUED, when asked); undefined on timeout. */
  awaitOutcome(
    id: number,
    timeoutMs: number,
    options?: { untilQueued?: boolean },
  ): Promise<MessageOutcome | undefined>;
  /** Records what was answered to the sender, so a duplicate gets the same answer. */
  saveReply(id: number, reply: string): Promise<void>;
}

export interface SourceStatus {
  readonly type: string;
  /** e.g. `mllp://0.0.0.0:2575`, `folder ./data/drop/ref` */
  readonly endpoint: string;
  readonly listening: boolean;
  readonly detail?: Record<string, unknown>;
}

export interface Source {
  start(context: SourceContext): Promise<void>;
  /** Stops taking new messages; in-flight receives finish first. */
  stop(): Promise<void>;
  status(): SourceStatus;
}

export interface TransformContext {
  readonly channelId: string;
  readonly logger: Logger;
  readonly services: EngineServices;
  readonly now: number;
}

export type TransformResult =
  | { readonly kind: 'filtered'; readonly reason: string }
  | {
      readonly kind: 'mapped';
      /** e-RS operation id (A021…) or another verb a destination understands. */
      readonly operation: string;
      /** The operation's logical inputs (serialisable: stored with the message). */
      readonly input: Record<string, unknown>;
      readonly mappingId: string;
      readonly mappingHash: string;
      readonly warnings?: readonly string[];
      readonly lineage?: Record<string, string>;
      readonly searchKeys?: Record<string, string>;
      /** What the transformer hands this message's destinations besides the stored result. */
      readonly handoff?: TransformHandoff;
    };

/**
 * What a transformer hands the destinations of the same message run, in memory only (never
 * stored: every run transforms again, so it is always the current one's). A transformer adds
 * its keys by declaration merging, as stages do with EngineServices; the mapping transformer
 * hands its compiled mapping, the parsed message and whether the inputs passed the operation's
 * schema, so no destination looks the mapping up, parses or checks again (issue 17).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface TransformHandoff {}

export type MappedMessage = Extract<TransformResult, { kind: 'mapped' }>;

export interface Transformer {
  transform(message: StoredMessage, context: TransformContext): Promise<TransformResult>;
  /**
   * What the transformer compiled (mapping texts and tables by hash): the engine keeps each in
   * the store when it builds the channel, so every hash a message records can be read back.
   */
  readonly versions?: readonly Omit<MappingVersion, 'firstSeenAt'>[];
}

export interface DestinationContext {
  readonly channelId: string;
  readonly logger: Logger;
  readonly services: EngineServices;
  readonly message: StoredMessage;
  readonly mapped: MappedMessage;
  /** Results of the destinations before this one, by destination name. */
  readonly previous: Readonly<Record<string, DestinationResult>>;
  readonly now: number;
  readonly signal: AbortSignal;
  /**
   * Takes the e-RS audit row of each call this send makes; the engine commits the rows in the
   * same transaction as the message's next transition instead of one commit each (decision 180).
   * Absent (a caller outside the engine): the e-RS client writes each row itself.
   */
  readonly ersAuditTo?: (row: Omit<ErsAuditEntry, 'id'>) => void;
  /** What this destination's `ready` returned for this send, if it has one (else undefined). */
  readonly prepared?: unknown;
  /**
   * Records durably, with this message, what this send is about to do (a batch file's name and
   * the message's place in it), in a transition of its own that keeps the message in flight for
   * this destination; concurrent calls share the store's group commit. Resolves false when the
   * lease was lost: the send must then leave the message alone. Absent outside the engine.
   */
  readonly recordIntent?: (intent: Record<string, unknown>) => Promise<boolean>;
  /**
   * The intent this destination recorded for this message when the engine stopped before the
   * send's outcome was written (the message's last event): the send may check whether it took
   * effect instead of doing it again (a batch file: decision 215).
   */
  readonly interruptedIntent?: Readonly<Record<string, unknown>>;
}

export interface DestinationResult {
  /** What was sent (e.g. the FHIR request), stored with the message for the dashboard. */
  readonly request?: unknown;
  readonly response?: unknown;
  /** Text to answer the sender with (an application ACK's content, an outbound message). */
  readonly reply?: string;
  /** Values later destinations and reply mappings may use (UBRN, letter path…). */
  readonly output?: Record<string, unknown>;
}

/** What the far side says about a call whose outcome was unknown (timeout, dropped answer, 5xx). */
export type Settlement =
  | {
      readonly outcome: 'applied';
      /** Stands in for the lost answer: later destinations and the reply use its output. */
      readonly result: DestinationResult;
      readonly evidence: Record<string, unknown>;
    }
  | { readonly outcome: 'not-applied' | 'unknown'; readonly evidence: Record<string, unknown> };

export interface SettleContext extends DestinationContext {
  /** The ambiguous failure, with what was sent (`attempted`) when the destination knew it. */
  readonly error: EngineError;
}

export interface Destination {
  /** True when sending the same message twice has no further effect (an atomic file write), so
   * a call interrupted by a crash may simply be made again. Default: false (NEEDS_REVIEW). */
  readonly safeToRepeat?: boolean;
  /**
   * Messages a worker should hold for this destination when the channel file sets no `batch` and
   * every destination is a local write: the largest any destination asks for wins over the
   * engine's 16 (a batch-file destination asks for 64: decision 195).
   */
  readonly batch?: number;
  /**
   * Optional: waits until this message's call can really go out (e-RS: the reads safe to repeat
   * made, then the write's quota slot held). The engine awaits it BEFORE the write that marks the
   * destination in flight, so a crash while it waits leaves the message to be processed again,
   * not sent to review (decision 180). It must make no call that may take effect. What it returns
   * reaches `send` as `context.prepared`; a throw fails the message like a failed send that sent
   * nothing (retry class `transient` unless an EngineError says otherwise).
   */
  ready?(context: DestinationContext): Promise<unknown>;
  /** Throws EngineError with its retry class on failure. */
  send(context: DestinationContext): Promise<DestinationResult>;
  /**
   * Optional: after an ambiguous failure, asks the far side whether the call took effect (e-RS:
   * read the referral back, compare version and state). Applied → the message goes on as if the
   * answer had come; not applied → retried; unknown → NEEDS_REVIEW with the evidence.
   */
  settle?(context: SettleContext): Promise<Settlement>;
  close?(): Promise<void>;
}

export interface PluginFactoryContext {
  readonly channelId: string;
  /** Folder holding channels/ and mappings/, for resolving relative paths. */
  readonly configDir: string;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly services: EngineServices;
}

/**
 * What a destination sees of the channel it is built in: the validated channel definition
 * (config's `ChannelDefinition` is one), so nothing reads the channel file again.
 */
export interface ChannelOutline {
  readonly id: string;
  readonly file: string;
  readonly transformer: { readonly type: string } | undefined;
  readonly destinations: readonly {
    readonly name: string;
    readonly type: string;
    /** Line of its `type` in the channel file, when it came from one. */
    readonly line?: number;
  }[];
}

/** A destination is built knowing its channel (which transformer feeds it) and its own entry. */
export interface DestinationFactoryContext extends PluginFactoryContext {
  /** The channel being built, as validated from its file (never read from disk again). */
  readonly channel: ChannelOutline;
  /** This destination's name in `channel.destinations`. */
  readonly destinationName: string;
}

export interface PluginDefinition<TConfig, TInstance, TContext = PluginFactoryContext> {
  readonly type: string;
  readonly description: string;
  /** Validates this plugin's part of a channel file (everything but `type`). */
  readonly schema: z.ZodType<TConfig>;
  create(config: TConfig, context: TContext): TInstance | Promise<TInstance>;
}

export type SourcePlugin<T = unknown> = PluginDefinition<T, Source>;
export type TransformerPlugin<T = unknown> = PluginDefinition<T, Transformer>;
export type DestinationPlugin<T = unknown> = PluginDefinition<
  T,
  Destination,
  DestinationFactoryContext
>;

export type { EngineError, MessageStore };
