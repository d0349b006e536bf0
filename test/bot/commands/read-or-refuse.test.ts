/**
 * Issue 12: every value a person types is read as meant, or refused with the words named and the
 * nearest correct usage. Amounts, dates after `close`/`by`, and typos of every command word.
 */
import { COMMAND_WORDS } from '../../../src/bot/commands/table.js';
import { describe, expect, it } from 'vitest';
import type { Intent, Money, ParseContext, ParseResult } from '../../../src/bot/commands/intent.js';
import { helpText } from '../../../src/bot/commands/help.js';
import { editDistance, KEYWORDS, parseCommand, typoBudget, USAGE } from '../../../src/bot/commands/parse.js';

// Tuesday 24 November 2026, 11:00 in Berlin.
const usdCtx: ParseContext = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin', defaultCurrency: 'USD' };
const eurCtx: ParseContext = { ...usdCtx, defaultCurrency: 'EUR' };
const money = (minor: bigint, currency: string): Money => ({ minor, currency });

function intentOf(result: ParseResult): Intent {
  if (!result.ok) throw new Error(`expected an intent, got: ${result.error.message}`);
  return result.intent;
}
function errorOf(result: ParseResult): { message: string; usage: string } {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.intent, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return result.error;
}

describe('amounts in `/deal new` are read as typed', () => {
  it.each<[string, ParseContext, string, Money]>([
    ['new Acme 1 000 000 EUR', usdCtx, 'Acme', money(100_000_000n, 'EUR')],
    ['new Acme 1\u2009000\u2009000 EUR', usdCtx, 'Acme', money(100_000_000n, 'EUR')],
    ['new Acme 1\u202f000\u202f000 EUR', usdCtx, 'Acme', money(100_000_000n, 'EUR')],
    ['new Acme 1\u00a0000 EUR', usdCtx, 'Acme', money(100_000n, 'EUR')],
    ['new Acme EUR 1 000 000', usdCtx, 'Acme', money(100_000_000n, 'EUR')],
    ['new Acme 1.000.000 EUR', usdCtx, 'Acme', money(100_000_000n, 'EUR')],
    ['new Acme 25.000,00 EUR', usdCtx, 'Acme', money(2_500_000n, 'EUR')],
    ['new Acme 25k eur', usdCtx, 'Acme', money(2_500_000n, 'EUR')],
    ['new Acme USD25k', eurCtx, 'Acme', money(2_500_000n, 'USD')],
    ['new Acme EUR25', usdCtx, 'Acme', money(2_500n, 'EUR')],
    ['new Acme $25 k', usdCtx, 'Acme', money(2_500_000n, 'USD')],
    ['new Acme 1,5k', usdCtx, 'Acme', money(150_000n, 'USD')],
    ['new Acme 1,5k', eurCtx, 'Acme', money(150_000n, 'EUR')],
    ['new Acme 1.500 EUR', eurCtx, 'Acme', money(150_000n, 'EUR')],
    ['new Acme 1.500 EUR', usdCtx, 'Acme', money(150n, 'EUR')],
    ['new Acme 25,000', usdCtx, 'Acme', money(2_500_000n, 'USD')],
    ['new Acme 25.000', eurCtx, 'Acme', money(2_500_000n, 'EUR')],
    ['new Room 2 1 000 EUR', usdCtx, 'Room 2', money(100_000n, 'EUR')],
    ['new Phase 3 250,000 EUR', usdCtx, 'Phase 3', money(25_000_000n, 'EUR')],
  ])('%s', (text, ctx, title, amount) => {
    const intent = intentOf(parseCommand(text, ctx));
    expect(intent).toMatchObject({ kind: 'new', title, amount });
  });

  it.each<[string, ParseContext, string]>([
    ['new Acme 1.500 EUR', usdCtx, 'I read 1.500 EUR as €1.50 (the dot as a decimal mark). If you meant €1,500, write 1500 EUR.'],
    ['new Acme 1.500 EUR', eurCtx, 'I read 1.500 EUR as €1,500 (the dot as a thousands separator). If you meant €1.50, write 1.5 EUR.'],
    ['new Acme 1,500 EUR', eurCtx, 'I read 1,500 EUR as €1.50 (the comma as a decimal mark). If you meant €1,500, write 1500 EUR.'],
    ['digest threshold 1.500 EUR', eurCtx, 'I read 1.500 EUR as €1,500'],
  ])('%s (%s workspace) says how the amount was read', (text, ctx, note) => {
    const result = parseCommand(text, ctx);
    expect(result.ok && result.notes?.join(' ')).toContain(note);
  });

  it('the workspace decimal mark in the context wins over the currency', () => {
    const intent = intentOf(parseCommand('new Acme 1.500 EUR', { ...usdCtx, decimalSeparator: ',' }));
    expect(intent).toMatchObject({ amount: money(150_000n, 'EUR') });
  });

  it.each<[string, ParseContext, readonly string[]]>([
    ['new Acme 500 ABC', usdCtx, ['ABC', '500 ABC', '"quotes"']],
    ['new Acme 1 BTC', usdCtx, ['BTC', '1 BTC']],
    ['new Acme 2.5 ETH', usdCtx, ['ETH', '2.5 ETH']],
    ['new Acme 25k XYZ', usdCtx, ['XYZ', '25k XYZ']],
    ['new Acme 1 BTC close friday', usdCtx, ['BTC']],
    ['new Acme $1.234', usdCtx, ['too many decimal places', '$1,234', '1234 USD']],
    ['new Acme 1,234 EUR', eurCtx, ['too many decimal places', '1234 EUR']],
    ['new Acme -5k', usdCtx, ["can't be negative", '-5k']],
    ['digest threshold 500 ABC', usdCtx, ['ABC']],
    ['digest threshold lots', usdCtx, ['"lots"', 'Give an amount']],
  ])('%s is refused, naming the words', (text, ctx, words) => {
    const error = errorOf(parseCommand(text, ctx));
    for (const w of words) expect(error.message).toContain(w);
    expect(error.usage).toBe(text.startsWith('digest') ? USAGE.digest : USAGE.new);
  });

  it.each([
    'new Acme 2026 RFP',
    'new Acme renewal 25000',
    'new Phase 3 SOW',
    'new Wave 2 POC',
    'new Acme 10 RFP',
    'new Acme 1,5',
    'new Acme 3 500',
  ])('%s keeps its numbers in the title: no amount', (text) => {
    const intent = intentOf(parseCommand(text, usdCtx));
    expect(intent).toEqual({ kind: 'new', title: text.slice(4) });
  });
});

describe('dates after `close` and `by`', () => {
  it.each<[string, string]>([
    ['end of year', '2026-12-31'],
    ['end of the year', '2026-12-31'],
    ['eoy', '2026-12-31'],
    ['end of quarter', '2026-12-31'],
    ['end of next quarter', '2027-03-31'],
    ['next quarter', '2027-03-31'],
    ['this quarter', '2026-12-31'],
    ['in 10 days', '2026-12-04'],
    ['Q1', '2027-03-31'],
    ['q4', '2026-12-31'],
    ['Q2 2027', '2027-06-30'],
    ['end of month', '2026-11-30'],
    ['end of week', '2026-11-27'],
    ['next friday', '2026-11-27'],
    ['1.12.2026', '2026-12-01'],
    ['2026-12-01', '2026-12-01'],
  ])('close %s → %s, and by %s → the same', (words, date) => {
    expect(intentOf(parseCommand(`new Acme 10k close ${words}`, usdCtx))).toMatchObject({ title: 'Acme', closeDate: date });
    expect(intentOf(parseCommand(`next D-4 send the proposal by ${words}`, usdCtx))).toEqual({
      kind: 'next',
      ref: 'D-4',
      action: 'send the proposal',
      due: date,
    });
  });

  it.each<[string, string, string]>([
    ['new Acme close someday', 'someday', 'close'],
    ['new Acme close 2026-02-30', '2026-02-30', 'close'],
    ['new Acme 10k close someday', 'someday', 'close'],
    ['new Acme close someday @maria', 'someday', 'close'],
    ['new Acme close next friday please', 'next friday please', 'close'],
    ['new Acme close 31.2.2026', '31.2.2026', 'close'],
    ['next D-4 send the proposal by someday', 'someday', 'by'],
    ['next D-4 send the proposal by 2026-02-30', '2026-02-30', 'by'],
    ['next D-4 call by friday we call', 'friday we call', 'by'],
  ])('%s is refused, naming "%s" and showing dates', (text, words, keyword) => {
    const error = errorOf(parseCommand(text, usdCtx));
    expect(error.message).toContain(`"${words}"`);
    expect(error.message).toContain('next friday');
    expect(error.message).toContain('2026-12-01');
    expect(error.message).toContain(`${keyword} + a date`);
    expect(error.usage).toBe(keyword === 'close' ? USAGE.new : USAGE.next);
  });

  it.each<[string, Intent]>([
    ['new Acme close the deal', { kind: 'new', title: 'Acme close the deal' }],
    ['new Fast close program 5k', { kind: 'new', title: 'Fast close program', amount: money(500_000n, 'USD') }],
    ['new Close Co renewal', { kind: 'new', title: 'Close Co renewal' }],
    ['new "Acme close someday"', { kind: 'new', title: 'Acme close someday' }],
    ['next D-4 send it by email', { kind: 'next', ref: 'D-4', action: 'send it by email' }],
    ['next D-4 "call by someday"', { kind: 'next', ref: 'D-4', action: 'call by someday' }],
  ])('%s: words that are not meant as a date stay words', (text, intent) => {
    expect(intentOf(parseCommand(text, usdCtx))).toEqual(intent);
  });

  it.each<[string, string]>([
    ['new Acme close 2026-11-21', 'The close date, Sat 21 Nov 2026, is in the past: 3 days ago.'],
    ['new Acme close yesterday', 'The close date, Mon 23 Nov 2026, is in the past: yesterday.'],
    ['new Acme close last friday', 'The close date, Fri 20 Nov 2026, is in the past: 4 days ago.'],
    ['new Acme close Q3 2026', 'The close date, Wed 30 Sep 2026, is in the past: 55 days ago.'],
    ['next D-4 call Ana by 2026-11-01', 'The due date, Sun 1 Nov 2026, is in the past: 23 days ago.'],
  ])('%s is accepted with a warning', (text, note) => {
    const result = parseCommand(text, usdCtx);
    expect(result.ok).toBe(true);
    expect(result.ok && result.notes).toEqual([note]);
  });

  it('today and later dates carry no warning', () => {
    for (const text of ['new Acme close today', 'new Acme close tomorrow', 'next D-4 call by today']) {
      const result = parseCommand(text, usdCtx);
      expect(result.ok && result.notes).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Typos

/** A command line that fits each keyword, after the keyword. */
const REST: Readonly<Record<(typeof KEYWORDS)[number], string>> = {
  help: '',
  new: 'Acme renewal 25k',
  list: 'all',
  show: 'D-4',
  stage: 'D-4 proposal',
  won: 'D-4',
  lost: 'D-4 too pricey',
  next: 'D-4 call Ana',
  log: 'D-4 call spoke with Ana',
  assign: 'D-4 @maria',
  report: '',
  draft: 'D-4',
  summary: 'D-4',
  digest: 'here',
  nudges: 'off',
  settings: 'guests on',
  contact: 'jane@acme.com',
  contacts: 'all',
  company: 'new Acme acme.com',
  companies: 'acme',
  merge: 'contact jane.d@acme.com into jane@acme.com',
  task: 'D-4 call Ana by friday',
  tasks: 'overdue',
  done: 'T-3',
  snooze: 'T-3 2',
  admins: '',
  role: '@maria read-only',
  handover: '@maria to @sam',
  pipelines: '',
  pipeline: 'new Renewals',
  stage_admin: 'add Discovery after New',
  set: 'D-4 source partner',
  field: 'add deal Source text',
  fields: 'deal',
  export: 'deals',
  import: '',
};

/** Every other word that starts a command (aliases included). */
const ALL_COMMAND_WORDS = [...COMMAND_WORDS.keys()].filter((w) => w !== '?');

function oneEdit(word: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    out.add(word.slice(0, i) + word.slice(i + 1)); // dropped
    out.add(word.slice(0, i) + word[i] + word.slice(i)); // doubled
    if (i + 1 < word.length) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2)); // swapped
    for (const c of 'aoxz') if (c !== word[i]) out.add(word.slice(0, i) + c + word.slice(i + 1)); // wrong key
  }
  return [...out];
}

/** Typos that are as close to another command word are ambiguous: left out. */
function typosOf(keyword: string, edits: 1 | 2): string[] {
  const candidates = edits === 1 ? oneEdit(keyword) : [...new Set(oneEdit(keyword).flatMap(oneEdit))];
  return candidates
    .filter((t) => t.length >= 2 && editDistance(t, keyword) === edits)
    .filter((t) => ALL_COMMAND_WORDS.every((w) => w === keyword || editDistance(t, w) > Math.min(edits, typoBudget(w))))
    .sort()
    .slice(0, edits === 1 ? 40 : 12);
}

describe('every command word gets a suggestion when mistyped', () => {
  const oneEditCases = KEYWORDS.flatMap((k) => typosOf(k, 1).map((t) => [k, t] as const));
  it.each(oneEditCases)('%s: one typo "%s" names the command', (keyword, typo) => {
    const rest = REST[keyword];
    const error = errorOf(parseCommand(`${typo} ${rest}`.trim(), usdCtx));
    expect(error.message).toContain(`Did you mean \`/deal ${`${keyword} ${rest}`.trim()}\`?`);
    expect(error.usage).toBe(USAGE[keyword]);
  });

  const longKeywords = KEYWORDS.filter((k) => typoBudget(k) >= 2);
  const twoEditCases = longKeywords.flatMap((k) => typosOf(k, 2).map((t) => [k, t] as const));
  it.each(twoEditCases)('%s: two typos "%s" name the command', (keyword, typo) => {
    const rest = REST[keyword];
    const error = errorOf(parseCommand(`${typo} ${rest}`.trim(), usdCtx));
    expect(error.message).toContain(`Did you mean \`/deal ${`${keyword} ${rest}`.trim()}\`?`);
  });

  it('covers every keyword, settings included, with one-typo cases, and the long ones with two', () => {
    expect(new Set(oneEditCases.map(([k]) => k))).toEqual(new Set(KEYWORDS));
    expect(KEYWORDS).toContain('settings');
    expect(new Set(twoEditCases.map(([k]) => k))).toEqual(new Set(longKeywords));
  });

  it.each<[string, string]>([
    ['nwe Acme 25k', '/deal new Acme 25k'],
    ['nwe Acme', '/deal new Acme'],
    ['wn D-4', '/deal won D-4'],
    ['wonn D-4', '/deal won D-4'],
    ['lgo D-4 call spoke with Ana', '/deal log D-4 call spoke with Ana'],
    ['lsit', '/deal list'],
    ['lot D-4 call hi', '/deal log D-4 call hi'],
    ['lot D-4 too pricey', '/deal lost D-4 too pricey'],
    ['setings guests on', '/deal settings guests on'],
    ['sumarize D-4', '/deal summary D-4'],
  ])('%s → %s, with the way to search instead', (text, suggestion) => {
    const error = errorOf(parseCommand(text, usdCtx));
    expect(error.message).toContain(`Did you mean \`${suggestion}\`?`);
    expect(error.message).toContain(`/deal show ${text}`);
  });

  it.each([
    'State Farm',
    'few deals',
    'now acme',
    'news corp',
    'net 30 terms',
    'nest labs',
    'lisa jones',
    'shop renewal',
    'Wonder Corp',
  ])('"%s" stays a search', (text) => {
    expect(intentOf(parseCommand(text, usdCtx))).toEqual({ kind: 'show', query: text });
  });
});

describe('words inside commands get the same suggestion', () => {
  it.each<[string, string]>([
    ['log D-4 cal spoke with Ana', 'Did you mean `call`?'],
    ['log D-4 meting with Ana', 'Did you mean `meeting`?'],
    ['digest heer', 'Did you mean `here`?'],
    ['digest thresold 50k', 'Did you mean `threshold`?'],
    ['settings guets on', 'Did you mean `guests`?'],
    ['list al', 'Did you mean `all`?'],
    ['list proposl', 'Did you mean `proposal`?'],
  ])('%s → %s', (text, suggestion) => {
    expect(errorOf(parseCommand(text, usdCtx)).message).toContain(suggestion);
  });
});

describe('help says what the grammar reads', () => {
  it.each<[string, string]>([
    ['nwe', 'Did you mean `/deal help new`?'],
    ['wn', 'Did you mean `/deal help won`?'],
    ['setings', 'Did you mean `/deal help settings`?'],
  ])('help %s → %s', (topic, suggestion) => {
    expect(helpText(topic)).toContain(suggestion);
  });

  it('the amount and date help name the forms and the refusals', () => {
    const amounts = helpText('amounts');
    for (const form of ['1 000 000 EUR', '1.000.000 EUR', '25.000,00 EUR', '25k eur', 'USD25k', '$25 k', '1,5k', '1 BTC']) {
      expect(amounts).toContain(form);
    }
    const dates = helpText('dates');
    for (const form of ['end of quarter', 'end of year', 'Q1', 'next quarter', 'in 10 days', 'close someday', 'in the past']) {
      expect(dates).toContain(form);
    }
  });
});
