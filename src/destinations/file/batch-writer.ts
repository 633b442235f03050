import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeDurableTemp } from '../../core/atomic-write.js';
import { EngineError, toEngineError } from '../../core/errors.js';
import { folderSyncs } from '../../core/folder-sync.js';
import type { DestinationContext, DestinationResult } from '../../core/plugins.js';
import {
  batchFileLayout,
  extensionOf,
  hl7Record,
  nameTime,
  ndjsonRecord,
  type BatchRecord,
} from './batch-file.js';
import { GroupQueue, type Settled } from './group-queue.js';
import { envelopeOf, FILE_DEFAULTS, type Envelope, type FileDestinationConfig } from './schema.js';
import { alternativeName, firstFree, folderUnavailable, inFolder, placeNew } from './new-file.js';
import { alreadyWritten, asBatchIntent, type BatchIntent } from './batch-recovery.js';
import { crashPoint, CrashPoint } from './crash-point.js';
import { contentFor, fileNameFor } from './content.js';

/** Where one message went: the batch file and its 1-based place in it. */
export interface BatchPlace {
  readonly file: string;
  readonly index: number;
  readonly count: number;
}

/** Pure: one message's record in the envelope (throws DEST_REJECTED when it cannot be one). */
function recordFor(
  envelope: Envelope,
  config: FileDestinationConfig,
  ctx: DestinationContext,
): BatchRecord {
  const { id, controlId } = ctx.message;
  switch (envelope) {
    case 'hl7':
      return { id, bytes: hl7Record(ctx.message.raw ?? Buffer.alloc(0)) };
    case 'ndjson': {
      const body = contentFor(config, ctx);
      // raw bytes go as text; mapped and results are JSON already, so they stay objects.
      const content: unknown =
        config.content === 'raw' ? body.toString('utf8') : (JSON.parse(body.toString()) as unknown);
      return { id, bytes: ndjsonRecord({ channel: ctx.channelId, id, controlId, content }) };
    }
    default:
      return envelope satisfies never;
  }
}

/** One message waiting for its group's file: its record, and how to record its intent. */
interface Entry {
  readonly record: BatchRecord;
  readonly recordIntent: DestinationContext['recordIntent'];
}

/**
 * The send of a `mode: batch-file` destination: each message's record joins the group being
 * gathered; a group is written as one new file, and each of its messages is answered with its
 * place only once the file and its name are durable. While one file is written, the next group
 * gathers: under load a file holds what arrived during one write, at most `maxMessages` /
 * `maxBytes` (decision 195). The file's name is chosen before the write and recorded with each
 * message (`recordIntent`, one group commit a file, alongside the temp file's fsync), so a send
 * interrupted by a crash after the name finds its message there and does not write it again
 * (decision 215).
 */
export function createBatchFileSend(
  config: FileDestinationConfig,
  where: { readonly folder: string; readonly channelId: string },
): (ctx: DestinationContext) => Promise<DestinationResult> {
  const envelope = envelopeOf(config);
  const template = config.fileName ?? `${FILE_DEFAULTS.batchName}${extensionOf(envelope)}`;
  let seq = 0;
  // A control id unique to this engine's run, then the file's number in it (≤ 20 characters).
  const run = Date.now().toString(36);
  // The alternative (`-1`, `-2`…) taken last for the last name the template gave, so a template
  // that gives the same name each time (no {seq} or {time}) goes on from it without a look.
  let last = { base: '', next: 0 };
  /**
   * One try at one file for `entries`: what it settled, and who must go round again. The name is
   * the template's as it comes, not looked up in the folder first: the intents then reach the
   * store in the same turn as the previous file's SENTs and share their commit. Only after a
   * name was found taken at the link are the names looked up (`firstFree`).
   */
  const attempt = async (entries: readonly Entry[], lookFirst: boolean): Promise<FileTry> => {
    seq++;
    const now = Date.now();
    const name = fileNameFor(template, {
      channel: where.channelId,
      date: new Date(now).toISOString().slice(0, 10),
      time: nameTime(now),
      seq: String(seq).padStart(6, '0'),
      first: String(entries[0]?.record.id ?? ''),
      last: String(entries.at(-1)?.record.id ?? ''),
      count: String(entries.length),
    });
    const base = join(where.folder, name);
    const from = last.base === base ? last.next : 0;
    const n = lookFirst ? await inFolder(where.folder, () => firstFree(base, from)) : from;
    last = { base, next: n + 1 };
    const file = alternativeName(base, n);
    const records = entries.map((e) => e.record);
    const { bytes, offsets } = batchFileLayout(
      envelope,
      { channel: where.channelId, fileName: basename(file), controlId: `${run}${seq}`, now },
      records,
    );
    const intents: BatchIntent[] = entries.map((e, i) => ({
      file,
      index: i + 1,
      count: entries.length,
      offset: offsets[i] ?? 0,
      length: e.record.bytes.length,
    }));
    // The intents commit while the temp file is written and fsynced (and with the SENTs of the
    // file before, when they are submitted in the same turn): the extra commit costs time only
    // when it is slower than the file's own fsync.
    const [temp, kept] = await Promise.allSettled([
      inFolder(where.folder, () => writeDurableTemp(file, bytes)),
      Promise.all(
        entries.map((e, i) => e.recordIntent?.({ ...intents[i] }) ?? Promise.resolve(true)),
      ),
    ]);
    try {
      if (temp.status === 'rejected') throw folderUnavailable(where.folder, temp.reason);
      // The store could not record the intents: nothing is named, so a retry is safe.
      if (kept.status === 'rejected') throw toEngineError(kept.reason, 'transient');
      // A message whose lease was lost belongs to its new owner: it must not be in this file.
      if (kept.value.includes(false))
        return {
          again: entries.filter((_e, i) => kept.value[i]),
          lost: entries.filter((_e, i) => !kept.value[i]),
        };
      // Taken (a file from before this run, or another writer in the folder): a free name,
      // recorded again before the link.
      if (!(await placeNew(temp.value, file))) return { again: entries, lost: [], taken: true };
      await folderSyncs.sync(where.folder);
      crashPoint(CrashPoint.batchFileNamed);
      return {
        again: [],
        lost: [],
        placed: intents.map(({ file: f, index, count }) => ({ file: f, index, count })),
      };
    } finally {
      if (temp.status === 'fulfilled') await rm(temp.value, { force: true }).catch(() => undefined);
    }
  };
  const flush = async (entries: readonly Entry[]): Promise<Settled<BatchPlace>[]> => {
    const settled = new Map<Entry, Settled<BatchPlace>>();
    let pending = entries;
    let taken = false;
    try {
      for (let tries = 0; pending.length > 0; tries++) {
        if (tries === MAX_TRIES) throw new Error(`no name stayed free for ${MAX_TRIES} tries`);
        const tried = await attempt(pending, taken);
        taken = tried.taken === true;
        for (const e of tried.lost) settled.set(e, { ok: false, error: leaseLost() });
        tried.placed?.forEach((value, i) => settled.set(pending[i] as Entry, { ok: true, value }));
        pending = tried.again;
      }
    } catch (error) {
      // File-system errors (freeName, the temp file, the link, the folder fsync) are the folder's.
      const failed = error instanceof EngineError ? error : folderUnavailable(where.folder, error);
      for (const e of pending) settled.set(e, { ok: false, error: failed });
    }
    return entries.map((e) => settled.get(e) ?? { ok: false, error: leaseLost() });
  };
  const queue = new GroupQueue<Entry, BatchPlace>(flush, {
    maxEntries: config.maxMessages ?? FILE_DEFAULTS.maxMessages,
    maxBytes: config.maxBytes ?? FILE_DEFAULTS.maxBytes,
    sizeOf: (e) => e.record.bytes.length,
    // One file at a time: the next group gathers while it is written (group commit).
    concurrency: 1,
  });
  return async (ctx) => {
    const record = recordFor(envelope, config, ctx);
    const intent = asBatchIntent(ctx.interruptedIntent);
    if (intent !== undefined) {
      const found = await alreadyWritten(intent, envelope, {
        record,
        channel: ctx.channelId,
      }).catch((e: unknown) => {
        throw folderUnavailable(where.folder, e);
      });
      // Written before the crash: answered from the file, not written again (decision 215).
      if (found !== undefined)
        return {
          output: { file: found.file, index: found.index, count: found.count, recovered: true },
        };
    }
    const place = await queue.add({ record, recordIntent: ctx.recordIntent });
    return { output: { ...place } };
  };
}

/** Tries at one group's file (each a new name) before its messages fail and are retried. */
const MAX_TRIES = 100;

/** What one try at a file did with its entries. */
interface FileTry {
  /** Entries to try again in a new file (the name was taken, or others of the group lost their lease). */
  readonly again: readonly Entry[];
  /** Entries whose lease was lost: not written. */
  readonly lost: readonly Entry[];
  /** Each entry's place, in order, when the file was named. */
  readonly placed?: readonly BatchPlace[];
  /** The name was taken at the link: the next try looks for a free one first. */
  readonly taken?: boolean;
}

const leaseLost = (): EngineError =>
  new EngineError(
    'DEST_UNAVAILABLE',
    'the message was taken over by another worker before its batch file was named; it writes it',
  );
