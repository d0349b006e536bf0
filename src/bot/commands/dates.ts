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
 * - Periods chrono does not know, read here: `end of week` (Friday), `end of month`, `end of
 *   quarter`, `end of year` (also `eow`, `eom`, `eoq`, `eoy`, `year end`, `end of next month`,
 *   …); a quarter named as a whole (`Q1`, `Q3 2027`, `this quarter`, `next quarter`) is its last
 *   day, `Q1` alone being the next Q1 to end; `last friday` is the most recent Friday before today;
 *   `1.12.2026` is day.month.year.
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
  const own = readPeriod(input.toLowerCase().replace(/\s+/g, ' '), wallClock(ctx.now, timeZone));
  if (own !== undefined) return own === null ? undefined : own;
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

// ---------------------------------------------------------------------------------------------
// Periods chrono does not read

type Unit = 'week' | 'month' | 'quarter' | 'year';
const SHORT_END: Readonly<Record<string, Unit>> = { eow: 'week', eom: 'month', eoq: 'quarter', eoy: 'year' };
const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The last day of the week/month/quarter/year `ahead` periods after today's. */
function endOf(unit: Unit, ahead: number, today: LocalDay): DateOnly {
  switch (unit) {
    case 'week':
      // The working week ends on Friday; on a weekend, the coming Friday.
      return addDays(today, ((5 - today.weekday + 7) % 7) + 7 * ahead);
    case 'month': {
      const m = today.month - 1 + ahead;
      const year = today.year + Math.floor(m / 12);
      const month = (m % 12) + 1;
      return toDateOnly(year, month, daysInMonth(year, month));
    }
    case 'quarter': {
      const q = Math.floor((today.month - 1) / 3) + ahead;
      return quarterEnd(today.year + Math.floor(q / 4), (q % 4) + 1);
    }
    case 'year':
      return toDateOnly(today.year + ahead, 12, 31);
  }
}

function quarterEnd(year: number, quarter: number): DateOnly {
  const month = quarter * 3;
  return toDateOnly(year, month, daysInMonth(year, month));
}

/**
 * Dates chrono does not read (or reads differently): a date, `null` when the text is one of these
 * forms but not a real date (`31.2.2026`), undefined when it is none of them.
 */
function readPeriod(input: string, today: LocalDay): DateOnly | null | undefined {
  const short = SHORT_END[input];
  if (short) return endOf(short, 0, today);
  let m = /^(?:the )?end of (?:the )?(this |next )?(week|month|quarter|year)$/.exec(input);
  if (m) return endOf(m[2] as Unit, m[1] === 'next ' ? 1 : 0, today);
  m = /^(this |next )?(week|month|quarter|year)[- ]end$/.exec(input);
  if (m) return endOf(m[2] as Unit, m[1] === 'next ' ? 1 : 0, today);
  m = /^(this|next) quarter$/.exec(input);
  if (m) return endOf('quarter', m[1] === 'next' ? 1 : 0, today);
  m = /^q([1-4])(?:[ /-]?(?:'?(\d{2})|(\d{4})))?$/.exec(input);
  if (m) {
    const quarter = Number(m[1]);
    if (m[2] !== undefined) return quarterEnd(2000 + Number(m[2]), quarter);
    if (m[3] !== undefined) return quarterEnd(Number(m[3]), quarter);
    const thisYear = quarterEnd(today.year, quarter);
    return thisYear >= toDateOnly(today.year, today.month, today.day) ? thisYear : quarterEnd(today.year + 1, quarter);
  }
  m = /^last (sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)[a-z]*$/.exec(input);
  if (m) {
    const weekday = WEEKDAY_NAMES.findIndex((d) => d.startsWith(m?.[1] ?? '-'));
    if (weekday < 0 || !(WEEKDAY_NAMES[weekday] ?? '').startsWith(input.slice(5))) return undefined;
    return addDays(today, -(((today.weekday - weekday + 6) % 7) + 1));
  }
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(input);
  if (m) {
    const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || year < 1) return null;
    return toDateOnly(year, month, day);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Words that try to be a date, and dates in the past

/** Date examples for answers that could not read a date. */
export const DATE_EXAMPLES = 'friday, next friday, in 10 days, Dec 1, 2026-12-01, end of month, end of quarter, Q1';

const DATE_WORD =
  /^(today|tonight|tomorrow|tmrw|tmr|yesterday|next|last|this|coming|end|eod|eow|eom|eoq|eoy|week|weeks|month|months|quarter|quarters|year|years|day|days|someday|sometime|soon|later|asap|never|noon|midnight|morning|afternoon|evening|weekend|q[1-4]|(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day)?|jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?)[.,;:!?]*$/i;

/**
 * Whether the words after `close` or `by` are meant as a date (so that, when they are not one,
 * the answer says so instead of keeping them in the title): their first word, after an optional
 * `the`/`on`/`in`, has a digit or is a date word (`someday`, `next`, `end`, a weekday, a month,
 * `Q1`…). `by email` or `close the deal` are not.
 */
export function looksLikeDateAttempt(text: string): boolean {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  let i = 0;
  while (i < words.length - 1 && /^(the|on|in|at|around|about)$/i.test(words[i] ?? '')) i++;
  const first = words[i];
  if (first === undefined) return false;
  return /\d/.test(first) || DATE_WORD.test(first);
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (both `YYYY-MM-DD`); negative when `to` is earlier. */
export function daysBetween(from: DateOnly, to: DateOnly): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** `Sat 21 Nov 2026`. */
export function formatDateOnly(date: DateOnly): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A warning for a date before today in the speaker's time zone ("The close date, Sat 21 Nov 2026,
 * is in the past: 3 days ago."), or undefined when it is today or later.
 */
export function pastDateNote(date: DateOnly, what: string, ctx: DateContext): string | undefined {
  const days = daysBetween(todayIn(ctx), date);
  if (!(days < 0)) return undefined;
  const ago = days === -1 ? 'yesterday' : `${-days} days ago`;
  return `The ${what}, ${formatDateOnly(date)}, is in the past: ${ago}.`;
}
