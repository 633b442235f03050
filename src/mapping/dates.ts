import { DateTime } from 'luxon';

export const ZONE = 'Europe/London';

const TS = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,4}))?)?([+-]\d{4})?$/;

/** HL7 TS/DTM → luxon DateTime; without an offset the time is local to Europe/London. */
function parseTs(ts: string): { dt: DateTime; hasTime: boolean } | undefined {
  const m = TS.exec(ts.trim());
  if (m === null) return undefined;
  const [, y, mo = '01', d = '01', h, mi = '00', s = '00', fraction, off] = m;
  const zone = off === undefined ? ZONE : `UTC${off.slice(0, 3)}:${off.slice(3)}`;
  const dt = DateTime.fromObject(
    {
      year: Number(y),
      month: +mo,
      day: +d,
      hour: h === undefined ? 0 : +h,
      minute: +mi,
      second: +s,
      // HL7 allows up to four decimals of a second; e-RS slot times carry milliseconds.
      millisecond: fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000),
    },
    { zone },
  );
  return dt.isValid ? { dt, hasTime: h !== undefined } : undefined;
}

/** `20261125` → `2026-11-25`; undefined when it is not a date. */
export function hl7ToFhirDate(ts: string): string | undefined {
  const p = parseTs(ts);
  return p?.dt.toISODate() ?? undefined;
}

/**
 * `20261125091500` → `2026-11-25T09:15:00+00:00` (offset of Europe/London on that day).
 * `asSent` keeps the offset the timestamp carries (`…+0000` stays `+00:00` in summer too), for
 * peers that compare the text, as NHS's e-RS sandbox does; without one it is Europe/London's.
 */
export function hl7ToFhirDateTime(ts: string, asSent = false): string | undefined {
  const p = parseTs(ts);
  if (p === undefined) return undefined;
  const dt = asSent ? p.dt : p.dt.setZone(ZONE);
  // `ZZ` writes +00:00 where toISO would write Z for a UTC offset.
  const local = dt.toISO({ suppressMilliseconds: true, includeOffset: false });
  return local === null ? undefined : `${local}${dt.toFormat('ZZ')}`;
}

/** FHIR date or dateTime → HL7 TS in Europe/London local time (`20261125` / `20261125091500`). */
export function fhirToHl7(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value.replaceAll('-', '');
  const dt = DateTime.fromISO(value, { setZone: true });
  return dt.isValid ? dt.setZone(ZONE).toFormat('yyyyLLddHHmmss') : undefined;
}

/** What a `date`/`dateTime` transform with explicit input formats gives. */
export type DateOutput = 'date' | 'dateTime';

// A fixed instant whose fields all differ (25/11/2026 09:15:30): a format that reads it back
// with other fields confuses units, e.g. `dd/mm/yyyy` (mm is minutes, the month is MM).
const PROBE = DateTime.fromObject(
  { year: 2026, month: 11, day: 25, hour: 9, minute: 15, second: 30 },
  { zone: ZONE },
);

/**
 * Pure: why a luxon format (https://moment.github.io/luxon/#/parsing?id=table-of-tokens) cannot
 * read dates, or undefined when it can. It needs a year, a month and a day, and must read back
 * what it writes.
 */
export function dateFormatProblem(format: string): string | undefined {
  const letters = format.replace(/'[^']*'/g, '');
  if (!/y/.test(letters)) return `format "${format}" has no year (yyyy)`;
  if (!/[ML]/.test(letters))
    return `format "${format}" has no month (MM)${/m/.test(letters) ? '; mm is minutes' : ''}`;
  if (!/d/.test(letters)) return `format "${format}" has no day (dd)`;
  const back = DateTime.fromFormat(PROBE.toFormat(format), format, { zone: ZONE });
  const same =
    back.isValid &&
    back.year === PROBE.year &&
    back.month === PROBE.month &&
    back.day === PROBE.day &&
    (!/[Hh]/.test(letters) || back.hour === PROBE.hour) &&
    (!/m/.test(letters) || back.minute === PROBE.minute);
  return same ? undefined : `format "${format}" does not read back the dates it writes`;
}

/**
 * Pure: `value` read strictly with the first of `formats` that fits (Europe/London time), as a
 * FHIR date or dateTime; otherwise why not — `31/02/2026` is no date, `12/31/2026` no dd/MM date.
 */
export function parseWithFormats(
  value: string,
  formats: readonly string[],
  output: DateOutput,
): { value: string } | { problem: string } {
  let reason: string | undefined;
  for (const format of formats) {
    const dt = DateTime.fromFormat(value, format, { zone: ZONE });
    if (dt.isValid) {
      const text =
        output === 'date'
          ? dt.toISODate()
          : dt.toISO({ suppressMilliseconds: true, includeOffset: true });
      return { value: text };
    }
    // The first format that matched the shape explains best why the date does not exist.
    if (reason === undefined && dt.invalidReason !== 'unparsable')
      reason = dt.invalidExplanation ?? dt.invalidReason;
  }
  const want = formats.length === 1 ? formats[0] : `any of ${formats.join(', ')}`;
  return { problem: `"${value}" is not a date in ${want}${reason ? ` (${reason})` : ''}` };
}
