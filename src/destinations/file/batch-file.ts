import { EngineError } from '../../core/errors.js';
import type { Envelope } from './schema.js';

/** One message's record in a batch file, encoded, with what names and headers need. */
export interface BatchRecord {
  readonly id: number;
  readonly bytes: Buffer;
}

/** What the header of one batch file says. */
export interface BatchHeader {
  readonly channel: string;
  /** The name the file is written for (FHS-9). */
  readonly fileName: string;
  /** FHS-11 and BHS-11: unique to this file (≤ 20 characters, HL7's ST length for them). */
  readonly controlId: string;
  readonly now: number;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CR = 0x0d;
const LF = 0x0a;

/** Pure: `yyyymmddhhmmss+0000`, HL7's DTM in UTC. */
export function hl7Time(now: number): string {
  const iso = new Date(now).toISOString();
  return `${iso.slice(0, 19).replace(/[-T:]/g, '')}+0000`;
}

/** Pure: `yyyymmddThhmmssSSS` in UTC, for file names (sorts by time, no characters to escape). */
export function nameTime(now: number): string {
  return new Date(now).toISOString().replace(/[-:.Z]/g, '');
}

/**
 * Pure: a raw message as an HL7 batch record: the message's own bytes (its segments and their
 * separators unchanged, so its MSH-18 character set still applies) ending in one CR. Refused
 * (permanent: the same message would fail every time) when it is not an HL7 v2 message.
 */
export function hl7Record(raw: Buffer): Buffer {
  const start = raw.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  if (raw.toString('latin1', start, start + 3) !== 'MSH')
    throw new EngineError(
      'DEST_REJECTED',
      'an hl7 batch file takes HL7 v2 messages and this one does not start with MSH (use envelope: ndjson)',
      { at: 'envelope' },
    );
  let end = raw.length;
  while (end > start && (raw[end - 1] === CR || raw[end - 1] === LF)) end--;
  return Buffer.concat([raw.subarray(start, end), Buffer.from('\r')]);
}

/** Pure: one NDJSON line (JSON escapes every newline inside, so a line is a message). */
export function ndjsonRecord(fields: {
  readonly channel: string;
  readonly id: number;
  readonly controlId: string | null;
  readonly content: unknown;
}): Buffer {
  return Buffer.from(`${JSON.stringify(fields)}\n`);
}

/** Values going into the envelope's fields may not hold its delimiters. */
const field = (value: string): string => value.replace(/[|^~\\&\r\n]/g, '_');

/** A batch file's bytes and where each record starts in them (what a crash check reads back). */
export interface BatchLayout {
  readonly bytes: Buffer;
  readonly offsets: readonly number[];
}

/**
 * Pure: a whole batch file. `hl7`: FHS and BHS (sending application ERS-BRIDGE, facility the
 * channel, the time, the file's name and control id), the messages, BTS-1 the message count,
 * FTS-1 one batch. `ndjson`: the lines as they are.
 */
export function batchFileLayout(
  envelope: Envelope,
  header: BatchHeader,
  records: readonly BatchRecord[],
): BatchLayout {
  const [head, tail] = envelopeParts(envelope, header, records.length);
  const offsets: number[] = [];
  let at = head.length;
  for (const r of records) {
    offsets.push(at);
    at += r.bytes.length;
  }
  return { bytes: Buffer.concat([head, ...records.map((r) => r.bytes), tail]), offsets };
}

export const batchFileBytes = (
  envelope: Envelope,
  header: BatchHeader,
  records: readonly BatchRecord[],
): Buffer => batchFileLayout(envelope, header, records).bytes;

/** Pure: what goes before and after the records. */
function envelopeParts(envelope: Envelope, header: BatchHeader, count: number): [Buffer, Buffer] {
  switch (envelope) {
    case 'ndjson':
      return [Buffer.alloc(0), Buffer.alloc(0)];
    case 'hl7': {
      const time = hl7Time(header.now);
      const from = `ERS-BRIDGE|${field(header.channel)}|||${time}||`;
      const control = field(header.controlId);
      return [
        Buffer.from(
          `FHS|^~\\&|${from}${field(header.fileName)}||${control}\rBHS|^~\\&|${from}||${control}\r`,
        ),
        Buffer.from(`BTS|${count}\rFTS|1\r`),
      ];
    }
    default:
      return envelope satisfies never;
  }
}

/** Pure: the extension a default batch file name gets. */
export const extensionOf = (envelope: Envelope): string =>
  envelope === 'hl7' ? '.hl7' : '.ndjson';
