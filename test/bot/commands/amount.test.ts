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
    ['eur 500', 'USD', 'lower-case code'],
    ['25k EUR USD', 'USD', 'three words'],
    ['EUR', 'USD', 'no number'],
    ['$', 'USD', 'no number'],
    ['k', 'USD', 'no number'],
    ['', 'USD', 'empty'],
    ['abc', 'USD', 'a word'],
    ['25kk', 'USD', 'double suffix'],
    ['25x', 'USD', 'unknown suffix'],
    ['1,5', 'USD', 'not a thousands group'],
    ['12,34', 'USD', 'not a thousands group'],
    ['1,2345', 'USD', 'not a thousands group'],
    ['1.2.3', 'USD', 'two decimal points'],
    ['$25k€', 'USD', 'two symbols'],
    ['EUR $25', 'USD', 'code and symbol'],
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
