/**
 * Calendar dates as people type them in chat (`next friday`, `tomorrow`, `in 2 weeks`, `Dec 1`,
 * `2026-12-01`, `end of month`), read with chrono-node in the speaker's time zone and returned as
 * `YYYY-MM-DD`.
 *
 * Rules on top of chrono (chrono's own answers depend on the time of day, which a date-only
 * grammar must not):
 * - A bare weekday (`friday`, `this friday`, `on fri`) is the soonest such day, today included:
 *   typed on a Friday, `friday` is today.
 * - `next <weekday>` is the soonest such day strictly after today. On Tuesday 2026-11-24,
 *   `next friday` is Friday 2026-11-27 (chrono alone would say 2026-12-04, the Friday of next
 *   week); typed on a Friday it is the Friday a week later.
 * - Everything else is chrono's reading with `forwardDate: true` (an ambiguous date such as `Dec 1`
 *   is the next one to come).
 *
 * The whole text must be a date: `next friday please call` is not one. Trailing punctuation
 * (`friday.`) is allowed. Date ranges (`Dec 1 - Dec 5`) are not single dates and are rejected.
 */
import { todayIn as calendarToday } from '../../domain/shared/dates.js';
import * as chrono from 'chrono-node';
import type { DateOnly } from './intent.js';

export interface DateContext {
  now: Date;
  /** IANA time zone; an unknown zone is read as UTC. */
  timeZone: string;
}

/** Longest text looked at as a date. */
const MAX_DATE_CHARS = 80;

const TRAILING_PUNCTUATION = /[\s.,;:!?]+$/;

interface LocalDay {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatterCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatterCache.set(timeZone, f);
  }
  return f;
}

/** A time zone Intl accepts, or UTC. */
export function safeTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function wallClock(at: Date, timeZone: string): LocalDay & { hour: number; minute: number; second: number } {
  const parts = formatter(timeZone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: WEEKDAYS.indexOf(get('weekday')),
  };
}

/** The UTC offset of `timeZone` at `at`, in minutes (Berlin in winter: 60; Los Angeles: -480). */
export function timeZoneOffsetMinutes(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const instant = Math.floor(at.getTime() / 1000) * 1000;
  return Math.round((asUtc - instant) / 60_000);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function toDateOnly(year: number, month: number, day: number): DateOnly {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** The calendar day `days` after a local day (plain calendar arithmetic, no time zones). */
function addDays(d: LocalDay, days: number): DateOnly {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return toDateOnly(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Today's date in the time zone, `YYYY-MM-DD`. */
export function todayIn(ctx: DateContext): DateOnly {
  return calendarToday(safeTimeZone(ctx.timeZone), ctx.now);
}

const WEEKDAY_ONLY = /^(?:(on|this|next|coming|this coming)\s+)?[a-z]+$/i;

/**
 * Read the whole of `text` as a calendar date in the speaker's time zone. Returns undefined when
 * the text is not (entirely) a single date.
 */
export function parseDateOnly(text: string, ctx: DateContext): DateOnly | undefined {
  try {
    return parseDateOnlyUnsafe(text, ctx);
  } catch {
    return undefined;
  }
}

function parseDateOnlyUnsafe(text: string, ctx: DateContext): DateOnly | undefined {
  const input = text.trim().replace(TRAILING_PUNCTUATION, '');
  if (input === '' || input.length > MAX_DATE_CHARS) return undefined;
  if (Number.isNaN(ctx.now.getTime())) return undefined;
  const timeZone = safeTimeZone(ctx.timeZone);
  const offset = timeZoneOffsetMinutes(ctx.now, timeZone);
  const results = chrono.parse(input, { instant: ctx.now, timezone: offset }, { forwardDate: true });
  if (results.length !== 1) return undefined;
  const [result] = results;
  if (!result || result.index !== 0 || result.text.length !== input.length) return undefined;
  if (result.end) return undefined;
  const start = result.start;

  const weekdayOnly = WEEKDAY_ONLY.exec(input);
  if (weekdayOnly && start.isCertain('weekday') && !start.isCertain('day')) {
    const weekday = start.get('weekday');
    if (weekday !== null && weekday >= 0 && weekday <= 6) {
      const today = wallClock(ctx.now, timeZone);
      let ahead = (weekday - today.weekday + 7) % 7;
      if (ahead === 0 && weekdayOnly[1]?.toLowerCase() === 'next') ahead = 7;
      return addDays(today, ahead);
    }
  }

  const year = start.get('year');
  const month = start.get('month');
  const day = start.get('day');
  if (year === null || month === null || day === null) return undefined;
  if (year < 1 || year > 9999) return undefined;
  return toDateOnly(year, month, day);
}
