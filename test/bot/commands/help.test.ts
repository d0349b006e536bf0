import { describe, expect, it } from 'vitest';
import { commandHelp, helpText } from '../../../src/bot/commands/help.js';

const COMMANDS = commandHelp();
import type { ParseContext } from '../../../src/bot/commands/intent.js';
import { parseCommand, USAGE } from '../../../src/bot/commands/parse.js';

const ctx: ParseContext = {
  now: new Date('2026-11-24T10:00:00Z'),
  timeZone: 'Europe/Berlin',
  defaultCurrency: 'USD',
};

describe('COMMANDS', () => {
  it('covers every intent kind once, with the parser’s usage', () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(Object.keys(USAGE).sort());
    for (const c of COMMANDS) expect(c.usage).toBe(USAGE[c.name]);
  });

  it.each(COMMANDS.map((c) => [c.name, c.example] as const))('the %s example parses as that command', (name, example) => {
    const result = parseCommand(example, ctx);
    expect(result.ok && result.intent.kind).toBe(name);
  });
});

describe('helpText', () => {
  it('lists every command with its usage and example', () => {
    const text = helpText();
    for (const c of COMMANDS) {
      expect(text).toContain(c.usage);
      expect(text).toContain(c.example);
    }
    expect(text).toContain('/deal new Acme renewal 25k close next friday');
  });

  it('documents the bare-number rule and what "next friday" means', () => {
    const text = helpText();
    expect(text).toContain('A bare number such as 2026 or 25000 is not an amount');
    expect(text).toContain("typed on a Tuesday it is that same week's Friday");
  });

  it.each<[string | undefined, string]>([
    ['new', 'Put the title in "quotes"'],
    ['NEW', USAGE.new],
    ['/deal next', 'by email'],
    ['search', USAGE.show],
    ['amounts', '25,000 EUR'],
    ['dates', 'next friday'],
    ['lost', USAGE.lost],
    ['draft', 'never sends it'],
    ['summarise', USAGE.summary],
    ['summary', 'summary contact Ana Lopez'],
    [undefined, '*Deals*'],
    ['', '*Deals*'],
  ])('topic %j mentions %j', (topic, expected) => {
    expect(helpText(topic)).toContain(expected);
  });

  it('says when it does not know a topic, and still shows the reference', () => {
    const text = helpText('frobnicate');
    expect(text).toContain('I don\'t know a command called "frobnicate"');
    expect(text).toContain(USAGE.new);
  });
});
