import type { EngineError } from '../../core/errors.js';
import { Hl7MessageBuilder } from './builder.js';
import {
  DEFAULT_DELIMITERS,
  encodingCharacters,
  readDelimiters,
  type Hl7Delimiters,
} from './delimiters.js';
import { escapeHl7, unescapeHl7 } from './escape.js';
import { errSegment } from './err.js';
import { Hl7Segment, parseHl7 } from './message.js';

/** MSA-1 acknowledgement codes (HL7 table 0008). */
export const AckCode = { AA: 'AA', AE: 'AE', AR: 'AR', CA: 'CA', CE: 'CE', CR: 'CR' } as const;
export type AckCode = (typeof AckCode)[keyof typeof AckCode];

/** Original mode: one ACK (AA/AE/AR). Enhanced mode (MSH-15/16 set): accept ACK CA/CE/CR. */
export const AckMode = { original: 'original', enhanced: 'enhanced' } as const;
export type AckMode = (typeof AckMode)[keyof typeof AckMode];

/** MSH-15 / MSH-16 conditions, HL7 table 0155. */
export const AckCondition = { AL: 'AL', NE: 'NE', ER: 'ER', SU: 'SU' } as const;
export type AckCondition = (typeof AckCondition)[keyof typeof AckCondition];

export const AckLevel = { commit: 'commit', application: 'application' } as const;
export type AckLevel = (typeof AckLevel)[keyof typeof AckLevel];

/** What an ACK needs to know about the message it answers: its MSH and delimiters. */
export interface AckTarget {
  readonly header: Hl7Segment;
  readonly delimiters: Hl7Delimiters;
}

function headerValue(t: AckTarget, n: number): string {
  const d = t.delimiters;
  const raw = t.header.field(n).split(d.repetition)[0] ?? '';
  return unescapeHl7((raw.split(d.component)[0] ?? '').split(d.subcomponent)[0] ?? '', d);
}

export function ackModeOf(t: AckTarget): AckMode {
  return headerValue(t, 15) !== '' || headerValue(t, 16) !== '' ? 'enhanced' : 'original';
}

function conditionOf(value: string): AckCondition {
  switch (value) {
    case 'NE':
    case 'ER':
    case 'SU':
      return value;
    default:
      return 'AL'; // empty or unknown: always acknowledge (safer than silence)
  }
}

/** Whether the sender asked for an ACK at this level for this result (MSH-15 / MSH-16). */
export function ackWanted(t: AckTarget, level: AckLevel, success: boolean): boolean {
  if (ackModeOf(t) === 'original') return true;
  const condition = conditionOf(headerValue(t, level === 'commit' ? 15 : 16));
  switch (condition) {
    case 'AL':
      return true;
    case 'NE':
      return false;
    case 'ER':
      return !success;
    case 'SU':
      return success;
    default:
      return condition satisfies never;
  }
}

/** MSA-1 for an outcome: the catalogue's AE/AR for errors, CA/CE/CR at commit level in enhanced mode. */
export function ackCodeFor(options: {
  mode: AckMode;
  level: AckLevel;
  error?: EngineError | undefined;
}): AckCode {
  const { mode, level, error } = options;
  const commit = mode === 'enhanced' && level === 'commit';
  if (error === undefined) return commit ? 'CA' : 'AA';
  const ack = error.definition.ack;
  if (!commit) return ack;
  return ack === 'AR' ? 'CR' : 'CE';
}

export interface AckOptions {
  readonly code: AckCode;
  /** MSH-10 of the ACK itself. */
  readonly controlId: string;
  /** MSH-7, epoch ms. */
  readonly now: number;
  readonly errors?: readonly EngineError[];
  /** MSA-3 text message. */
  readonly text?: string;
  /** Decoded values set by path after the defaults (e.g. `{ 'MSA-3': UBRN }`). */
  readonly fields?: Readonly<Record<string, string>>;
  /** Encoded segments appended (e.g. a `ZRF|…` carrying the UBRN). */
  readonly segments?: readonly string[];
}

let lastSecond = NaN;
let lastStamp = '';

/** HL7 TS in UTC with its offset: 20261125091500+0000. */
export function hl7Timestamp(ms: number): string {
  // Every ACK carries one; a listener answers thousands a second, all in the same few seconds.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastStamp = new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + '+0000';
    lastSecond = second;
  }
  return lastStamp;
}

/**
 * Builds an ACK for a message: MSH with sender and receiver swapped, MSH-9 `ACK^<trigger>^ACK`,
 * version, processing id and character set echoed; MSA-2 = the inbound MSH-10; one ERR per error.
 * It uses the inbound delimiters, so copied fields need no re-encoding.
 */
export function buildAck(target: AckTarget, options: AckOptions): string {
  const d = target.delimiters;
  const h = target.header;
  const trigger = (h.field(9).split(d.component)[1] ?? '').split(d.subcomponent)[0] ?? '';
  const enhanced = ackModeOf(target) === 'enhanced';
  const msh = [
    'MSH',
    encodingCharacters(d),
    h.field(5),
    h.field(6),
    h.field(3),
    h.field(4),
    hl7Timestamp(options.now),
    '',
    trigger === '' ? 'ACK' : ['ACK', trigger, 'ACK'].join(d.component),
    '',
    h.field(11) === '' ? 'P' : h.field(11),
    h.field(12) === '' ? '2.5' : h.field(12),
    '',
    '',
    enhanced ? 'NE' : '',
    enhanced ? 'NE' : '',
    h.field(17),
    h.field(18),
  ];
  msh[9] = escapeHl7(options.controlId, d);
  while (msh.at(-1) === '') msh.pop();
  const msa = ['MSA', options.code, h.field(10)];
  if (options.text !== undefined) msa.push(escapeHl7(options.text, d));
  const segments = [msh.join(d.field), msa.join(d.field)];
  for (const error of options.errors ?? []) segments.push(errSegment(error, d));
  // Built as text: the copied MSH fields are already encoded in these delimiters. Only reply
  // contributions go through the builder, which escapes their values and places them by path.
  const fields = Object.entries(options.fields ?? {});
  const extra = options.segments ?? [];
  if (fields.length === 0 && extra.length === 0) return segments.join('\r');
  const b = Hl7MessageBuilder.from(parseHl7(segments.join('\r')));
  for (const [path, value] of fields) b.set(path, value);
  for (const segment of extra) b.addEncodedSegment(segment);
  return b.toString();
}

/**
 * Recovers the MSH of input that did not parse, so it can still be answered with a NAK naming
 * its control id. Falls back to the standard delimiters when MSH-2 is damaged.
 */
export function recoverAckTarget(
  raw: Buffer | string,
): (AckTarget & { controlId: string }) | undefined {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const at = /(^|[\r\n])MSH/.exec(text);
  if (at === null) return undefined;
  const start = at.index + (at[1] ?? '').length;
  const end = text.slice(start).search(/[\r\n]/);
  const line = end === -1 ? text.slice(start) : text.slice(start, start + end);
  const found = readDelimiters(line);
  const d =
    typeof found === 'string' ? { ...DEFAULT_DELIMITERS, field: line.charAt(3) || '|' } : found;
  if (/[A-Za-z0-9\s]/.test(d.field)) return undefined;
  const target = { header: new Hl7Segment('MSH', line, 1, d.field), delimiters: d };
  return { ...target, controlId: headerValue(target, 10) };
}

/**
 * Sets MSH-15 AL / MSH-16 NE on an ACK sent on the outbound link, so the PAS answers it (a CA).
 * The copy kept for resends has no such request: a sender does not answer its own ACKs.
 */
export function withCommitRequest(ack: string): string {
  const [msh, ...rest] = ack.split('\r');
  const head = msh ?? '';
  const fs = head.charAt(3);
  const fields = head.split(fs);
  while (fields.length < 17) fields.push('');
  fields[14] = 'AL';
  fields[15] = 'NE';
  return [fields.join(fs), ...rest].join('\r');
}
