import { DateTime } from 'luxon';
import type { WorkingHours } from '../core/alert-settings.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * Pure: the start (epoch ms) of the working period `now` falls in, or undefined outside working
 * hours. Times are wall-clock in the configured zone (Europe/London follows BST).
 */
export function workingPeriodStart(now: number, hours: WorkingHours): number | undefined {
  const local = DateTime.fromMillis(now, { zone: hours.timezone });
  const day = DAYS[local.weekday - 1];
  if (day === undefined || !hours.days.includes(day)) return undefined;
  const minute = local.hour * 60 + local.minute;
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  if (minute < from || minute >= to) return undefined;
  return local.startOf('day').plus({ minutes: from }).toMillis();
}

/**
 * Pure: silent for `minutes` of working time: in working hours, at least that long into the
 * working period (a quiet night does not fire at 08:00), and nothing received for that long.
 */
export function silentInWorkingHours(options: {
  now: number;
  lastReceivedAt: number | null;
  minutes: number;
  hours: WorkingHours;
}): boolean {
  const start = workingPeriodStart(options.now, options.hours);
  if (start === undefined) return false;
  const limit = options.now - options.minutes * 60_000;
  if (start > limit) return false;
  return options.lastReceivedAt === null || options.lastReceivedAt < limit;
}
