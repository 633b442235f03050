import { parseHl7 } from '../../formats/hl7v2/index.js';
import type { StoredMessage } from '../../core/store-types.js';

/**
 * What the message page's Facts show about the referral and the patient, with the patient
 * masked: an operator recognises "••• ••• 3888, J. D." on a phone call without the page
 * putting a whole NHS number and name on screen. Pure: reads the stored message only.
 */
export interface MessageFacts {
  /** What the control id is, in the words of its source: MSH-10, a file row's id, … */
  readonly controlIdLabel: string;
  readonly ubrn: string | null;
  /** e.g. `••• ••• 3888` */
  readonly nhsNumber: string | null;
  /** e.g. `J. D.` (given names, then family name) */
  readonly initials: string | null;
  readonly sourceFile: string | null;
  readonly sourceRow: number | null;
  /** Set on a message an operator edited and resent: the message it was made from. */
  readonly resentFrom: number | null;
}

type Body = Pick<
  StoredMessage,
  'contentType' | 'raw' | 'messageType' | 'sourceMeta' | 'searchKeys' | 'mappedInput'
> & { destinationResults: Record<string, unknown> };

/** `••• ••• 1234`: only the last four digits, the way NHS numbers are grouped (3 3 4). */
export function maskNhsNumber(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return null;
  return `••• ••• ${digits.slice(6)}`;
}

/** `J. D.` from given names and a family name; nothing else of the name. */
export function initialsOf(given: readonly string[], family: string): string | null {
  const letters = [...given, family]
    .map((n) => n.trim().charAt(0).toUpperCase())
    .filter((c) => /\p{L}/u.test(c));
  return letters.length === 0 ? null : letters.map((c) => `${c}.`).join(' ');
}

function isHl7(m: Body): boolean {
  return m.contentType.includes('hl7') || m.raw?.subarray(0, 3).toString('latin1') === 'MSH';
}

function isFileRow(m: Body): boolean {
  return typeof m.sourceMeta['file'] === 'string' && typeof m.sourceMeta['row'] === 'number';
}

/** Pure: the label for `controlId`, by where the message came from. */
export function controlIdLabel(m: Pick<Body, 'contentType' | 'raw' | 'sourceMeta'>): string {
  if (isFileRow(m as Body)) return 'Row id (file hash:row)';
  if (isHl7(m as Body)) return 'MSH-10';
  return 'Control id';
}

function stringAt(value: unknown, ...path: string[]): string | null {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return null;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' && at.trim() !== '' ? at.trim() : null;
}

function ubrnOf(m: Body): string | null {
  const fromKeys = m.searchKeys['ubrn'];
  if (fromKeys) return fromKeys;
  for (const result of Object.values(m.destinationResults)) {
    const created = stringAt(result, 'output', 'ubrn');
    if (created) return created;
  }
  return stringAt(m.mappedInput, 'input', 'ubrn');
}

/** PID-3 repetition whose identifier type is NH (or authority NHS), and PID-5's initials. */
function fromHl7(raw: Buffer): { nhs: string | null; initials: string | null } {
  try {
    const msg = parseHl7(raw);
    const d = msg.delimiters;
    const pid = msg.segments.find((s) => s.name === 'PID');
    if (!pid) return { nhs: null, initials: null };
    const ids = pid
      .field(3)
      .split(d.repetition)
      .map((r) => r.split(d.component));
    const nhs = ids.find((c) => c[4] === 'NH' || c[3]?.startsWith('NHS'))?.[0] ?? null;
    const name = pid.field(5).split(d.repetition)[0]?.split(d.component) ?? [];
    const given = [name[1] ?? '', name[2] ?? ''].filter((n) => n !== '');
    return { nhs, initials: initialsOf(given, name[0] ?? '') };
  } catch {
    return { nhs: null, initials: null };
  }
}

function fromCsvRow(raw: Buffer): string | null {
  try {
    const row = JSON.parse(raw.toString('utf8')) as { columns?: Record<string, unknown> };
    const value = row.columns?.['nhs_number'] ?? row.columns?.['nhsNumber'];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

export function messageFacts(m: Body): MessageFacts {
  const hl7 = m.raw && isHl7(m) ? fromHl7(m.raw) : { nhs: null, initials: null };
  const csv = m.raw && isFileRow(m) ? fromCsvRow(m.raw) : null;
  const nhs = stringAt(m.mappedInput, 'input', 'nhsNumber') ?? hl7.nhs ?? csv;
  const resent = Number(m.sourceMeta['resentFrom']);
  return {
    controlIdLabel: controlIdLabel(m),
    ubrn: ubrnOf(m),
    nhsNumber: nhs === null ? null : maskNhsNumber(nhs),
    initials: hl7.initials,
    sourceFile: typeof m.sourceMeta['file'] === 'string' ? m.sourceMeta['file'] : null,
    sourceRow: typeof m.sourceMeta['row'] === 'number' ? m.sourceMeta['row'] : null,
    resentFrom: Number.isSafeInteger(resent) && resent > 0 ? resent : null,
  };
}
