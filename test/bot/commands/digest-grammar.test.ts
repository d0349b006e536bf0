import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../../src/bot/commands/intent.js';
import { parseCommand, parseTimeOfDay, USAGE } from '../../../src/bot/commands/parse.js';

const ctx: ParseContext = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin', defaultCurrency: 'USD' };
const parse = (text: string) => parseCommand(text, ctx);

describe('parseTimeOfDay', () => {
  it.each([
    ['9', 540],
    ['9:00', 540],
    ['09:30', 570],
    ['17:45', 1065],
    ['0:00', 0],
    ['23:59', 1439],
    ['9am', 540],
    ['9 am', 540],
    ['12am', 0],
    ['12pm', 720],
    ['5:30pm', 1050],
    ['5:30 p.m.', 1050],
    ['17h30', 1050],
  ])('%s is %i minutes after midnight', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it.each(['24:00', '9:60', '13pm', '0am', 'noon', '', '9:5', '-1'])('%j is not a time', (text) => {
    expect(parseTimeOfDay(text)).toBeUndefined();
  });
});

describe('/deal digest', () => {
  it.each<[string, object]>([
    ['digest', { kind: 'digest', action: 'show' }],
    ['digest settings', { kind: 'digest', action: 'show' }],
    ['digest here', { kind: 'digest', action: 'here' }],
    ['digest here at 9:00', { kind: 'digest', action: 'here', minuteOfDay: 540 }],
    ['digest here at 8:30 am weekdays', { kind: 'digest', action: 'here', minuteOfDay: 510, days: 'weekdays' }],
    ['DIGEST HERE daily 7:15 silent', { kind: 'digest', action: 'here', minuteOfDay: 435, days: 'daily', whenEmpty: 'silent' }],
    ['digest here all-clear America/New_York', { kind: 'digest', action: 'here', whenEmpty: 'all_clear', timeZone: 'America/New_York' }],
    ['digest off', { kind: 'digest', action: 'off' }],
    ['digest stop', { kind: 'digest', action: 'off' }],
    ['digest preview', { kind: 'digest', action: 'preview' }],
    ['digest stale 21', { kind: 'digest', action: 'stale', days: 21 }],
    ['digest stale 30 days', { kind: 'digest', action: 'stale', days: 30 }],
    ['digest threshold 50k', { kind: 'digest', action: 'threshold', amount: { minor: 5_000_000n, currency: 'USD' } }],
    ['digest threshold EUR 25000', { kind: 'digest', action: 'threshold', amount: { minor: 2_500_000n, currency: 'EUR' } }],
    ['digest threshold off', { kind: 'digest', action: 'threshold', amount: null }],
  ])('%s', (text, intent) => {
    expect(parse(text)).toEqual({ ok: true, intent });
  });

  it.each<[string, RegExp]>([
    ['digest here at', /At what time/],
    ['digest here at 25:00', /At what time/],
    ['digest here Mars/Olympus', /isn't a time zone I know/],
    ['digest here tomorrow', /I don't understand "tomorrow"/],
    ['digest off now', /takes no options/],
    ['digest stale', /How many days/],
    ['digest stale 0', /How many days/],
    ['digest stale 400', /How many days/],
    ['digest threshold', /Give an amount/],
    ['digest threshold lots', /Give an amount/],
    ['digest weekly', /I don't know `\/deal digest weekly`/],
  ])('%s is refused: %s', (text, message) => {
    const result = parse(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(message);
      expect(result.error.usage).toBe(USAGE.digest);
    }
  });

  it('suggests `digest` for a typo that fits it', () => {
    const result = parse('digset here');
    expect(!result.ok && result.error.message).toMatch(/Did you mean `\/deal digest here`/);
  });
});

describe('/deal nudges', () => {
  it.each<[string, object]>([
    ['nudges', { kind: 'nudges' }],
    ['nudge', { kind: 'nudges' }],
    ['nudges off', { kind: 'nudges', enabled: false }],
    ['nudges on at 8:30', { kind: 'nudges', enabled: true, minuteOfDay: 510 }],
    ['nudges 7am', { kind: 'nudges', minuteOfDay: 420 }],
    ['nudges quiet 19:00-08:00', { kind: 'nudges', quiet: { start: 1140, end: 480 } }],
    ['nudges quiet 7pm to 8am', { kind: 'nudges', quiet: { start: 1140, end: 480 } }],
    ['nudges quiet off', { kind: 'nudges', quiet: null }],
  ])('%s', (text, intent) => {
    expect(parse(text)).toEqual({ ok: true, intent });
  });

  it.each<[string, RegExp]>([
    ['nudges at noon', /At what time/],
    ['nudges quiet 19:00', /Give quiet hours as a range/],
    ['nudges loudly', /I don't understand "loudly"/],
  ])('%s is refused: %s', (text, message) => {
    const result = parse(text);
    expect(!result.ok && result.error.message).toMatch(message);
  });
});
