import { DateTime } from 'luxon';

/** Dates as a UK patient letter prints them ("25 November 2026"), in UK time. */
export function letterDate(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  return DateTime.fromJSDate(date, { zone: 'Europe/London' })
    .setLocale('en-GB')
    .toFormat('d MMMM yyyy');
}

/** A state code as words for a letter: AWAITING_TRIAGE → "Awaiting triage". */
export function stateWords(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a letter prints when the seed gives a service no specialty. */
export const NOT_RECORDED = 'Not recorded';

/** The letterhead of every PDF the sandbox prints (e-RS's own letters carry the service's). */
export const SANDBOX_LETTERHEAD = {
  name: 'NHS e-Referral Service (sandbox)',
  address1: 'Sandbox House',
  town: 'Leeds',
  postcode: 'LS1 4HR',
  phone: '0345 608 8888',
} as const;
