/**
 * When a digest or a nudge is due, read on the wall clock of its own time zone.
 *
 * A schedule says "at 9:00 local time". Whether it is due is decided from the local date and
 * local time at `now`, never from a UTC offset remembered earlier, so daylight-saving changes need
 * no special case: the Monday after Europe/Berlin falls back, 9:00 is 08:00 UTC instead of 07:00,
 * and that is simply when the local clock shows 9:00. A time skipped by a spring-forward (2:30 on
 * the night clocks jump from 2:00 to 3:00) is due at the first minute after it (3:00); a time that
 * happens twice in the autumn is due the first time (the ledger keeps it from posting twice).
 * The scheduler ticks every minute, so a delivery goes out within a minute of its time, and
 * later the same local day if the scheduler was down at that time.
 */

export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7; // ISO: Monday = 1 … Sunday = 7

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** Minutes after local midnight, 0…1439. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, Weekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock date, weekday and minute at `instant` in `timeZone`. */
export function localTime(timeZone: string, instant: Date): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(instant)) p[part.type] = part.value;
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: WEEKDAYS[p.weekday ?? ''] ?? 1,
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
}

export const isWorkday = (weekday: Weekday) => weekday <= 5;

export type DigestDays = 'weekdays' | 'daily';

export interface DigestSchedule {
  minuteOfDay: number;
  days: DigestDays;
  timeZone: string;
  /** A new subscription starts with the first scheduled time after it was made. */
  createdAt: Date;
}

/**
 * The local date a digest is due for at `now`, or undefined when none is: today is one of its
 * days, its time has come, and it was not subscribed after today's time had passed.
 */
export function digestDueDate(s: DigestSchedule, now: Date): string | undefined {
  const local = localTime(s.timeZone, now);
  if (s.days === 'weekdays' && !isWorkday(local.weekday)) return undefined;
  if (local.minute < s.minuteOfDay) return undefined;
  const created = localTime(s.timeZone, s.createdAt);
  if (created.date === local.date && created.minute > s.minuteOfDay) return undefined;
  if (created.date > local.date) return undefined;
  return local.date;
}

export interface NudgeSchedule {
  nudgeMinute: number;
  quietStartMinute: number;
  quietEndMinute: number;
  timeZone: string;
}

/** True when `minute` falls in the quiet hours [start, end), which may wrap past midnight. */
export function inQuietHours(minute: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The local date a nudge is due for at `now`, or undefined: a working day (Monday to Friday in
 * the member's zone), at or after their nudge time, and not in their quiet hours (a nudge time
 * inside the quiet hours therefore waits for them to end, the same day).
 */
export function nudgeDueDate(s: NudgeSchedule, now: Date): string | undefined {
  const local = localTime(s.timeZone, now);
  if (!isWorkday(local.weekday)) return undefined;
  if (local.minute < s.nudgeMinute) return undefined;
  if (inQuietHours(local.minute, s.quietStartMinute, s.quietEndMinute)) return undefined;
  return local.date;
}

/**
 * The next local date (after today if today's time has passed or today is not one of its days)
 * a digest will go out, for showing in the settings.
 */
export function nextDigestDate(s: Pick<DigestSchedule, 'minuteOfDay' | 'days' | 'timeZone'>, now: Date): string {
  const local = localTime(s.timeZone, now);
  let date = local.date;
  let weekday = local.weekday;
  let first = true;
  for (let i = 0; i < 8; i++) {
    const dayOk = s.days === 'daily' || isWorkday(weekday);
    if (dayOk && (!first || local.minute < s.minuteOfDay)) return date;
    first = false;
    date = nextDate(date);
    weekday = ((weekday % 7) + 1) as Weekday;
  }
  return date;
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** `9:00`, `17:30` (24-hour clock). */
export function formatMinuteOfDay(minute: number): string {
  return `${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}`;
}
