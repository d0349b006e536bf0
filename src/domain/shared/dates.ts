/**
 * Calendar dates (expected close, next-action due) are stored as midnight UTC of the date the
 * person meant; "today" is read in the reader's time zone.
 */
import { z } from 'zod';

export const dateOnlySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => toDateOnly(fromDateOnly(s)) === s, 'not a real calendar date');

export function fromDateOnly(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function toDateOnly(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date at `now` in `timeZone`, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now: Date): string {
  // Building a formatter costs far more than using one: keep one per zone.
  let f = dayFormatters.get(timeZone);
  if (!f) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    if (dayFormatters.size > 1000) dayFormatters.clear();
    dayFormatters.set(timeZone, f);
  }
  return f.format(now);
}

export function addDays(date: string, days: number): string {
  const d = fromDateOnly(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toDateOnly(d);
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
