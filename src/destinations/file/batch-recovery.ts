import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { folderSyncs } from '../../core/folder-sync.js';
import type { Envelope } from './schema.js';
import type { BatchRecord } from './batch-file.js';

/**
 * What a batch file send records durably, with each of its messages, before the file gets its
 * name (decision 215): the name, the message's place, and the byte range of its record.
 */
export interface BatchIntent {
  readonly file: string;
  readonly index: number;
  readonly count: number;
  readonly offset: number;
  readonly length: number;
}

/** Pure: the intent read back from the store, when it is one (it is JSON from an event). */
export function asBatchIntent(
  value: Readonly<Record<string, unknown>> | undefined,
): BatchIntent | undefined {
  if (value === undefined) return undefined;
  const { file, index, count, offset, length } = value;
  if (typeof file !== 'string') return undefined;
  const numbers = [index, count, offset, length];
  if (!numbers.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0))
    return undefined;
  return { file, index, count, offset, length } as BatchIntent;
}

/** Pure: whether `slice`, read at the record's place, is this message's record. */
export function isRecordOf(
  envelope: Envelope,
  slice: Buffer,
  expected: { readonly record: BatchRecord; readonly channel: string },
): boolean {
  switch (envelope) {
    // The record is the message's raw bytes, which never change: equal bytes, same message.
    case 'hl7':
      return slice.equals(expected.record.bytes);
    // Mapped content may differ after a mapping reload; the line's channel and id name the message.
    case 'ndjson': {
      try {
        const line = JSON.parse(slice.toString('utf8')) as { channel?: unknown; id?: unknown };
        return line.channel === expected.channel && line.id === expected.record.id;
      } catch {
        return false;
      }
    }
    default:
      return envelope satisfies never;
  }
}

/**
 * After a crash between a batch file's name and its messages' SENT: whether the file the send
 * recorded exists and holds this message's record where the intent says. A file is named only
 * once written and fsynced, so one found under its name is whole. The folder is fsynced again
 * first: the crash may have come between the link and the folder's fsync, and a name the disk has
 * not kept must not be what the SENT relies on. Undefined: not there, so the message is written.
 */
export async function alreadyWritten(
  intent: BatchIntent,
  envelope: Envelope,
  expected: { readonly record: BatchRecord; readonly channel: string },
): Promise<BatchIntent | undefined> {
  const slice = await readSlice(intent.file, intent.offset, intent.length);
  if (slice === undefined || !isRecordOf(envelope, slice, expected)) return undefined;
  await folderSyncs.sync(dirname(intent.file));
  return intent;
}

/** The bytes at [offset, offset + length) of `file`; undefined when it or they are not there. */
async function readSlice(
  file: string,
  offset: number,
  length: number,
): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const slice = Buffer.alloc(length);
    const { bytesRead } = await handle.read(slice, 0, length, offset);
    return bytesRead === length ? slice : undefined;
  } finally {
    await handle.close();
  }
}
