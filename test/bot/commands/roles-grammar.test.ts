/**
 * `/deal admins` and `/deal role @person admin|member|read-only` in the grammar: every way a
 * person writes a role, mentions from each surface, and friendly errors with the nearest usage.
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

describe('/deal admins', () => {
  it.each(['admins', '/deal admins', 'deal ADMINS', 'admin', 'roles'])('%s lists the admins', (text) => {
    expect(parse(text)).toEqual({ ok: true, intent: { kind: 'admins' } });
  });

  it('sends someone who mentions a person to /deal role', () => {
    const error = errorOf('admin @maria');
    expect(error.message).toContain('`/deal role @maria admin`');
    expect(error.usage).toBe(USAGE.role);
  });

  it('says it takes no other words', () => {
    expect(errorOf('admins please').message).toContain('takes no other words');
  });

  it('a typo of the word is suggested, not searched', () => {
    expect(errorOf('admns').message).toContain('Did you mean `/deal admins`?');
  });
});

describe('/deal role', () => {
  it.each<[string, object]>([
    ['role @maria admin', { person: { handle: 'maria' }, role: 'admin' }],
    ['role @maria member', { person: { handle: 'maria' }, role: 'member' }],
    ['role @maria read-only', { person: { handle: 'maria' }, role: 'read_only' }],
    ['role @maria readonly', { person: { handle: 'maria' }, role: 'read_only' }],
    ['role @maria read only', { person: { handle: 'maria' }, role: 'read_only' }],
    ['role @maria Read-Only', { person: { handle: 'maria' }, role: 'read_only' }],
    ['role @maria "read only"', { person: { handle: 'maria' }, role: 'read_only' }],
    ['role @maria to member', { person: { handle: 'maria' }, role: 'member' }],
    ['role @maria as admin', { person: { handle: 'maria' }, role: 'admin' }],
    ['role admin @maria', { person: { handle: 'maria' }, role: 'admin' }],
    ['/deal role <@U123ABC|maria> read-only', { person: { userId: 'U123ABC', handle: 'maria' }, role: 'read_only' }],
    ['role <@U123ABC> admin', { person: { userId: 'U123ABC' }, role: 'admin' }],
    ['deal role @maria.garcia member', { person: { handle: 'maria.garcia' }, role: 'member' }],
  ])('%s', (text, intent) => {
    expect(parse(text)).toEqual({ ok: true, intent: { kind: 'role', ...intent } });
  });

  it.each<[string, string]>([
    ['role', 'Whose role? Mention one person and the role, e.g. `/deal role @maria read-only`.'],
    ['role admin', 'Whose role?'],
    ['role @maria', 'Which role should @maria have? Say `admin`, `member` or `read-only`'],
    ['role @maria boss', '"boss" isn\'t a role; say `admin`, `member` or `read-only`.'],
    ['role @maria admn', 'Did you mean `admin`?'],
    ['role @maria read-olny', 'Did you mean `read-only`?'],
    ['role @maria @sam admin', 'Change one person’s role at a time'],
    ['role @ admin', 'isn\'t a person I can read'],
  ])('%s is refused with what to write', (text, message) => {
    const error = errorOf(text);
    expect(error.message).toContain(message);
    expect(error.usage).toBe('/deal role @person admin|member|read-only');
  });

  it('a typo of the word with a person after it is suggested', () => {
    expect(errorOf('rloe @maria admin').message).toContain('Did you mean `/deal role @maria admin`?');
  });

  it('is in help, with the admins command, under digests and settings', () => {
    const help = commandHelp();
    expect(help.find((c) => c.name === 'role')?.usage).toBe('/deal role @person admin|member|read-only');
    expect(help.find((c) => c.name === 'admins')?.usage).toBe('/deal admins');
  });
});
