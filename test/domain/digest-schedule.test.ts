import { describe, expect, it } from 'vitest';
import {
  digestDueDate,
  inQuietHours,
  localTime,
  nextDigestDate,
  nudgeDueDate,
  type DigestSchedule,
} from '../../src/domain/digests/schedule.js';

const at = (iso: string) => new Date(iso);
const berlin9: DigestSchedule = { minuteOfDay: 9 * 60, days: 'weekdays', timeZone: 'Europe/Berlin', createdAt: at('2026-01-01T00:00:00Z') };

describe('localTime', () => {
  it('reads the wall clock, weekday and date in a zone', () => {
    expect(localTime('Europe/Berlin', at('2026-11-24T08:00:00Z'))).toEqual({ date: '2026-11-24', weekday: 2, minute: 9 * 60 });
    expect(localTime('America/New_York', at('2026-11-24T03:30:00Z'))).toEqual({ date: '2026-11-23', weekday: 1, minute: 22 * 60 + 30 });
    expect(localTime('Asia/Kolkata', at('2026-11-24T18:29:00Z')).minute).toBe(23 * 60 + 59);
  });
});

describe('digestDueDate across daylight-saving changes', () => {
  it('Europe/Berlin falls back on Sun 25 Oct 2026: 9:00 is 07:00 UTC before, 08:00 UTC after', () => {
    // Friday before: CEST (UTC+2).
    expect(digestDueDate(berlin9, at('2026-10-23T06:59:00Z'))).toBeUndefined();
    expect(digestDueDate(berlin9, at('2026-10-23T07:00:00Z'))).toBe('2026-10-23');
    // Monday after: CET (UTC+1). 07:00 UTC is 8:00 local: not yet.
    expect(digestDueDate(berlin9, at('2026-10-26T07:00:00Z'))).toBeUndefined();
    expect(digestDueDate(berlin9, at('2026-10-26T07:59:00Z'))).toBeUndefined();
    expect(digestDueDate(berlin9, at('2026-10-26T08:00:00Z'))).toBe('2026-10-26');
  });

  it('America/New_York springs forward on Sun 14 Mar 2027: 9:00 moves from 14:00 to 13:00 UTC', () => {
    const ny = { ...berlin9, timeZone: 'America/New_York', days: 'daily' as const };
    expect(digestDueDate(ny, at('2027-03-13T13:59:00Z'))).toBeUndefined();
    expect(digestDueDate(ny, at('2027-03-13T14:00:00Z'))).toBe('2027-03-13');
    expect(digestDueDate(ny, at('2027-03-14T12:59:00Z'))).toBeUndefined();
    expect(digestDueDate(ny, at('2027-03-14T13:00:00Z'))).toBe('2027-03-14');
  });

  it('a time the clocks skip (2:30 on spring-forward night) is due at the first minute after it', () => {
    const night = { ...berlin9, minuteOfDay: 2 * 60 + 30, days: 'daily' as const, timeZone: 'America/New_York' };
    // 2027-03-14: 01:59 EST is 06:59 UTC; the next minute is 03:00 EDT (07:00 UTC).
    expect(digestDueDate(night, at('2027-03-14T06:59:00Z'))).toBeUndefined();
    expect(digestDueDate(night, at('2027-03-14T07:00:00Z'))).toBe('2027-03-14');
  });

  it('a time that happens twice (1:30 on fall-back night) is due from the first one, for one date', () => {
    const night = { ...berlin9, minuteOfDay: 90, days: 'daily' as const, timeZone: 'America/New_York' };
    // 2026-11-01: 01:30 EDT is 05:30 UTC, 01:30 EST is 06:30 UTC: both read 2026-11-01.
    expect(digestDueDate(night, at('2026-11-01T05:29:00Z'))).toBeUndefined();
    expect(digestDueDate(night, at('2026-11-01T05:30:00Z'))).toBe('2026-11-01');
    expect(digestDueDate(night, at('2026-11-01T06:30:00Z'))).toBe('2026-11-01');
  });
});

describe('digestDueDate', () => {
  it('skips weekends for a weekdays digest, not for a daily one', () => {
    const saturday = at('2026-11-28T10:00:00Z');
    expect(digestDueDate(berlin9, saturday)).toBeUndefined();
    expect(digestDueDate({ ...berlin9, days: 'daily' }, saturday)).toBe('2026-11-28');
  });

  it('stays due for the rest of the local day (a scheduler that was down catches up), then moves on', () => {
    expect(digestDueDate(berlin9, at('2026-11-24T22:59:00Z'))).toBe('2026-11-24');
    expect(digestDueDate(berlin9, at('2026-11-24T23:00:00Z'))).toBeUndefined(); // 00:00 on the 25th in Berlin
  });

  it('starts the day after when subscribed after today’s time', () => {
    const late = { ...berlin9, createdAt: at('2026-11-24T09:30:00Z') };
    expect(digestDueDate(late, at('2026-11-24T10:00:00Z'))).toBeUndefined();
    expect(digestDueDate(late, at('2026-11-25T08:00:00Z'))).toBe('2026-11-25');
    const early = { ...berlin9, createdAt: at('2026-11-24T06:00:00Z') };
    expect(digestDueDate(early, at('2026-11-24T08:00:00Z'))).toBe('2026-11-24');
  });
});

describe('nudgeDueDate', () => {
  const alice = { nudgeMinute: 9 * 60, quietStartMinute: 19 * 60, quietEndMinute: 8 * 60, timeZone: 'Europe/Berlin' };

  it('is due on working days from the nudge time, in the member’s zone', () => {
    expect(nudgeDueDate(alice, at('2026-11-24T07:59:00Z'))).toBeUndefined();
    expect(nudgeDueDate(alice, at('2026-11-24T08:00:00Z'))).toBe('2026-11-24');
    expect(nudgeDueDate(alice, at('2026-11-28T08:00:00Z'))).toBeUndefined(); // Saturday
    expect(nudgeDueDate(alice, at('2026-11-29T08:00:00Z'))).toBeUndefined(); // Sunday
  });

  it('is not sent in quiet hours, even late the same day', () => {
    expect(nudgeDueDate(alice, at('2026-11-24T17:59:00Z'))).toBe('2026-11-24'); // 18:59
    expect(nudgeDueDate(alice, at('2026-11-24T18:00:00Z'))).toBeUndefined(); // 19:00: quiet
  });

  it('waits for quiet hours to end when the nudge time falls inside them', () => {
    const early = { ...alice, nudgeMinute: 7 * 60 };
    expect(nudgeDueDate(early, at('2026-11-24T06:30:00Z'))).toBeUndefined(); // 7:30, quiet until 8:00
    expect(nudgeDueDate(early, at('2026-11-24T07:00:00Z'))).toBe('2026-11-24');
  });

  it('reads quiet hours that do or do not wrap past midnight; equal ends mean none', () => {
    expect(inQuietHours(23 * 60, 22 * 60, 7 * 60)).toBe(true);
    expect(inQuietHours(6 * 60, 22 * 60, 7 * 60)).toBe(true);
    expect(inQuietHours(7 * 60, 22 * 60, 7 * 60)).toBe(false);
    expect(inQuietHours(13 * 60, 12 * 60, 14 * 60)).toBe(true);
    expect(inQuietHours(14 * 60, 12 * 60, 14 * 60)).toBe(false);
    expect(inQuietHours(3 * 60, 0, 0)).toBe(false);
  });
});

describe('nextDigestDate', () => {
  it('is today before the time, else the next of its days', () => {
    expect(nextDigestDate(berlin9, at('2026-11-24T07:00:00Z'))).toBe('2026-11-24');
    expect(nextDigestDate(berlin9, at('2026-11-24T09:00:00Z'))).toBe('2026-11-25');
    expect(nextDigestDate(berlin9, at('2026-11-27T09:00:00Z'))).toBe('2026-11-30'); // Friday → Monday
    expect(nextDigestDate({ ...berlin9, days: 'daily' }, at('2026-11-27T09:00:00Z'))).toBe('2026-11-28');
  });
});
