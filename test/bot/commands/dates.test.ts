import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseDateOnly,
  safeTimeZone,
  timeZoneOffsetMinutes,
  todayIn,
} from '../../../src/bot/commands/dates.js';

// Tuesday 24 November 2026, 11:00 in Berlin.
const TUESDAY = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin' };

describe('parseDateOnly on Tuesday 2026-11-24 in Berlin', () => {
  it.each<[string, string]>([
    // `next <weekday>` is the first such day after today (chrono alone would say 2026-12-04).
    ['next friday', '2026-11-27'],
    ['Next Friday', '2026-11-27'],
    ['next fri', '2026-11-27'],
    ['friday', '2026-11-27'],
    ['this friday', '2026-11-27'],
    ['on friday', '2026-11-27'],
    ['fri', '2026-11-27'],
    ['monday', '2026-11-30'],
    ['next monday', '2026-11-30'],
    // Today's weekday: bare means today, `next` means a week later.
    ['tuesday', '2026-11-24'],
    ['next tuesday', '2026-12-01'],
    ['tomorrow', '2026-11-25'],
    ['today', '2026-11-24'],
    ['in 2 weeks', '2026-12-08'],
    ['in 3 days', '2026-11-27'],
    ['next week', '2026-12-01'],
    ['2026-12-01', '2026-12-01'],
    ['Dec 1', '2026-12-01'],
    ['december 1st', '2026-12-01'],
    ['1 December 2026', '2026-12-01'],
    ['12/1', '2026-12-01'],
    ['end of month', '2026-11-30'],
    ['end of the month', '2026-11-30'],
    // An ambiguous date is the next one to come (forwardDate).
    ['Nov 1', '2027-11-01'],
    ['2027-01-15', '2027-01-15'],
    // Surrounding space and trailing punctuation are fine.
    ['  friday  ', '2026-11-27'],
    ['friday.', '2026-11-27'],
    ['next friday!', '2026-11-27'],
  ])('%s → %s', (text, expected) => {
    expect(parseDateOnly(text, TUESDAY)).toBe(expected);
  });

  it.each<[string, string]>([
    ['next friday please call', 'the whole text must be a date'],
    ['call on friday', 'text before the date'],
    ['friday and monday', 'two dates'],
    ['Dec 1 - Dec 5', 'a range is not one date'],
    ['2026-02-30', 'no such day'],
    ['acme', 'not a date'],
    ['2026', 'a bare year'],
    ['25k', 'an amount'],
    ['', 'empty'],
    ['   ', 'blank'],
    ['friday '.repeat(30), 'too long'],
  ])('%j is not a date (%s)', (text) => {
    expect(parseDateOnly(text, TUESDAY)).toBeUndefined();
  });

  it('does not depend on chrono answering "next friday" with next week', () => {
    // On a Friday, "next friday" is a week later and "friday" is today.
    const friday = { now: new Date('2026-11-27T10:00:00Z'), timeZone: 'Europe/Berlin' };
    expect(parseDateOnly('next friday', friday)).toBe('2026-12-04');
    expect(parseDateOnly('friday', friday)).toBe('2026-11-27');
  });
});

describe('the speaker’s time zone decides the calendar day', () => {
  // 23:30 UTC on Friday 27 November 2026: already Saturday 12:30 in Auckland, still Friday 15:30
  // in Los Angeles.
  const now = new Date('2026-11-27T23:30:00Z');

  it.each<[string, string, string]>([
    ['UTC', 'today', '2026-11-27'],
    ['UTC', 'tomorrow', '2026-11-28'],
    ['UTC', 'friday', '2026-11-27'],
    ['UTC', 'next friday', '2026-12-04'],
    ['UTC', 'saturday', '2026-11-28'],
    ['UTC', 'in 3 days', '2026-11-30'],
    ['Pacific/Auckland', 'today', '2026-11-28'],
    ['Pacific/Auckland', 'tomorrow', '2026-11-29'],
    ['Pacific/Auckland', 'friday', '2026-12-04'],
    ['Pacific/Auckland', 'next friday', '2026-12-04'],
    ['Pacific/Auckland', 'saturday', '2026-11-28'],
    ['Pacific/Auckland', 'next saturday', '2026-12-05'],
    ['Pacific/Auckland', 'in 3 days', '2026-12-01'],
    ['America/Los_Angeles', 'today', '2026-11-27'],
    ['America/Los_Angeles', 'tomorrow', '2026-11-28'],
    ['America/Los_Angeles', 'friday', '2026-11-27'],
    ['America/Los_Angeles', 'next friday', '2026-12-04'],
    ['America/Los_Angeles', 'in 3 days', '2026-11-30'],
    ['America/Los_Angeles', 'end of month', '2026-11-30'],
    ['Asia/Kolkata', 'today', '2026-11-28'],
    ['Pacific/Kiritimati', 'tomorrow', '2026-11-29'],
    ['Pacific/Pago_Pago', 'tomorrow', '2026-11-28'],
    // An unknown zone is read as UTC rather than failing.
    ['Not/AZone', 'tomorrow', '2026-11-28'],
  ])('in %s, %s → %s', (timeZone, text, expected) => {
    expect(parseDateOnly(text, { now, timeZone })).toBe(expected);
  });

  it.each<[string, string, string]>([
    // Berlin leaves summer time at 03:00 on Sunday 25 October 2026.
    ['2026-10-24T22:30:00Z', 'Europe/Berlin', 'today:2026-10-25 tomorrow:2026-10-26'],
    // Los Angeles leaves summer time at 02:00 on Sunday 1 November 2026.
    ['2026-11-01T06:30:00Z', 'America/Los_Angeles', 'today:2026-10-31 tomorrow:2026-11-01'],
    ['2026-11-01T08:30:00Z', 'America/Los_Angeles', 'today:2026-11-01 tomorrow:2026-11-02'],
  ])('around a DST change: at %s in %s', (instant, timeZone, expected) => {
    const ctx = { now: new Date(instant), timeZone };
    const got = `today:${parseDateOnly('today', ctx)} tomorrow:${parseDateOnly('tomorrow', ctx)}`;
    expect(got).toBe(expected);
  });

  it.each<[string, string, number]>([
    ['2026-11-24T10:00:00Z', 'Europe/Berlin', 60],
    ['2026-07-01T10:00:00Z', 'Europe/Berlin', 120],
    ['2026-11-27T23:30:00Z', 'America/Los_Angeles', -480],
    ['2026-11-27T23:30:00Z', 'Pacific/Auckland', 780],
    ['2026-11-27T23:30:00Z', 'Asia/Kolkata', 330],
    ['2026-11-27T23:30:00Z', 'Pacific/Chatham', 825],
    ['2026-11-27T23:30:00Z', 'UTC', 0],
  ])('offset at %s in %s is %i minutes', (instant, timeZone, minutes) => {
    expect(timeZoneOffsetMinutes(new Date(instant), timeZone)).toBe(minutes);
  });

  it('todayIn and safeTimeZone', () => {
    expect(todayIn({ now, timeZone: 'Pacific/Auckland' })).toBe('2026-11-28');
    expect(todayIn({ now, timeZone: 'America/Los_Angeles' })).toBe('2026-11-27');
    expect(safeTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(safeTimeZone('Not/AZone')).toBe('UTC');
  });

  it('an invalid instant gives no date instead of throwing', () => {
    expect(parseDateOnly('tomorrow', { now: new Date(Number.NaN), timeZone: 'UTC' })).toBeUndefined();
  });
});

describe('results do not depend on the server’s own time zone', () => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it.each<[string, string, string, string]>([
    ['2026-11-27T23:30:00Z', 'America/Los_Angeles', 'tomorrow', '2026-11-28'],
    ['2026-11-27T23:30:00Z', 'America/Los_Angeles', 'friday', '2026-11-27'],
    ['2026-11-27T23:30:00Z', 'Pacific/Auckland', 'tomorrow', '2026-11-29'],
    ['2026-11-24T10:00:00Z', 'Europe/Berlin', 'next friday', '2026-11-27'],
    ['2026-11-24T10:00:00Z', 'Europe/Berlin', 'Dec 1', '2026-12-01'],
    ['2026-11-24T10:00:00Z', 'Europe/Berlin', 'in 2 weeks', '2026-12-08'],
  ])('at %s in %s, %s → %s', (instant, timeZone, text, expected) => {
    expect(new Date('2026-01-01T00:00:00Z').getHours()).toBe(14);
    expect(parseDateOnly(text, { now: new Date(instant), timeZone })).toBe(expected);
  });
});
