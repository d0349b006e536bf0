/**
 * `/deal handover @maria to @sam` in the grammar: the forms that read, mentions from each surface,
 * and friendly errors with the nearest usage.
 */
import { describe, expect, it } from 'vitest';
import { commandHelp } from '../../../src/bot/commands/help.js';
import type { ParseContext } from '../../../src/bot/commands/intent.js';
import { parseCommand, USAGE } from '../../../src/bot/commands/parse.js';

const ctx: ParseContext = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin', defaultCurrency: 'USD' };
const parse = (text: string) => parseCommand(text, ctx);
const errorOf = (text: string) => {
  const result = parse(text);
  if (result.ok) throw new Error(`expected an error for "${text}", got ${JSON.stringify(result.intent)}`);
  return result.error;
};

describe('/deal handover', () => {
  it.each<[string, object]>([
    ['handover @maria to @sam', { from: { handle: 'maria' }, to: { handle: 'sam' } }],
    ['/deal handover @maria to @sam', { from: { handle: 'maria' }, to: { handle: 'sam' } }],
    ['deal HANDOVER @Maria TO @Sam', { from: { handle: 'maria' }, to: { handle: 'sam' } }],
    ['hand-over @maria @sam', { from: { handle: 'maria' }, to: { handle: 'sam' } }],
    ['handover <@U0MARIA|maria> to <@U0SAM>', { from: { userId: 'U0MARIA', handle: 'maria' }, to: { userId: 'U0SAM' } }],
    ['handover @maria', { from: { handle: 'maria' } }],
  ])('%s', (text, intent) => {
    expect(parse(text)).toEqual({ ok: true, intent: { kind: 'handover', ...intent } });
  });

  it.each<[string, string]>([
    ['handover', 'Whose deals, and to whom?'],
    ['handover maria to sam', 'Whose deals, and to whom?'],
    ['handover @maria to @sam and @ana', 'Hand over from one person to one other'],
    ['handover @maria @sam @ana', 'Hand over from one person to one other'],
    ['handover @ to @sam', '"@" isn\'t a person I can read'],
    ['handover @maria into @sam', '"into" doesn\'t belong there'],
    ['handover to @maria @sam', '"to" doesn\'t belong there'],
    ['handover @maria to', '"to" doesn\'t belong there'],
    ['handover @maria to @sam now', '"now" doesn\'t belong there'],
  ])('%s is refused with what was wrong and the usage', (text, words) => {
    const error = errorOf(text);
    expect(error.message).toContain(words);
    expect(error.message).toContain('`/deal handover @maria to @sam`');
    expect(error.usage).toBe(USAGE.handover);
  });

  it('a typo of the word is suggested, not searched', () => {
    expect(errorOf('handovr @maria to @sam').message).toContain('Did you mean `/deal handover @maria to @sam`?');
  });

  it('has help', () => {
    const help = commandHelp().find((c) => c.name === 'handover');
    expect(help).toMatchObject({ usage: '/deal handover @person to @someone', example: '/deal handover @maria to @sam' });
    expect(help?.summary).toContain('admins only');
  });
});
