import { describe, expect, it } from 'vitest';
import {
  formatMoney,
  isCurrencyCode,
  looksLikeMoney,
  matchAmountAt,
  matchAmountBefore,
  minorDigits,
  parseAmount,
  readAmount,
  decimalSeparatorFor,
} from '../../../src/bot/commands/amount.js';
import type { Money } from '../../../src/bot/commands/intent.js';

const money = (minor: bigint, currency: string): Money => ({ minor, currency });

describe('parseAmount', () => {
  it.each<[string, string, Money]>([
    ['25k', 'USD', money(2_500_000n, 'USD')],
    ['25K', 'USD', money(2_500_000n, 'USD')],
    ['$1.2M', 'USD', money(120_000_000n, 'USD')],
    ['1.2m', 'USD', money(120_000_000n, 'USD')],
    ['25,000', 'USD', money(2_500_000n, 'USD')],
    ['25,000 EUR', 'USD', money(2_500_000n, 'EUR')],
    ['EUR 25000', 'USD', money(2_500_000n, 'EUR')],
    ['EUR   25000', 'USD', money(2_500_000n, 'EUR')],
    ['€25k', 'USD', money(2_500_000n, 'EUR')],
    ['25k€', 'USD', money(2_500_000n, 'EUR')],
    ['£3.5k', 'USD', money(350_000n, 'GBP')],
    ['¥500000', 'USD', money(500_000n, 'JPY')],
    ['¥1.5k', 'USD', money(1_500n, 'JPY')],
    ['1,234.56', 'USD', money(123_456n, 'USD')],
    ['USD 99.99', 'EUR', money(9_999n, 'USD')],
    ['2.5bn', 'USD', money(250_000_000_000n, 'USD')],
    ['2.5b', 'USD', money(250_000_000_000n, 'USD')],
    ['2.5BN', 'USD', money(250_000_000_000n, 'USD')],
    ['GBP 3.5k', 'USD', money(350_000n, 'GBP')],
    ['2.5bn USD', 'EUR', money(250_000_000_000n, 'USD')],
    // Bare numbers are amounts in the default currency when the text is known to be an amount.
    ['25000', 'EUR', money(2_500_000n, 'EUR')],
    ['25000', 'eur', money(2_500_000n, 'EUR')],
    ['99.99', 'USD', money(9_999n, 'USD')],
    ['0', 'USD', money(0n, 'USD')],
    // Exact decimal arithmetic: no floating-point drift.
    ['0.1k', 'USD', money(10_000n, 'USD')],
    ['1.15', 'USD', money(115n, 'USD')],
    ['0.29', 'USD', money(29n, 'USD')],
    ['$1.2345k', 'USD', money(123_450n, 'USD')],
    ['$1.230', 'USD', money(123n, 'USD')],
    ['.5k', 'USD', money(50_000n, 'USD')],
    ['007', 'USD', money(700n, 'USD')],
    ['KWD 1.234', 'USD', money(1_234n, 'KWD')],
    ['1000000000000000', 'USD', money(100_000_000_000_000_000n, 'USD')],
    ['999999999999999.99', 'USD', money(99_999_999_999_999_999n, 'USD')],
    ['1000000000000k', 'USD', money(100_000_000_000_000_000n, 'USD')],
    ['1000000bn', 'USD', money(100_000_000_000_000_000n, 'USD')],
    ['1m JPY', 'USD', money(1_000_000n, 'JPY')],
    // A bare symbol follows the workspace currency when that currency uses it.
    ['$25k', 'CAD', money(2_500_000n, 'CAD')],
    ['¥100', 'CNY', money(10_000n, 'CNY')],
    ['$25k', 'EUR', money(2_500_000n, 'USD')],
    ['C$25k', 'USD', money(2_500_000n, 'CAD')],
    ['US$5', 'CAD', money(500n, 'USD')],
    ['₹1.5k', 'USD', money(150_000n, 'INR')],
    // A decimal comma where only a decimal mark makes sense.
    ['1,5', 'USD', money(150n, 'USD')],
    ['12,34', 'USD', money(1_234n, 'USD')],
    // Lower-case codes that are not English words.
    ['eur 500', 'USD', money(50_000n, 'EUR')],
  ])('%s (default %s)', (text, currency, expected) => {
    expect(parseAmount(text, currency)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['$1.234', 'USD', 'too many fraction digits for USD'],
    ['1.001', 'USD', 'too many fraction digits for USD'],
    ['¥1.5', 'USD', 'JPY has no minor units'],
    ['¥0.5k1', 'USD', 'garbage after the suffix'],
    ['-5', 'USD', 'negative'],
    ['-$5', 'USD', 'negative'],
    ['$-5', 'USD', 'negative'],
    ['-25k', 'USD', 'negative'],
    ['EUR -5', 'USD', 'negative'],
    ['1000000000000000.01k', 'USD', 'more than 10^15 major units'],
    ['1000000000000001', 'USD', 'more than 10^15 major units'],
    ['1000000000000.001k', 'USD', 'more than 10^15 major units'],
    ['1000000000000000.99', 'USD', 'more than 10^15 major units'],
    ['2000000bn', 'USD', 'more than 10^15 major units'],
    ['XYZ 500', 'USD', 'unknown currency code'],
    ['25k EUR USD', 'USD', 'three words'],
    ['EUR', 'USD', 'no number'],
    ['$', 'USD', 'no number'],
    ['k', 'USD', 'no number'],
    ['', 'USD', 'empty'],
    ['abc', 'USD', 'a word'],
    ['25kk', 'USD', 'double suffix'],
    ['25x', 'USD', 'unknown suffix'],
    ['1,2345', 'USD', 'a decimal comma with too many decimals'],
    ['1.2.3', 'USD', 'two decimal points'],
    ['$25k€', 'USD', 'two symbols'],
    ['EUR $25', 'USD', 'code and symbol'],
    ['all 500', 'USD', 'a lower-case code that is an English word'],
    ['try 5k', 'USD', 'a lower-case code that is an English word'],
    ['1.000,000.00', 'USD', 'the decimal mark twice'],
    ['1,00,000', 'USD', 'groups of two'],
    ['1 00 000 EUR', 'USD', 'groups of two'],
    ['3 500k', 'USD', 'space-grouped with a suffix'],
    ['1..5', 'USD', 'two marks in a row'],
    ['25.', 'USD', 'a trailing mark'],
    ['１２３', 'USD', 'non-ASCII digits'],
    ['Infinity', 'USD', 'not a number'],
    ['1e6', 'USD', 'exponent notation'],
    ['25k', 'NOPE', 'unknown default currency'],
  ])('%s (default %s) is rejected: %s', (text, currency) => {
    expect(parseAmount(text, currency)).toBeUndefined();
  });
});

describe('readAmount explains why money-looking text is invalid', () => {
  it.each<[string, string]>([
    ['$1.234', 'too many decimal places'],
    ['¥1.5', 'JPY has no minor units'],
    ['-25k', "can't be negative"],
    ['2000000bn', 'too large'],
  ])('%s', (text, reason) => {
    const reading = readAmount(text, 'USD');
    expect(reading.kind).toBe('invalid');
    expect(reading.kind === 'invalid' ? reading.reason : '').toContain(reason);
  });

  it('says which currency is unknown', () => {
    const reading = readAmount('25k', 'NOPE');
    expect(reading).toEqual({
      kind: 'invalid',
      reason: expect.stringContaining('which currency') as unknown as string,
    });
  });
});

describe('looksLikeMoney: the rule for numbers inside free text', () => {
  it.each<[string, boolean]>([
    ['25k', true],
    ['$25000', true],
    ['25,000', true],
    ['1,234.56', true],
    ['EUR 25000', true],
    ['25000 EUR', true],
    ['€5', true],
    ['2.5bn', true],
    ['-5k', true],
    ['$1.234', true],
    // Bare numbers are not money: they stay in titles.
    ['3', false],
    ['2026', false],
    ['25000', false],
    ['99.99', false],
    ['0', false],
    ['Q3', false],
    ['v2', false],
    ['acme', false],
    ['2026-12-01', false],
    ['12/1', false],
  ])('%s → %s', (text, expected) => {
    expect(looksLikeMoney(text)).toBe(expected);
    expect(readAmount(text, 'USD', { requireMoneyMarker: true }).kind === 'none').toBe(!expected);
  });
});

describe('matching amounts inside a list of words', () => {
  it.each<[string[], number, Money | undefined, number | undefined]>([
    [['Acme', 'renewal', '25k'], 3, money(2_500_000n, 'USD'), 1],
    [['Acme', '25,000', 'EUR'], 3, money(2_500_000n, 'EUR'), 2],
    [['Acme', 'EUR', '25000'], 3, money(2_500_000n, 'EUR'), 2],
    [['Hire', 'CEO', '25k'], 3, money(2_500_000n, 'USD'), 1],
    [['Acme', '2026'], 2, undefined, undefined],
    [['Acme', '25k', 'renewal'], 3, undefined, undefined],
    [['Acme', '25k', 'renewal'], 2, money(2_500_000n, 'USD'), 1],
    [[], 0, undefined, undefined],
  ])('%j ending at %i', (words, end, expected, length) => {
    const match = matchAmountBefore(words, end, 'USD');
    if (expected === undefined) {
      expect(match).toBeUndefined();
    } else {
      expect(match?.reading).toEqual({ kind: 'money', money: expected });
      expect(match?.length).toBe(length);
    }
  });

  it.each<[string[], number, Money | undefined, number | undefined]>([
    [['EUR', '25000', 'won'], 0, money(2_500_000n, 'EUR'), 2],
    [['25k', 'won'], 0, money(2_500_000n, 'USD'), 1],
    [['2026', 'won'], 0, undefined, undefined],
  ])('%j starting at %i', (words, start, expected, length) => {
    const match = matchAmountAt(words, start, 'USD');
    if (expected === undefined) {
      expect(match).toBeUndefined();
    } else {
      expect(match?.reading).toEqual({ kind: 'money', money: expected });
      expect(match?.length).toBe(length);
    }
  });
});

describe('currencies', () => {
  it.each<[string, number]>([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
  ])('%s has %i minor digits', (currency, digits) => {
    expect(minorDigits(currency)).toBe(digits);
  });

  it.each<[string, boolean]>([
    ['USD', true],
    ['JPY', true],
    ['usd', false],
    ['XYZ', false],
    ['US', false],
    ['USDT', false],
  ])('%s is a currency code: %s', (code, expected) => {
    expect(isCurrencyCode(code)).toBe(expected);
  });
});

describe('formatMoney', () => {
  it.each<[Money, string | undefined, string]>([
    [money(2_500_000n, 'USD'), undefined, '$25,000'],
    [money(123_456n, 'USD'), undefined, '$1,234.56'],
    [money(123_450n, 'USD'), undefined, '$1,234.50'],
    [money(5n, 'USD'), undefined, '$0.05'],
    [money(0n, 'USD'), undefined, '$0'],
    [money(2_500_000n, 'EUR'), undefined, '€25,000'],
    [money(500_000n, 'JPY'), undefined, '¥500,000'],
    [money(350_000n, 'GBP'), undefined, '£3,500'],
    [money(1_234_567n, 'KWD'), undefined, 'KWD\u00a01,234.567'],
    // Beyond Number.MAX_SAFE_INTEGER: still exact.
    [money(100_000_000_000_000_099n, 'USD'), undefined, '$1,000,000,000,000,000.99'],
    [money(900_719_925_474_099_301n, 'USD'), undefined, '$9,007,199,254,740,993.01'],
    [money(-150n, 'USD'), undefined, '-$1.50'],
    [money(2_500_000n, 'EUR'), 'de-DE', '25.000\u00a0€'],
    [money(123_456n, 'USD'), 'de-DE', '1.234,56\u00a0$'],
  ])('%o in %s → %s', (m, locale, expected) => {
    expect(locale === undefined ? formatMoney(m) : formatMoney(m, locale)).toBe(expected);
  });

  it.each(['25k', '$1.2M', '1,234.56', '€25k', '¥500000', 'USD 99.99', '2.5bn', 'KWD 1.234'])(
    'parse(format(parse(%s))) is the same money',
    (text) => {
      const m = parseAmount(text, 'USD');
      expect(m).toBeDefined();
      if (!m) return;
      const formatted = formatMoney(m).replace(/\u00a0/g, ' ');
      // formatMoney gives "KWD 1,234.567" / "$1,234.56": both read back.
      expect(parseAmount(formatted, 'USD')).toEqual(m);
    },
  );
});

/** Every way of writing money the grammar reads, with the workspace currency it is typed in. */
describe('the forms people type (issue 12)', () => {
  it.each<[string, string, Money]>([
    // Spaces of any width as thousands separators.
    ['1 000 000 EUR', 'USD', money(100_000_000n, 'EUR')],
    ['1\u2009000\u2009000 EUR', 'USD', money(100_000_000n, 'EUR')],
    ['1\u202f000 EUR', 'USD', money(100_000n, 'EUR')],
    ['1\u00a0000\u00a0000 EUR', 'USD', money(100_000_000n, 'EUR')],
    ['EUR 1 000 000', 'USD', money(100_000_000n, 'EUR')],
    ['€1 000 000', 'USD', money(100_000_000n, 'EUR')],
    ['1 000 000 €', 'USD', money(100_000_000n, 'EUR')],
    ['1 000,50 EUR', 'USD', money(100_050n, 'EUR')],
    // European marks.
    ['1.000.000 EUR', 'USD', money(100_000_000n, 'EUR')],
    ['25.000,00 EUR', 'USD', money(2_500_000n, 'EUR')],
    ['25.000,5 EUR', 'EUR', money(2_500_050n, 'EUR')],
    ['1.234.567,89 EUR', 'USD', money(123_456_789n, 'EUR')],
    ["1'000'000 CHF", 'USD', money(100_000_000n, 'CHF')],
    ['1,000,000.50 USD', 'EUR', money(100_000_050n, 'USD')],
    // Codes in any case, attached or spaced.
    ['25k eur', 'USD', money(2_500_000n, 'EUR')],
    ['25K EUR', 'USD', money(2_500_000n, 'EUR')],
    ['eur 25k', 'USD', money(2_500_000n, 'EUR')],
    ['USD25k', 'EUR', money(2_500_000n, 'USD')],
    ['usd25k', 'EUR', money(2_500_000n, 'USD')],
    ['EUR25', 'USD', money(2_500n, 'EUR')],
    ['25EUR', 'USD', money(2_500n, 'EUR')],
    ['2.5bnUSD', 'EUR', money(250_000_000_000n, 'USD')],
    // A suffix or a symbol as its own word.
    ['$25 k', 'USD', money(2_500_000n, 'USD')],
    ['25 k', 'USD', money(2_500_000n, 'USD')],
    ['25 k EUR', 'USD', money(2_500_000n, 'EUR')],
    ['€ 25', 'USD', money(2_500n, 'EUR')],
    ['25 €', 'USD', money(2_500n, 'EUR')],
    // A decimal comma before a suffix.
    ['1,5k', 'USD', money(150_000n, 'USD')],
    ['1,5k', 'EUR', money(150_000n, 'EUR')],
    ['2,75m EUR', 'USD', money(275_000_000n, 'EUR')],
    // Ambiguous forms follow the workspace: EUR writes a decimal comma, USD a decimal point.
    ['1.500 EUR', 'EUR', money(150_000n, 'EUR')],
    ['1.500 EUR', 'USD', money(150n, 'EUR')],
    ['1,500 EUR', 'EUR', money(150n, 'EUR')],
    ['1,500 EUR', 'USD', money(150_000n, 'EUR')],
    ['25,000', 'USD', money(2_500_000n, 'USD')],
    ['25.000', 'EUR', money(2_500_000n, 'EUR')],
    ['1.500k', 'USD', money(150_000n, 'USD')],
    // Only one reading is possible: no ambiguity.
    ['0.500 EUR', 'EUR', money(50n, 'EUR')],
    ['1234.567 KWD', 'EUR', money(1_234_567n, 'KWD')],
    ['1.000.000', 'USD', money(100_000_000n, 'USD')],
  ])('%s (workspace %s)', (text, currency, expected) => {
    const reading = readAmount(text, currency);
    expect(reading.kind === 'money' ? reading.money : reading).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['1.500 EUR', 'USD', 'I read 1.500 EUR as €1.50 (the dot as a decimal mark). If you meant €1,500, write 1500 EUR.'],
    ['1.500 EUR', 'EUR', 'I read 1.500 EUR as €1,500 (the dot as a thousands separator). If you meant €1.50, write 1.5 EUR.'],
    ['1,500 EUR', 'EUR', 'I read 1,500 EUR as €1.50 (the comma as a decimal mark). If you meant €1,500, write 1500 EUR.'],
    ['25.000', 'EUR', 'I read 25.000 as €25,000 (the dot as a thousands separator). If you meant €25, write 25 EUR.'],
  ])('an ambiguous %s (workspace %s) says how it was read', (text, currency, note) => {
    expect(readAmount(text, currency)).toMatchObject({ kind: 'money', note });
  });

  it.each<[string, string]>([
    ['25,000', 'USD'],
    ['1,500 EUR', 'USD'],
    ['63.568k', 'USD'],
    ['1,5k', 'EUR'],
    ['1 000 000 EUR', 'USD'],
    ['25.000,00 EUR', 'USD'],
  ])('%s (workspace %s) is plain: no note', (text, currency) => {
    const reading = readAmount(text, currency);
    expect(reading.kind).toBe('money');
    expect(reading.kind === 'money' ? reading.note : 'x').toBeUndefined();
  });

  it('an explicit decimal separator wins over the one derived from the currency', () => {
    expect(parseAmount('1.500 EUR', 'EUR', { decimalSeparator: '.' })).toEqual(money(150n, 'EUR'));
    expect(parseAmount('1.500 EUR', 'USD', { decimalSeparator: ',' })).toEqual(money(150_000n, 'EUR'));
  });

  it.each<[string, string]>([
    ['EUR', ','],
    ['eur', ','],
    ['BRL', ','],
    ['SEK', ','],
    ['USD', '.'],
    ['GBP', '.'],
    ['JPY', '.'],
    ['CHF', '.'],
    ['NOPE', '.'],
  ])('the decimal mark of a %s workspace is %s', (currency, mark) => {
    expect(decimalSeparatorFor(currency)).toBe(mark);
  });

  it.each<[string, string, readonly string[]]>([
    ['500 ABC', 'ABC', ['500 ABC', 'quotes']],
    ['1 BTC', 'BTC', ['1 BTC']],
    ['2.5 ETH', 'ETH', ['2.5 ETH']],
    ['25,000 XYZ', 'XYZ', ['25,000 XYZ']],
  ])('%s is refused, naming %s', (text, code, words) => {
    const reading = readAmount(text, 'USD', { requireMoneyMarker: true });
    expect(reading.kind).toBe('invalid');
    const reason = reading.kind === 'invalid' ? reading.reason : '';
    expect(reason).toContain(`${code} isn't a currency I know`);
    for (const w of words) expect(reason).toContain(w);
  });

  it.each<[string, string]>([
    ['$1.234', "too many decimal places: USD allows 2 decimal places. If you meant $1,234, write 1234 USD."],
    ['1,234 EUR', 'too many decimal places: EUR allows 2 decimal places. If you meant €1,234, write 1234 EUR.'],
  ])('%s with the locale reading impossible is refused, showing the other reading', (text, reason) => {
    const reading = readAmount(text, text.includes('EUR') ? 'EUR' : 'USD');
    expect(reading.kind === 'invalid' ? reading.reason : reading).toContain(reason);
  });

  it.each(['2026 RFP', '3 pcs', 'Q3 ABC', 'v2 SOW', '3 SOW', '10 RFP'])('%s in free text is not money and not an error', (text) => {
    expect(readAmount(text, 'USD', { requireMoneyMarker: true })).toEqual({ kind: 'none' });
  });

  it.each<[string[], Money, number]>([
    [['Acme', '1', '000', '000', 'EUR'], money(100_000_000n, 'EUR'), 4],
    [['Room', '2', '1', '000', 'EUR'], money(100_000n, 'EUR'), 3],
    [['Phase', '3', '250,000', 'EUR'], money(25_000_000n, 'EUR'), 2],
    [['Acme', '$25', 'k'], money(2_500_000n, 'USD'), 2],
    [['Acme', '25k', 'eur'], money(2_500_000n, 'EUR'), 2],
  ])('%j: the longest run of words that is an amount', (words, expected, length) => {
    const match = matchAmountBefore(words, words.length, 'USD');
    expect(match).toEqual({ reading: { kind: 'money', money: expected }, length });
  });
});
