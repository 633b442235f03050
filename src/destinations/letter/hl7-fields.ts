import { z } from 'zod';
import { EngineError } from '../../core/errors.js';
import { compileHl7Path, parseHl7, type Hl7Path } from '../../formats/hl7v2/index.js';

/** How an HL7 DTM/TS value is printed in a letter (letters are read in the UK). */
export const FieldFormat = { date: 'date', time: 'time', datetime: 'datetime' } as const;
export type FieldFormat = (typeof FieldFormat)[keyof typeof FieldFormat];

const rule = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
  z
    .object({
      path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      format: z.enum(['date', 'time', 'datetime']).optional(),
    })
    .strict(),
]);
/** Letter data keys (dotted) filled from the inbound HL7 message: one path, several joined with
 * a space (`[PID-5.2, PID-5.1]` → "Jane Smith"), or `{ path, format }` for timestamps. */
export const LetterFieldsSchema = z.record(
  z.string().regex(/^[A-Za-z_]\w*(\.\w+)*$/, 'must be a data path like patient.name'),
  rule,
);
export type LetterFieldsConfig = z.infer<typeof LetterFieldsSchema>;

interface CompiledField {
  readonly key: string;
  readonly paths: readonly Hl7Path[];
  readonly format: FieldFormat | undefined;
}

/** Compiles every path once at channel start; a bad path refuses the channel, naming it. */
export function compileFields(fields: LetterFieldsConfig): CompiledField[] {
  return Object.entries(fields).map(([key, r]) => {
    const sources = typeof r === 'string' || Array.isArray(r) ? r : r.path;
    const format = typeof r === 'string' || Array.isArray(r) ? undefined : r.format;
    const paths = (Array.isArray(sources) ? sources : [sources]).map((p) => {
      try {
        return compileHl7Path(p);
      } catch (cause) {
        throw new EngineError('CONFIG_INVALID', `letter fields.${key}: "${p}" is not an HL7 path`, {
          at: `fields.${key}`,
          cause,
        });
      }
    });
    return { key, paths, format };
  });
}

const MONTH_DAY = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } as const;

/** Pure: an HL7 timestamp (YYYYMMDD[HHMM[SS]][+ZZZZ]) as UK letter text; wall-clock time as sent,
 * with no zone conversion (a clinic time is the time on the clinic's wall). */
export function formatHl7Time(value: string, format: FieldFormat): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?/.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi] = m;
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  // ICU writes "Tuesday, 15 December 2026"; UK letters write it without the comma.
  const date = at
    .toLocaleDateString('en-GB', { ...MONTH_DAY, timeZone: 'UTC' })
    .replace(/^(\w+),/, '$1');
  const time = h === undefined ? '' : `${h}:${mi ?? '00'}`;
  switch (format) {
    case 'date':
      return date;
    case 'time':
      return time;
    case 'datetime':
      return time === '' ? date : `${date} at ${time}`;
    default:
      return format satisfies never;
  }
}

function setPath(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node[part] = next !== null && typeof next === 'object' ? next : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1) ?? key] = value;
}

/** Pure: the letter data the fields read from an HL7 message (nothing for non-HL7 bodies). */
export function fieldsFromHl7(
  fields: readonly CompiledField[],
  raw: Buffer | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (
    fields.length === 0 ||
    raw === null ||
    !raw.subarray(0, 4).toString('latin1').startsWith('MSH')
  )
    return out;
  const msg = parseHl7(raw);
  for (const f of fields) {
    const parts = f.paths.map((p) => p.first(msg)).filter((v): v is string => v !== undefined);
    if (parts.length === 0) continue;
    const text = parts.join(' ').trim();
    setPath(out, f.key, f.format === undefined ? text : formatHl7Time(text, f.format));
  }
  return out;
}
