import { join } from 'node:path';
import type { DestinationContext, DestinationResult } from '../../core/plugins.js';
import {
  batchFileBytes,
  extensionOf,
  hl7Record,
  nameTime,
  ndjsonRecord,
  type BatchRecord,
} from './batch-file.js';
import { GroupQueue, type Settled } from './group-queue.js';
import { envelopeOf, FILE_DEFAULTS, type Envelope, type FileDestinationConfig } from './schema.js';
import { folderUnavailable, writeNewFile } from './new-file.js';
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

/**
 * The send of a `mode: batch-file` destination: each message's record joins the group being
 * gathered; a group is written as one new file (temp file, fsync, hard link to a name never used
 * before, folder fsync), and each of its messages is answered with its place only once the file
 * and its name are durable. While one file is written, the next group gathers: under load a file
 * holds what arrived during one write, at most `maxMessages` / `maxBytes` (decision 195).
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
  const flush = async (records: readonly BatchRecord[]): Promise<Settled<BatchPlace>[]> => {
    seq++;
    const now = Date.now();
    const name = fileNameFor(template, {
      channel: where.channelId,
      date: new Date(now).toISOString().slice(0, 10),
      time: nameTime(now),
      seq: String(seq).padStart(6, '0'),
      first: String(records[0]?.id ?? ''),
      last: String(records.at(-1)?.id ?? ''),
      count: String(records.length),
    });
    const bytes = batchFileBytes(
      envelope,
      { channel: where.channelId, fileName: name, controlId: `${run}${seq}`, now },
      records,
    );
    try {
      const file = await writeNewFile(join(where.folder, name), bytes);
      return records.map((_r, i) => ({
        ok: true,
        value: { file, index: i + 1, count: records.length },
      }));
    } catch (error) {
      const failed = folderUnavailable(where.folder, error);
      return records.map(() => ({ ok: false, error: failed }));
    }
  };
  const queue = new GroupQueue<BatchRecord, BatchPlace>(flush, {
    maxEntries: config.maxMessages ?? FILE_DEFAULTS.maxMessages,
    maxBytes: config.maxBytes ?? FILE_DEFAULTS.maxBytes,
    sizeOf: (r) => r.bytes.length,
    // One file at a time: the next group gathers while it is written (group commit).
    concurrency: 1,
  });
  return async (ctx) => {
    const place = await queue.add(recordFor(envelope, config, ctx));
    return { output: { ...place } };
  };
}
