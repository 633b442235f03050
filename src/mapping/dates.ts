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
