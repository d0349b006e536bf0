import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCurrencyCode, minorDigits } from '../../../src/bot/commands/amount.js';
import type { Intent, Money, ParseContext, ParseResult } from '../../../src/bot/commands/intent.js';
import { DEFAULT_STAGES, LIMITS, parseCommand } from '../../../src/bot/commands/parse.js';

// Tuesday 24 November 2026, 11:00 in Berlin.
const ctx: ParseContext = {
  now: new Date('2026-11-24T10:00:00Z'),
  timeZone: 'Europe/Berlin',
  defaultCurrency: 'USD',
};

const KINDS = [
  'help', 'new', 'list', 'show', 'stage', 'won', 'lost', 'next', 'log', 'assign', 'report', 'draft', 'summary', 'digest', 'nudges', 'settings',
  'contact', 'contacts', 'company', 'companies', 'link', 'merge', 'task', 'tasks', 'done', 'snooze',
  'admins', 'role',
];
const TASK_REF = /^T-\d+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/;
const CATCH_ALL = "Sorry, I couldn't read that command.";
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REF = /^D-\d+$/;

/** Whatever the input, the result is well formed, and no internal error was swallowed. */
function checkWellFormed(result: ParseResult): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(typeof result.error.message).toBe('string');
    expect(result.error.message.trim()).not.toBe('');
    expect(result.error.message).not.toBe(CATCH_ALL);
    expect(result.error.usage).toMatch(/^\/deal \S/);
    return;
  }
  const intent: Intent = result.intent;
  expect(KINDS).toContain(intent.kind);
  const checkMoney = (m: Money): void => {
    expect(typeof m.minor).toBe('bigint');
    expect(m.minor >= 0n).toBe(true);
    expect(isCurrencyCode(m.currency)).toBe(true);
    expect(m.minor <= 10n ** BigInt(15 + minorDigits(m.currency))).toBe(true);
  };
  switch (intent.kind) {
    case 'new':
      expect(intent.title.trim()).not.toBe('');
      expect(intent.title.length).toBeLessThanOrEqual(LIMITS.title);
      if (intent.amount) checkMoney(intent.amount);
      if (intent.closeDate !== undefined) expect(intent.closeDate).toMatch(DATE);
      if (intent.owner) expect(intent.owner.userId ?? intent.owner.handle).toBeTruthy();
      break;
    case 'show':
      expect(intent.query.trim()).not.toBe('');
      expect(intent.query.length).toBeLessThanOrEqual(LIMITS.query);
      break;
    case 'stage':
      expect(intent.ref).toMatch(REF);
      expect(intent.stage.trim()).not.toBe('');
      break;
    case 'won':
      expect(intent.ref).toMatch(REF);
      break;
    case 'lost':
      expect(intent.ref).toMatch(REF);
      expect(intent.reason.trim()).not.toBe('');
      break;
    case 'next':
      expect(intent.ref).toMatch(REF);
      expect(intent.action.trim()).not.toBe('');
      expect(intent.action.length).toBeLessThanOrEqual(LIMITS.action);
      if (intent.due !== undefined) expect(intent.due).toMatch(DATE);
      break;
    case 'log':
      expect(intent.ref).toMatch(REF);
      expect(intent.text.trim()).not.toBe('');
      expect(intent.text.length).toBeLessThanOrEqual(LIMITS.logText);
      break;
    case 'assign':
      expect(intent.ref).toMatch(REF);
      expect(intent.owner.userId ?? intent.owner.handle).toBeTruthy();
      break;
    case 'draft':
      expect(intent.ref).toMatch(REF);
      break;
    case 'summary':
      if ('ref' in intent) expect(intent.ref).toMatch(REF);
      else {
        expect(intent.contact.trim()).not.toBe('');
        expect(intent.contact.length).toBeLessThanOrEqual(LIMITS.query);
      }
      break;
    case 'digest':
      if (intent.action === 'here') {
        if (intent.minuteOfDay !== undefined) expect(intent.minuteOfDay >= 0 && intent.minuteOfDay < 1440).toBe(true);
        if (intent.timeZone !== undefined) expect(() => new Intl.DateTimeFormat('en', { timeZone: intent.timeZone })).not.toThrow();
      }
      if (intent.action === 'stale') expect(intent.days >= 1 && intent.days <= 365).toBe(true);
      if (intent.action === 'threshold' && intent.amount) checkMoney(intent.amount);
      break;
    case 'nudges':
      for (const m of [intent.minuteOfDay, intent.quiet?.start, intent.quiet?.end]) {
        if (m !== undefined) expect(Number.isInteger(m) && m >= 0 && m < 1440).toBe(true);
      }
      break;
    case 'contact':
      if (intent.action === 'new') {
        expect(intent.name.trim()).not.toBe('');
        expect(intent.name.length).toBeLessThanOrEqual(LIMITS.title);
        if (intent.email !== undefined) expect(intent.email).toMatch(EMAIL);
        if (intent.phone !== undefined) expect(intent.phone.replace(/\D/g, '').length).toBeGreaterThanOrEqual(7);
        if (intent.company !== undefined) expect(intent.company.trim()).not.toBe('');
      } else {
        expect(intent.query.trim()).not.toBe('');
        expect(intent.query.length).toBeLessThanOrEqual(LIMITS.query);
      }
      if (intent.action === 'edit' && intent.field === 'email' && intent.value !== null) expect(intent.value).toMatch(EMAIL);
      break;
    case 'company':
      if (intent.action === 'new') {
        expect(intent.name.trim()).not.toBe('');
        if (intent.domain !== undefined) expect(intent.domain).toMatch(/^[a-z0-9.-]+\.[a-z]{2,}$/);
      } else expect(intent.query.trim()).not.toBe('');
      break;
    case 'link':
      expect(intent.ref).toMatch(REF);
      expect(intent.contact.trim()).not.toBe('');
      break;
    case 'merge':
      expect(intent.from.trim()).not.toBe('');
      expect(intent.into.trim()).not.toBe('');
      break;
    case 'task':
      expect(intent.title.trim()).not.toBe('');
      expect(intent.title.length).toBeLessThanOrEqual(LIMITS.action);
      if ('deal' in intent.subject) expect(intent.subject.deal).toMatch(REF);
      if (intent.due !== undefined) expect(intent.due).toMatch(DATE);
      if (intent.assignee) expect(intent.assignee.userId ?? intent.assignee.handle).toBeTruthy();
      break;
    case 'tasks':
      if (intent.scope.type === 'deal') expect(intent.scope.ref).toMatch(REF);
      if (intent.scope.type === 'contact') expect(intent.scope.query.trim()).not.toBe('');
      break;
    case 'done':
      expect(intent.ref).toMatch(TASK_REF);
      break;
    case 'snooze':
      expect(intent.ref).toMatch(TASK_REF);
      expect(Number.isInteger(intent.days) && intent.days >= 1 && intent.days <= 30).toBe(true);
      break;
    default:
      break;
  }
}

const parses = (text: string, c: ParseContext = ctx): void => {
  let result: ParseResult | undefined;
  expect(() => {
    result = parseCommand(text, c);
  }).not.toThrow();
  if (result) checkWellFormed(result);
};

// Fragments of the grammar, to build inputs that reach deep into the parser.
const fragment = fc.oneof(
  fc.constantFrom(
    'new', 'NEW', 'list', 'show', 'stage', 'won', 'lost', 'next', 'log', 'assign', 'report',
    'help', '/deal', 'deal', 'lsit', 'asign', 'nxt', 'mine', 'all', 'close', 'Close', 'by', 'to',
    'call', 'email', 'meeting', 'note', 'qualified', 'proposal', 'closed', 'won',
    'draft', 'summary', 'summarise', 'contact', 'again', 'drfat',
    'digest', 'nudges', 'here', 'off', 'on', 'at', '9:00', '5:30pm', 'am', 'weekdays', 'daily', 'silent', 'all-clear',
    'quiet', '19:00-08:00', 'stale', 'threshold', 'preview', 'Europe/Berlin', 'Mars/Olympus',
    'contacts', 'company', 'companies', 'task', 'tasks', 'todo', 'done', 'snooze', 'merge', 'into', 'add', 'remove',
    'edit', 'anyway', 'title', 'phone', 'name', 'domain', 'none', 'overdue', 'cnotact', 'tsak',
    'admins', 'admin', 'role', 'roles', 'read-only', 'readonly', 'read', 'only', 'member', 'rloe',
  ),
  fc.constantFrom(
    'T-3', 't3', 'T-', 'T-0', 'T-1234567890', 'jane@acme.com', 'Jane.D@Acme.co.uk', 'jane@', '@acme.com',
    '<mailto:jane@acme.com|jane@acme.com>', '<http://acme.com|acme.com>', 'acme.com', 'https://www.acme.com/', '+1', '415', '555-0100',
    '+1 415 555 0100', '(415)', 'Jane Doe', '"Jane Doe"',
  ),
  fc.constantFrom('D-42', 'd42', 'd-7', '#3', 'D-', 'D-0', 'D-999999999', 'D-1234567890'),
  fc.constantFrom(
    '25k', '$1.2M', '1.2m', '25,000', 'EUR', '25,000 EUR', 'EUR 25000', '€25k', '£3.5k', '¥500000',
    '1,234.56', 'USD 99.99', '2.5bn', '$1.234', '-5k', '¥1.5', '2000000bn', '2026', '3', '0', 'k',
    'XYZ', 'CEO',
  ),
  fc.constantFrom('@maria', '@', '@Maria.Garcia', '<@U123ABC|maria>', '<@U123ABC>', '<@', '<@U1|a b>', '@@x'),
  fc.constantFrom(
    'next friday', 'friday', 'tomorrow', 'today', 'in 2 weeks', 'in 3 days', '2026-12-01', 'Dec 1',
    '1 December 2026', 'end of month', 'please', 'Dec 1 - Dec 5', '2026-02-30',
  ),
  fc.constantFrom('"', '“', '”', '"Acme won"', '""', '&amp;', '&lt;', '&gt;', '&amp;lt;', '<', '>', '\n', '\t'),
  fc.string({ maxLength: 8 }),
);
const grammarText = fc
  .tuple(fc.array(fragment, { maxLength: 14 }), fc.constantFrom(' ', '  ', '\t', ' \n '))
  .map(([parts, sep]) => parts.join(sep));

describe('parseCommand on arbitrary input', () => {
  it('any ASCII-ish string gives an intent or a friendly error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => parses(text)), { numRuns: 500 });
  });

  it('any Unicode string (graphemes) gives an intent or a friendly error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => parses(text)),
      { numRuns: 400 },
    );
  });

  it('any string of code points, lone surrogates included, gives an intent or a friendly error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => parses(text)),
      { numRuns: 400 },
    );
  });

  it('strings built from grammar fragments give an intent or a friendly error', () => {
    fc.assert(fc.property(grammarText, (text) => parses(text)), { numRuns: 1500 });
  });

  it('each command keyword followed by anything gives an intent or a friendly error', () => {
    const keyword = fc.constantFrom('new', 'list', 'show', 'stage', 'won', 'lost', 'next', 'log', 'assign', 'report', 'help', 'draft', 'summary', 'summarize', 'digest', 'digest here', 'nudges');
    fc.assert(
      fc.property(keyword, fc.constantFrom('', 'D-4 '), grammarText, (k, ref, rest) => parses(`${k} ${ref}${rest}`)),
      { numRuns: 800 },
    );
  });

  it('very long input is handled', () => {
    fc.assert(
      fc.property(fc.constantFrom('new ', 'log D-1 note ', 'next D-1 x ', ''), fc.integer({ min: 190, max: 6000 }), (prefix, n) =>
        parses(prefix + 'close friday '.repeat(Math.ceil(n / 13))),
      ),
      { numRuns: 40 },
    );
  });

  it('any time zone or instant in the context is handled', () => {
    const zones = fc.constantFrom(...Intl.supportedValuesOf('timeZone').slice(0, 400), 'Bad/Zone', '');
    fc.assert(
      fc.property(
        grammarText,
        zones,
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z') }),
        (text, timeZone, now) => parses(text, { ...ctx, now, timeZone }),
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips for `new`

/** Title words that never look like options (bare numbers included: they are not money). */
const SAFE_WORDS = ['Acme', 'renewal', 'Globex', 'pilot', 'expansion', 'Initech', 'north', 'region', 'phase', '2026', '3', 'Q3', 'v2', "O'Brien", 'R&D', 'Co', 'Sons', 'x-ray', 'Ünïcødé', '日本'];
/** Words that look like options or keywords: safe only inside a quoted title. */
const RISKY_WORDS = [...SAFE_WORDS, 'close', 'next', 'friday', 'won', 'lost', 'new', 'qualified', '25k', '$5', 'EUR', '@bob', 'D-4', 'by', 'tomorrow', 'list'];

const ws = fc.constantFrom(' ', '  ', '\t', ' \t ');

/** The plain decimal text of `minor` with `digits` fraction digits, without trailing zeros. */
function decimal(minor: bigint, digits: number): string {
  if (digits === 0) return minor.toString();
  const s = minor.toString().padStart(digits + 1, '0');
  const int = s.slice(0, -digits);
  const frac = s.slice(-digits).replace(/0+$/, '');
  return frac === '' ? int : `${int}.${frac}`;
}

function grouped(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const SYMBOL: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

/** A money value and one way a person might type it. */
const typedAmount: fc.Arbitrary<{ money: Money; text: string }> = fc
  .tuple(
    fc.constantFrom('USD', 'EUR', 'GBP', 'JPY', 'KWD', 'CHF'),
    fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 7n }), fc.bigInt({ min: 0n, max: 10n ** 17n })),
    fc.nat(5),
  )
  .map(([currency, raw, form]) => {
    const digits = minorDigits(currency);
    const minor = raw % (10n ** BigInt(15 + digits) + 1n);
    const plain = decimal(minor, digits);
    const [int = '0', frac] = plain.split('.');
    const withGroups = grouped(int) + (frac === undefined ? '' : `.${frac}`);
    // The k form is exact for every amount: 1234.56 → 1.23456k.
    const k = `${decimal(minor, digits + 3)}k`;
    const symbol = SYMBOL[currency];
    let text: string;
    switch (form) {
      case 0:
        text = `${currency} ${plain}`;
        break;
      case 1:
        text = `${withGroups} ${currency}`;
        break;
      case 2:
        text = currency === 'USD' ? k : `${k} ${currency}`;
        break;
      case 3:
        text = symbol !== undefined ? `${symbol}${withGroups}` : `${currency} ${withGroups}`;
        break;
      case 4:
        text = symbol !== undefined ? `${symbol}${k}` : `${currency} ${k}`;
        break;
      default:
        text = `${currency} ${k.toUpperCase()}`;
    }
    return { money: { minor, currency }, text };
  });

const DATE_PHRASES: readonly [string, string][] = [
  ['next friday', '2026-11-27'],
  ['friday', '2026-11-27'],
  ['tomorrow', '2026-11-25'],
  ['in 2 weeks', '2026-12-08'],
  ['Dec 1', '2026-12-01'],
  ['1 December 2026', '2026-12-01'],
  ['end of month', '2026-11-30'],
];
const typedDate: fc.Arbitrary<{ date: string; text: string }> = fc.oneof(
  fc.constantFrom(...DATE_PHRASES).map(([text, date]) => ({ text, date })),
  fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => {
      const date = d.toISOString().slice(0, 10);
      return { text: date, date };
    }),
);

const handle = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,10}[a-z0-9])?$/);
const typedOwner = fc.oneof(
  handle.map((h) => ({ text: `@${h}`, owner: { handle: h } })),
  fc
    .tuple(fc.stringMatching(/^U[A-Z0-9]{4,10}$/), handle)
    .map(([id, h]) => ({ text: `<@${id}|${h}>`, owner: { userId: id, handle: h } })),
  fc.stringMatching(/^U[A-Z0-9]{4,10}$/).map((id) => ({ text: `<@${id}>`, owner: { userId: id } })),
);

const newCommand = fc
  .record({
    keyword: fc.constantFrom('new', 'NEW', 'New', '/deal new', 'deal new'),
    title: fc.oneof(
      fc.array(fc.constantFrom(...SAFE_WORDS), { minLength: 1, maxLength: 6 }).map((w) => ({ words: w, quoted: false })),
      fc.array(fc.constantFrom(...SAFE_WORDS), { minLength: 1, maxLength: 5 }).map((w) => ({ words: ['Close', ...w], quoted: false })),
      fc.array(fc.constantFrom(...RISKY_WORDS), { minLength: 1, maxLength: 6 }).map((w) => ({ words: w, quoted: true })),
    ),
    amount: fc.option(typedAmount, { nil: undefined }),
    stage: fc.option(fc.constantFrom(...DEFAULT_STAGES), { nil: undefined }),
    owner: fc.option(typedOwner, { nil: undefined }),
    close: fc.option(typedDate, { nil: undefined }),
    order: fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
    sep: ws,
    stageCase: fc.boolean(),
  })
  .map((g) => {
    const titleText = g.title.words.join(' ');
    const options: string[] = [];
    for (const i of g.order) {
      if (i === 0 && g.amount) options.push(g.amount.text);
      if (i === 1 && g.stage !== undefined) options.push(g.stageCase ? g.stage.toUpperCase() : g.stage);
      if (i === 2 && g.owner) options.push(g.owner.text);
      if (i === 3 && g.close) options.push(`close ${g.close.text}`);
    }
    const title = g.title.quoted ? `"${titleText}"` : g.title.words.join(g.sep);
    const text = [g.keyword, title, ...options].join(g.sep);
    const expected: Intent = { kind: 'new', title: titleText };
    if (g.amount) expected.amount = g.amount.money;
    if (g.stage !== undefined) expected.stage = g.stage;
    if (g.owner) expected.owner = g.owner.owner;
    if (g.close) expected.closeDate = g.close.date;
    return { text, expected };
  });

describe('round trips', () => {
  it('a generated `new` command gives back its title, amount, stage, owner and close date', () => {
    fc.assert(
      fc.property(newCommand, ({ text, expected }) => {
        const result = parseCommand(text, ctx);
        expect(result.ok && result.intent).toEqual(expected);
        // A note only for a close date in the past (generated amounts are never ambiguous here).
        const notes = result.ok ? (result.notes ?? []) : [];
        expect(notes.length).toBe(expected.kind === 'new' && expected.closeDate !== undefined && expected.closeDate < '2026-11-24' ? 1 : 0);
      }),
      { numRuns: 1500 },
    );
  });

  it('a generated amount after a title parses to the same money', () => {
    fc.assert(
      fc.property(typedAmount, ({ money, text }) => {
        const result = parseCommand(`new Acme 2026 ${text}`, ctx);
        expect(result.ok && result.intent).toEqual({ kind: 'new', title: 'Acme 2026', amount: money });
      }),
      { numRuns: 1000 },
    );
  });

  it('`next` keeps the action and reads the last `by <date>`', () => {
    const action = fc.array(fc.constantFrom(...SAFE_WORDS, 'by', 'email', 'phone', 'call'), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(action, fc.option(typedDate, { nil: undefined }), (words, due) => {
        // An action ending in "by" followed by a date would move the date: keep it unambiguous.
        fc.pre(words[words.length - 1] !== 'by' && !(words[0] === 'by' && words.length === 1));
        // Without a date, a last `by` followed by date-like words (`by 2026 …`, `by Q3 …`) is refused:
        // see the grammar tests.
        const lastBy = words.lastIndexOf('by');
        fc.pre(due !== undefined || lastBy === -1 || !/\d/.test(words[lastBy + 1] ?? ''));
        const text = `next D-9 ${words.join(' ')}${due ? ` by ${due.text}` : ''}`;
        const expected: Intent = { kind: 'next', ref: 'D-9', action: words.join(' ') };
        if (due) expected.due = due.date;
        const result = parseCommand(text, ctx);
        expect(result.ok && result.intent).toEqual(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('`log` keeps any text as typed', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 300 })
      .map((s) => s.trim())
      .filter((s) => s !== '' && !/[&"“”„«]/.test(s));
    fc.assert(
      fc.property(fc.constantFrom('call', 'email', 'meeting', 'note'), text, (type, body) => {
        expect(parseCommand(`log d-12 ${type} ${body}`, ctx)).toEqual({
          ok: true,
          intent: { kind: 'log', ref: 'D-12', type, text: body },
        });
      }),
      { numRuns: 500 },
    );
  });

  it('a deal reference in any accepted spelling normalises to D-<n>', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.constantFrom('D-', 'd-', 'D', 'd', '#'),
        fc.constantFrom('won', 'show', ''),
        (n, prefix, command) => {
          const result = parseCommand(`${command} ${prefix}${n}`, ctx);
          const intent: Intent = command === 'won' ? { kind: 'won', ref: `D-${n}` } : { kind: 'show', query: `D-${n}` };
          expect(result).toEqual({ ok: true, intent });
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Amounts are never made up (issue 12)

/** The digits of an amount without leading or trailing zeros: $25,000.00 → "25", $1,234.56 → "123456". */
function significantDigits(m: Money): string {
  return decimal(m.minor, minorDigits(m.currency)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
}

/** Numbers as typed, separators (spaces of any width, dots, commas, apostrophes) removed. */
function typedNumbers(text: string): string[] {
  return (text.match(/\d+(?:[\s.,'\u2019]+\d+)*/gu) ?? []).map((n) => n.replace(/\D/g, ''));
}

/**
 * Whether a zero was typed as a number of its own: a word whose number is `0`, `000`, `0.00`,
 * `$0` (but not the `000` that continues `1 000`).
 */
function zeroTyped(text: string): boolean {
  const words = text.split(/\s+/u);
  return words.some((w, i) => {
    const number = /\d[\d.,]*/.exec(w)?.[0];
    if (number === undefined || !/^[0.,]+$/.test(number)) return false;
    return !(/^000/.test(w) && /\d$/.test(words[i - 1] ?? ''));
  });
}

/** Every amount an intent carries. */
function amountsOf(result: ParseResult): Money[] {
  if (!result.ok) return [];
  const intent = result.intent;
  if (intent.kind === 'new' && intent.amount) return [intent.amount];
  if (intent.kind === 'digest' && intent.action === 'threshold' && intent.amount) return [intent.amount];
  return [];
}

function checkAmountsTyped(text: string, result: ParseResult): void {
  for (const m of amountsOf(result)) {
    const digits = significantDigits(m);
    if (digits === '') {
      expect(zeroTyped(text), `a zero amount from ${JSON.stringify(text)}`).toBe(true);
    } else {
      expect(
        typedNumbers(text).some((n) => n.includes(digits)),
        `${m.minor} ${m.currency} (digits ${digits}) is not typed in ${JSON.stringify(text)}`,
      ).toBe(true);
    }
  }
}

const moneyFragment = fc.oneof(
  fc.constantFrom(
    '1 000 000 EUR', '1\u2009000\u2009000 EUR', '1\u202f000', '1\u00a0000 EUR', '1.000.000 EUR', '25.000,00 EUR', '25k eur',
    'USD25k', 'EUR25', '$25 k', '1,5k', '1.500 EUR', '1,500 EUR', '1.500', '25,000', '000', '000 EUR', '0', '0 EUR', '0,00',
    '500 ABC', '1 BTC', 'eur', 'usd', 'all', 'k', 'm', 'bn', '€', '$', '£', "1'000", '1', '12', '123', '2026', 'Q1', 'new',
  ),
  fc.stringMatching(/^[0-9]{1,4}([ .,'\u2009\u00a0][0-9]{1,4}){0,3}$/),
  fc.constantFrom(' ', '\u2009', '\u00a0', '\u202f', '"'),
);
const moneyText = fc.array(fc.oneof(moneyFragment, fragment), { maxLength: 10 }).map((parts) => parts.join(' '));

describe('amounts come from digits the person typed', () => {
  it('for any `new` or threshold command, an amount in the intent appears in the input as typed digits, and is zero only when a zero was typed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('new Acme ', 'new ', 'digest threshold ', 'new "Acme 1" ', ''),
        fc.oneof(moneyText, fc.string({ maxLength: 60 })),
        fc.constantFrom(ctx, { ...ctx, defaultCurrency: 'EUR' }, { ...ctx, defaultCurrency: 'JPY' }),
        (prefix, rest, c) => {
          const text = prefix + rest;
          const result = parseCommand(text, c);
          checkWellFormed(result);
          checkAmountsTyped(text, result);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the zero-amount bug of issue 12 is gone: `1 000 000 EUR` is one million, never €0 and "… 1 000"', () => {
    for (const space of [' ', '\u2009', '\u00a0', '\u202f']) {
      const result = parseCommand(`new Acme 1${space}000${space}000 EUR`, ctx);
      expect(result.ok && result.intent).toEqual({ kind: 'new', title: 'Acme', amount: { minor: 100_000_000n, currency: 'EUR' } });
    }
  });
});

describe('round trips: contacts, companies and tasks', () => {
  const nameWord = fc.constantFrom('Jane', 'Doe', "O'Brien", 'Ünïcødé', 'Mary-Ann', 'van', 'der', 'Berg', '日本', 'Li');
  const titleWord = fc.constantFrom('VP', 'Sales', 'Head', 'of', 'Ops', 'CTO', 'R&D');
  const email = fc.constantFrom('jane@acme.com', 'j.doe@acme.co.uk', 'ana+crm@globex.example');
  const phone = fc.constantFrom('+1 415 555 0100', '+44 20 7946 0958', '415-555-0100', '(415) 555-0100');
  // The company is what follows the LAST `at`, so a company name never holds the word `at` itself.
  const company = fc.array(fc.constantFrom('Acme', 'Globex', 'Corp', 'Sons', '&', 'Co', 'Initech'), { minLength: 1, maxLength: 4 });

  it('a generated `contact new` gives back its name, email, phone, title and company', () => {
    fc.assert(
      fc.property(
        fc.array(nameWord, { minLength: 1, maxLength: 4 }),
        fc.option(email, { nil: undefined }),
        fc.option(phone, { nil: undefined }),
        fc.option(fc.array(titleWord, { minLength: 1, maxLength: 3 }), { nil: undefined }),
        fc.option(company, { nil: undefined }),
        fc.boolean(),
        (name, mail, tel, title, at, anyway) => {
          // A title needs an email or a phone before it (or a quoted name) to be told from the name.
          const quoteName = title !== undefined && mail === undefined && tel === undefined;
          const text = [
            'contact new',
            quoteName ? `"${name.join(' ')}"` : name.join(' '),
            mail,
            tel,
            title?.join(' '),
            at ? `at ${at.join(' ')}` : undefined,
            anyway ? 'anyway' : undefined,
          ]
            .filter((p) => p !== undefined)
            .join(' ');
          const expected: Record<string, unknown> = { kind: 'contact', action: 'new', name: name.join(' ') };
          if (mail) expected.email = mail;
          if (tel) expected.phone = tel;
          if (title) expected.title = title.join(' ');
          if (at) expected.company = at.join(' ');
          if (anyway) expected.allowDuplicate = true;
          const result = parseCommand(text, ctx);
          expect(result.ok && result.intent).toEqual(expected);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('a generated `task` gives back its deal or contact, title, due date and owner', () => {
    const subject = fc.constantFrom<[string, Record<string, string>]>(['', {}], ['D-12 ', { deal: 'D-12' }], ['jane@acme.com ', { contact: 'jane@acme.com' }], ['"Jane Doe" ', { contact: 'Jane Doe' }]);
    const title = fc.array(fc.constantFrom(...SAFE_WORDS, 'call', 'send', 'quote', 'by', 'email'), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(subject, title, fc.option(typedDate, { nil: undefined }), fc.boolean(), ([prefix, subj], words, due, withOwner) => {
        fc.pre(words[words.length - 1] !== 'by');
        const lastBy = words.lastIndexOf('by');
        fc.pre(due !== undefined || lastBy === -1 || !/\d/.test(words[lastBy + 1] ?? ''));
        // A first word that is a deal reference, an email or a quoted name is the subject, by design.
        const text = `task ${prefix}${words.join(' ')}${due ? ` by ${due.text}` : ''}${withOwner ? ' @maria' : ''}`;
        const expected: Record<string, unknown> = { kind: 'task', subject: subj, title: words.join(' ') };
        if (due) expected.due = due.date;
        if (withOwner) expected.assignee = { handle: 'maria' };
        const result = parseCommand(text, ctx);
        expect(result.ok && result.intent).toEqual(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('`merge` splits on the last `into`, and task references normalise', () => {
    fc.assert(
      fc.property(email, email, fc.integer({ min: 1, max: 999_999 }), (a, b, n) => {
        expect(parseCommand(`merge contact ${a} into ${b}`, ctx)).toMatchObject({ ok: true, intent: { kind: 'merge', record: 'contact', from: a, into: b } });
        expect(parseCommand(`done t${n}`, ctx)).toMatchObject({ ok: true, intent: { kind: 'done', ref: `T-${n}` } });
      }),
      { numRuns: 300 },
    );
  });
});
