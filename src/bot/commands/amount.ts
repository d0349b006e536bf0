/**
 * Money as people type it in chat: `25k`, `$1.2M`, `25,000 EUR`, `EUR 25000`, `€25k`, `¥500000`,
 * `USD 99.99`, `2.5bn`.
 *
 * Amounts are exact. The number is handled as a decimal string and scaled with bigint: no
 * floating point is ever used to compute minor units, so `$1.2M` is exactly 120 000 000 cents.
 *
 * The accepted shapes (whitespace only where shown):
 *
 *   [symbol] number [suffix] [symbol]      e.g. 25k, $1.2M, €25k, 25k€, 1,234.56, 25000
 *   CODE number[suffix]                    e.g. EUR 25000, USD 99.99, GBP 3.5k
 *   number[suffix] CODE                    e.g. 25,000 EUR, 2.5bn USD
 *
 * - number: digits with an optional `.fraction`; thousands may be grouped with commas in groups
 *   of exactly three (`25,000`, `1,234.56`). `1,5` or `12,34` are not numbers.
 * - suffix (case-insensitive): `k` (thousand), `m` (million), `b` / `bn` (billion).
 * - symbol: `$ € £ ¥ ₹ ₩ …` or a prefixed dollar (`US$`, `C$`, `A$`, …). A bare symbol means the
 *   default currency when that currency is written with the same symbol (`$` is CAD for a CAD
 *   workspace, `¥` is CNY for a CNY workspace), otherwise the usual currency (`$` USD, `¥` JPY).
 * - CODE: an ISO 4217 code known to `Intl`, written in UPPER CASE. Lower-case codes are not
 *   recognised because too many of them are English words (`all`, `top`, `try`, `cup`, `mop`).
 *
 * Rejected: negative amounts, more fraction digits than the currency has after applying the
 * suffix (`$1.234`, `¥1.5`; but `$1.2345k` is exactly $1,234.50 and fine), unknown currencies,
 * and absurd sizes (more than 10^15 major units).
 *
 * "Does this look like money?" (see {@link looksLikeMoney}): inside free text such as a deal
 * title, a bare number (`3`, `2026`, `99.99`) is NOT money; it is money only with a currency
 * symbol or code, a k/m/b/bn suffix, or comma thousands separators (`25,000`). So
 * `new Acme 2026 renewal` and `new Acme renewal 25000` both keep the number in the title, while
 * `new Acme renewal 25k`, `$25000` and `25,000` are amounts. {@link parseAmount} itself, used where
 * the text is known to be an amount, accepts bare numbers.
 */
import { formatMoney, isKnownCurrency, minorDigits } from '../../domain/shared/money.js';
import type { Money } from './intent.js';

export { formatMoney, minorDigits };

/** Largest amount accepted, in major units (10^15). */
export const MAX_MAJOR_UNITS = 10n ** 15n;

/** Longest amount text looked at; anything longer is not an amount. */
const MAX_AMOUNT_CHARS = 64;

const SUFFIX_EXPONENT: Readonly<Record<string, number>> = { k: 3, m: 6, b: 9, bn: 9 };

/** Symbols and the currency they mean when the default currency does not use that symbol. */
const SYMBOL_CURRENCY: Readonly<Record<string, string>> = {
  $: 'USD',
  'US$': 'USD',
  'C$': 'CAD',
  'CA$': 'CAD',
  'A$': 'AUD',
  'AU$': 'AUD',
  'NZ$': 'NZD',
  'HK$': 'HKD',
  'S$': 'SGD',
  'R$': 'BRL',
  'MX$': 'MXN',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '￥': 'JPY',
  '₹': 'INR',
  '₩': 'KRW',
  '₪': 'ILS',
  '₺': 'TRY',
  '₱': 'PHP',
  '₦': 'NGN',
  '₴': 'UAH',
  '₫': 'VND',
  '฿': 'THB',
  '₽': 'RUB',
};

// Longest first so `US$` wins over `$`.
const SYMBOLS = Object.keys(SYMBOL_CURRENCY).sort((a, b) => b.length - a.length);

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SYMBOL_RE = SYMBOLS.map(escapeRe).join('|');

/** `[-][symbol][-]number[suffix][symbol]`; the minus signs are captured so they can be rejected. */
const SINGLE_RE = new RegExp(
  `^(-)?(${SYMBOL_RE})?(-)?` +
    `(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?|\\.\\d+)` +
    `(k|m|bn|b)?(${SYMBOL_RE})?$`,
  'i',
);

const CODE_RE = /^[A-Z]{3}$/;

/** Whether `code` is an ISO 4217 currency code this runtime's `Intl` knows (upper case only). */
export function isCurrencyCode(code: string): boolean {
  return CODE_RE.test(code) && isKnownCurrency(code);
}

const narrowSymbolCache = new Map<string, string>();

function narrowSymbol(currency: string): string {
  let symbol = narrowSymbolCache.get(currency);
  if (symbol === undefined) {
    symbol = '';
    try {
      const parts = new Intl.NumberFormat('en', {
        style: 'currency',
        currency,
        currencyDisplay: 'narrowSymbol',
      }).formatToParts(0);
      symbol = parts.find((p) => p.type === 'currency')?.value ?? '';
    } catch {
      symbol = '';
    }
    narrowSymbolCache.set(currency, symbol);
  }
  return symbol;
}

function currencyForSymbol(symbol: string, defaultCurrency: string): string | undefined {
  if (isCurrencyCode(defaultCurrency) && narrowSymbol(defaultCurrency) === symbol) {
    return defaultCurrency;
  }
  const upper = symbol.toUpperCase();
  const key = Object.keys(SYMBOL_CURRENCY).find((s) => s.toUpperCase() === upper);
  return key === undefined ? undefined : SYMBOL_CURRENCY[key];
}

/** What reading a piece of text as an amount gave. */
export type AmountReading =
  | { kind: 'money'; money: Money }
  /** It is clearly meant as money but is not acceptable; `reason` is a friendly sentence. */
  | { kind: 'invalid'; reason: string }
  | { kind: 'none' };

interface NumberParts {
  negative: boolean;
  symbol?: string;
  code?: string;
  number: string;
  suffix?: string;
  /** Grouped with thousands separators (`25,000`). */
  grouped: boolean;
}

function splitSingle(token: string): NumberParts | undefined {
  const m = SINGLE_RE.exec(token);
  if (!m) return undefined;
  const [, minus1, pre, minus2, number, suffix, post] = m;
  if (pre !== undefined && post !== undefined) return undefined;
  if (number === undefined) return undefined;
  const symbol = pre ?? post;
  // A minus sign is only meaningful in front of the number.
  if (minus2 !== undefined && pre === undefined) return undefined;
  const parts: NumberParts = {
    negative: minus1 !== undefined || minus2 !== undefined,
    number,
    grouped: number.includes(','),
  };
  if (symbol !== undefined) parts.symbol = symbol;
  if (suffix !== undefined) parts.suffix = suffix.toLowerCase();
  return parts;
}

function splitText(text: string): NumberParts | undefined {
  const words = text.trim().split(/\s+/);
  if (words.length === 1) {
    const [word] = words;
    return word === undefined || word === '' ? undefined : splitSingle(word);
  }
  if (words.length !== 2) return undefined;
  const [a = '', b = ''] = words;
  // CODE number / number CODE: the number part takes a suffix but no symbol. Only codes Intl
  // knows count, so `CEO 25k` is the word CEO followed by the amount 25k.
  let code: string;
  let numberWord: string;
  if (isCurrencyCode(a)) {
    code = a;
    numberWord = b;
  } else if (isCurrencyCode(b)) {
    code = b;
    numberWord = a;
  } else {
    return undefined;
  }
  const parts = splitSingle(numberWord);
  if (!parts || parts.symbol !== undefined) return undefined;
  parts.code = code;
  return parts;
}

function looksLikeMoneyParts(p: NumberParts): boolean {
  return p.symbol !== undefined || p.code !== undefined || p.suffix !== undefined || p.grouped;
}

/** Exact `number × 10^exponent` as an integer, or undefined when it has a fractional part. */
function scaleExact(number: string, exponent: number): bigint | undefined {
  const plain = number.replace(/,/g, '');
  const [intPart = '', fracPart = ''] = plain.split('.');
  const digits = `${intPart}${fracPart}`.replace(/^0+(?=\d)/, '') || '0';
  const shift = exponent - fracPart.length;
  if (shift >= 0) return BigInt(digits) * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const value = BigInt(digits);
  if (value % divisor !== 0n) return undefined;
  return value / divisor;
}

function readParts(p: NumberParts, original: string, defaultCurrency: string): AmountReading {
  if (p.negative) {
    return { kind: 'invalid', reason: `Amounts can't be negative (${original}).` };
  }
  let currency: string | undefined;
  if (p.code !== undefined) {
    if (!isCurrencyCode(p.code)) {
      return { kind: 'invalid', reason: `${p.code} is not a currency code I know.` };
    }
    currency = p.code;
  } else if (p.symbol !== undefined) {
    currency = currencyForSymbol(p.symbol, defaultCurrency);
  } else {
    currency = defaultCurrency.toUpperCase();
  }
  if (currency === undefined || !isCurrencyCode(currency)) {
    return {
      kind: 'invalid',
      reason: `I don't know which currency ${original} is in; add a code like USD or EUR.`,
    };
  }
  const digits = minorDigits(currency);
  const exponent = (p.suffix !== undefined ? (SUFFIX_EXPONENT[p.suffix] ?? 0) : 0) + digits;
  const minor = scaleExact(p.number, exponent);
  if (minor === undefined) {
    const allowed =
      digits === 0 ? `${currency} has no minor units` : `${currency} allows ${digits} decimal places`;
    return { kind: 'invalid', reason: `${original} has too many decimal places: ${allowed}.` };
  }
  if (minor > MAX_MAJOR_UNITS * 10n ** BigInt(digits)) {
    return { kind: 'invalid', reason: `${original} is too large for an amount.` };
  }
  return { kind: 'money', money: { minor, currency } };
}

/**
 * Read `text` (one word like `25k`, or two like `EUR 25000`) as an amount.
 *
 * With `requireMoneyMarker` (used for amounts mixed into free text), a bare number such as `2026`
 * gives `none` rather than money; see the module comment for the rule.
 */
export function readAmount(
  text: string,
  defaultCurrency: string,
  options: { requireMoneyMarker?: boolean } = {},
): AmountReading {
  if (text.length > MAX_AMOUNT_CHARS) return { kind: 'none' };
  const parts = splitText(text);
  if (!parts) return { kind: 'none' };
  if (options.requireMoneyMarker && !looksLikeMoneyParts(parts)) return { kind: 'none' };
  return readParts(parts, text.trim(), defaultCurrency);
}

/**
 * Parse an amount such as `25k`, `$1.2M`, `25,000 EUR`, `EUR 25000`, `¥500000` or `USD 99.99`
 * (one word, or a currency code and a number separated by a space). A bare number (`25000`) is in
 * `defaultCurrency`. Returns undefined for anything that is not a valid, non-negative amount.
 */
export function parseAmount(token: string, defaultCurrency: string): Money | undefined {
  try {
    const reading = readAmount(token, defaultCurrency);
    return reading.kind === 'money' ? reading.money : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a word (or a code + number pair) looks like money in free text: a currency symbol or
 * code, a k/m/b/bn suffix, or comma thousands separators. Bare numbers (`3`, `2026`, `99.99`) do
 * not. Negative or otherwise invalid amounts can still look like money.
 */
export function looksLikeMoney(text: string): boolean {
  if (text.length > MAX_AMOUNT_CHARS) return false;
  const parts = splitText(text);
  return parts !== undefined && looksLikeMoneyParts(parts);
}

/** An amount found in a list of words. */
export interface AmountMatch {
  reading: Exclude<AmountReading, { kind: 'none' }>;
  /** How many words it spans: 1 (`25k`) or 2 (`EUR 25000`). */
  length: 1 | 2;
}

/**
 * Recognise an amount that ENDS at `words[end - 1]`, spanning one or two words (two-word forms are
 * tried first: `25,000 EUR`, `EUR 25000`). Only text that looks like money counts (bare numbers
 * do not). Returns undefined when the words there are not an amount.
 */
export function matchAmountBefore(
  words: readonly string[],
  end: number,
  defaultCurrency: string,
): AmountMatch | undefined {
  const last = words[end - 1];
  if (last === undefined) return undefined;
  const prev = end >= 2 ? words[end - 2] : undefined;
  if (prev !== undefined) {
    const two = readAmount(`${prev} ${last}`, defaultCurrency, { requireMoneyMarker: true });
    if (two.kind !== 'none') return { reading: two, length: 2 };
  }
  const one = readAmount(last, defaultCurrency, { requireMoneyMarker: true });
  if (one.kind !== 'none') return { reading: one, length: 1 };
  return undefined;
}

/**
 * Recognise an amount that STARTS at `words[start]`, spanning one or two words. Only text that
 * looks like money counts.
 */
export function matchAmountAt(
  words: readonly string[],
  start: number,
  defaultCurrency: string,
): AmountMatch | undefined {
  const first = words[start];
  if (first === undefined) return undefined;
  const next = words[start + 1];
  if (next !== undefined) {
    const two = readAmount(`${first} ${next}`, defaultCurrency, { requireMoneyMarker: true });
    if (two.kind !== 'none') return { reading: two, length: 2 };
  }
  const one = readAmount(first, defaultCurrency, { requireMoneyMarker: true });
  if (one.kind !== 'none') return { reading: one, length: 1 };
  return undefined;
}

