/**
 * Money as people type it in chat: `25k`, `$1.2M`, `25,000 EUR`, `EUR 25000`, `€25k`, `¥500000`,
 * `USD 99.99`, `2.5bn`, `1 000 000 EUR`, `1.000.000 EUR`, `25.000,00 EUR`, `25k eur`, `USD25k`,
 * `EUR25`, `$25 k`, `1,5k`.
 *
 * Amounts are exact. The number is handled as a decimal string and scaled with bigint: no
 * floating point is ever used to compute minor units, so `$1.2M` is exactly 120 000 000 cents.
 * An amount is never made up: every amount read comes from digits the person typed, and text that
 * is not entirely an amount is not one (`1 000 000 EUR` is one million euros, never "000 EUR").
 *
 * The accepted shapes (a space is allowed where shown):
 *
 *   [CODE] [symbol] number [suffix] [symbol] [CODE]     one code at most, one symbol at most
 *
 * - number: digits, grouped or not, with an optional decimal part:
 *   - groups of three after spaces (also thin and no-break spaces), apostrophes, dots or commas:
 *     `1 000 000`, `1'000`, `1.000.000`, `1,000,000`;
 *   - a decimal point or a decimal comma: `99.99`, `25,00`, `1,5k`, `25.000,00`, `1,234.56`. When
 *     both marks appear the last one is the decimal mark;
 *   - ambiguous forms, one mark followed by exactly three digits (`1.500`, `1,500`), are read with
 *     the workspace's decimal separator ({@link decimalSeparatorFor}), and the reading says how it
 *     was read (`note`) so the answer can tell the person. When only one reading is a valid amount
 *     (`1,234 USD` cannot be 1.234 dollars) that one is taken.
 * - suffix (case-insensitive, may be its own word: `$25 k`): `k` (thousand), `m` (million),
 *   `b` / `bn` (billion). Not with space-grouped numbers (`3 500k` is not an amount).
 * - symbol: `$ € £ ¥ ₹ ₩ …` or a prefixed dollar (`US$`, `C$`, `A$`, …). A bare symbol means the
 *   default currency when that currency is written with the same symbol (`$` is CAD for a CAD
 *   workspace, `¥` is CNY for a CNY workspace), otherwise the usual currency (`$` USD, `¥` JPY).
 * - CODE: an ISO 4217 code known to `Intl`, before or after, spaced or attached (`USD25k`,
 *   `25EUR`). Lower-case codes count (`25k eur`) except the ones that are English words
 *   (`all`, `top`, `try`, `cup`, `mop`, …). An upper-case three-letter word after a number that is
 *   not a currency (`500 ABC`, `1 BTC`) is an error naming the code.
 *
 * Rejected: negative amounts, more fraction digits than the currency has after applying the
 * suffix (`$1.234`, `¥1.5`; but `$1.2345k` is exactly $1,234.50 and fine), unknown currencies,
 * and absurd sizes (more than 10^15 major units).
 *
 * "Does this look like money?" (see {@link looksLikeMoney}): inside free text such as a deal
 * title, a bare number (`3`, `2026`, `99.99`, `1,5`, `3 500`) is NOT money; it is money only with a
 * currency symbol or code, a k/m/b/bn suffix, or thousands marks (`25,000`, `1.000.000`). So
 * `new Acme 2026 renewal` and `new Acme renewal 25000` both keep the number in the title, while
 * `new Acme renewal 25k`, `$25000` and `25,000` are amounts. {@link readAmount} itself, used where
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

/** The decimal mark of a workspace: `.` (1,500.50) or `,` (1.500,50). */
export type DecimalSeparator = '.' | ',';

/**
 * Currencies whose people mostly write a decimal comma (1.500,50). Used until workspaces have
 * their own number-format setting: the decimal mark is derived from the default currency.
 */
const DECIMAL_COMMA_CURRENCIES: ReadonlySet<string> = new Set([
  'EUR', 'ARS', 'BRL', 'CLP', 'COP', 'PYG', 'UYU', 'VES', 'BOB', 'DKK', 'NOK', 'SEK', 'ISK', 'PLN',
  'CZK', 'HUF', 'RON', 'BGN', 'RSD', 'MKD', 'BAM', 'ALL', 'RUB', 'UAH', 'BYN', 'KZT', 'GEL', 'AZN',
  'TRY', 'IDR', 'VND', 'MZN', 'AOA',
]);

/**
 * The decimal mark people in a workspace most likely use, from its default currency: `,` for EUR,
 * BRL, SEK, PLN, … and `.` for USD, GBP, JPY, CHF, INR and the rest. A pure function, so a
 * workspace setting can replace it later without touching the grammar.
 */
/**
 * The amount options of a workspace: its decimal mark setting (`/deal settings decimal …`), or
 * none, so that the default currency decides.
 */
export function workspaceAmountOptions(ws: { decimalMark: string | null }): AmountOptions {
  return ws.decimalMark === 'comma' ? { decimalSeparator: ',' } : ws.decimalMark === 'point' ? { decimalSeparator: '.' } : {};
}

export function decimalSeparatorFor(currency: string): DecimalSeparator {
  return DECIMAL_COMMA_CURRENCIES.has(currency.trim().toUpperCase()) ? ',' : '.';
}

/** Lower-case words that are currency codes but far more often English words. */
const WORD_CODES: ReadonlySet<string> = new Set([
  'all', 'top', 'try', 'cup', 'mop', 'bob', 'gel', 'mad', 'pen', 'sos', 'bam', 'rub', 'cop', 'ars',
]);

/** Most words an amount may span (`USD 1 000 000 000 000,50 k`…). */
const MAX_AMOUNT_WORDS = 10;

const CODE_RE = /^[A-Z]{3}$/;
const LETTERS3 = /^[A-Za-z]{3}$/;

/** Whether `code` is an ISO 4217 currency code this runtime's `Intl` knows (upper case only). */
export function isCurrencyCode(code: string): boolean {
  return CODE_RE.test(code) && isKnownCurrency(code);
}

/** A currency code as typed in chat: upper case, or lower case when it is not an English word. */
function codeWord(word: string): string | undefined {
  if (!LETTERS3.test(word)) return undefined;
  const upper = word.toUpperCase();
  if (!isCurrencyCode(upper)) return undefined;
  if (word !== upper && WORD_CODES.has(word.toLowerCase())) return undefined;
  return upper;
}

const narrowSymbolCache = new Map<string, string>();

function narrowSymbol(currency: string): string {
  let symbol = narrowSymbolCache.get(currency);
  if (symbol === undefined) {
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
  /** `note`: how an ambiguous form was read, for the answer ("1.500 EUR read as €1,500 …"). */
  | { kind: 'money'; money: Money; note?: string }
  /** It is clearly meant as money but is not acceptable; `reason` is a friendly sentence. */
  | { kind: 'invalid'; reason: string }
  | { kind: 'none' };

export interface AmountOptions {
  /** Amounts mixed into free text: a bare number such as `2026` is not money. */
  requireMoneyMarker?: boolean;
  /** How `1.500` / `1,500` are read; derived from the default currency when absent. */
  decimalSeparator?: DecimalSeparator;
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** A number as digit strings: `int` without separators, `frac` the decimal digits. */
interface Decimal {
  int: string;
  frac: string;
}

type NumberRead =
  | { kind: 'one'; value: Decimal; grouping: 'none' | 'marks' | 'spaces' }
  /** `1.500` / `1,500`: a decimal mark or a thousands mark. */
  | { kind: 'ambiguous'; asDecimal: Decimal; asGroups: Decimal; mark: DecimalSeparator };

const GROUP_SEPARATORS = /([.,'\u2019 ])/;
const FIRST_GROUP = /^[1-9]\d{0,2}$/;
const GROUP = /^\d{3}$/;

/**
 * Read a number with any of the separators people use (see the module comment); undefined when
 * the separators do not make a number (`1.2.3`, `1,00,000`, `1..5`).
 */
function readNumber(raw: string): NumberRead | undefined {
  if (/^[.,]\d+$/.test(raw)) return { kind: 'one', value: { int: '0', frac: raw.slice(1) }, grouping: 'none' };
  const parts = raw.split(GROUP_SEPARATORS);
  const groups = parts.filter((_, i) => i % 2 === 0);
  const seps = parts.filter((_, i) => i % 2 === 1);
  if (groups.some((g) => !/^\d+$/.test(g))) return undefined;
  if (seps.length === 0) return { kind: 'one', value: { int: raw, frac: '' }, grouping: 'none' };
  const marks = seps.filter((c): c is DecimalSeparator => c === '.' || c === ',');
  const last = seps[seps.length - 1];
  const lastGroup = groups[groups.length - 1] ?? '';
  let decimal = false;
  if (new Set(marks).size === 2) {
    // 25.000,00 / 1,234.56: the last mark is the decimal mark, and it appears once.
    if ((last !== '.' && last !== ',') || marks.filter((m) => m === last).length !== 1) return undefined;
    decimal = true;
  } else if (marks.length === 1 && (last === '.' || last === ',') && last === marks[0]) {
    const mark: DecimalSeparator = last;
    const first = groups[0] ?? '';
    // `3 250,000`: a title's number followed by an amount, not 3,250 of anything.
    if (seps.length > 1 && lastGroup.length === 3) return undefined;
    if (seps.length > 1 || lastGroup.length !== 3 || !FIRST_GROUP.test(first)) {
      // 1 000,50 / 1,5 / 25,00 / 99.99 / 0.500 / 1234.567: only a decimal mark makes sense.
      decimal = true;
    } else {
      return {
        kind: 'ambiguous',
        asDecimal: { int: first, frac: lastGroup },
        asGroups: { int: `${first}${lastGroup}`, frac: '' },
        mark,
      };
    }
  }
  const intGroups = decimal ? groups.slice(0, -1) : groups;
  const intSeps = decimal ? seps.slice(0, -1) : seps;
  if (intGroups.length > 1) {
    if (!FIRST_GROUP.test(intGroups[0] ?? '') || !intGroups.slice(1).every((g) => GROUP.test(g))) return undefined;
    // One kind of thousands separator per number (spaces of any width count as one kind).
    if (new Set(intSeps).size !== 1) return undefined;
  }
  const grouping = intSeps.length === 0 ? 'none' : intSeps[0] === ' ' ? 'spaces' : 'marks';
  return { kind: 'one', value: { int: intGroups.join(''), frac: decimal ? lastGroup : '' }, grouping };
}

/** Exact `number × 10^exponent` as an integer, or undefined when it has a fractional part. */
function scaleExact(number: Decimal, exponent: number): bigint | undefined {
  const digits = `${number.int}${number.frac}`.replace(/^0+(?=\d)/, '') || '0';
  const shift = exponent - number.frac.length;
  if (shift >= 0) return BigInt(digits) * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  const value = BigInt(digits);
  if (value % divisor !== 0n) return undefined;
  return value / divisor;
}

// ---------------------------------------------------------------------------------------------
// Amounts

const SUFFIX_RE = 'k|m|bn|b';
const SIGNED = `(-)?(${SYMBOL_RE})? ?(-)?`;
/** `[-][symbol][ ][-]number[ ][suffix][ ][symbol]`, the number possibly spaced into groups. */
const BODY_RE = new RegExp(
  `^${SIGNED}(\\d[\\d.,'\u2019 ]*\\d|\\d|[.,]\\d+) ?(${SUFFIX_RE})? ?(${SYMBOL_RE})?$`,
  'i',
);
/** An attached leading code: `USD25k`, `EUR25`, `eur-5`. */
const LEADING_CODE_RE = new RegExp(`^([A-Za-z]{3})((?:-|${SYMBOL_RE})?[\\d.,].*)$`);
/** An attached trailing code: `25EUR`, `2.5bnUSD`. */
const TRAILING_CODE_RE = new RegExp(`^(.*[\\d](?:${SUFFIX_RE})?)([A-Za-z]{3})$`, 'i');

/** A plain year such as 2026: `2026 RFP` is a title, not 2026 of an unknown currency. */
const YEAR_RE = /^(19|20)\d\d$/;

/** Codes people use for money that are not ISO 4217 currencies (crypto, mostly). */
const NOT_CURRENCIES: ReadonlySet<string> = new Set(['BTC', 'XBT', 'ETH', 'LTC', 'XRP', 'SOL', 'ADA', 'DOT', 'BNB', 'DAI', 'XMR', 'TRX']);

/**
 * Whether `500 ABC` is an amount in an unknown currency (an error naming ABC) rather than words
 * of a title such as `Phase 3 SOW` or `2026 RFP`: the code is a known non-currency (`1 BTC`), or
 * the number looks like money (a separator, a suffix, or 100 or more, but not a year).
 */
function unknownCurrencyAfter(numberText: string, code: string): boolean {
  const body = splitBody(numberText);
  if (!body) return false;
  if (NOT_CURRENCIES.has(code)) return true;
  if (body.symbol !== undefined || body.suffix !== undefined || /[.,' \u2019]/.test(body.number)) return true;
  return !YEAR_RE.test(body.number) && Number(body.number) >= 100;
}

interface Body {
  negative: boolean;
  symbol?: string;
  number: string;
  suffix?: string;
}

function splitBody(text: string): Body | undefined {
  const m = BODY_RE.exec(text);
  if (!m) return undefined;
  const [, minus1, pre, minus2, number, suffix, post] = m;
  if (number === undefined || (pre !== undefined && post !== undefined)) return undefined;
  // A minus sign is only meaningful in front of the number.
  if (minus2 !== undefined && pre === undefined) return undefined;
  const body: Body = { negative: minus1 !== undefined || minus2 !== undefined, number };
  const symbol = pre ?? post;
  if (symbol !== undefined) body.symbol = symbol;
  if (suffix !== undefined) body.suffix = suffix.toLowerCase();
  return body;
}

const unknownCode = (code: string, typed: string): AmountReading => ({
  kind: 'invalid',
  reason:
    `${code} isn't a currency I know, so I can't read "${typed}" as an amount. ` +
    `Use an ISO code or a symbol: 500 EUR, USD 25k, $25k, €1.5k. ` +
    `If it is part of the title, put the title in "quotes".`,
});

/** Read `words` (already split on whitespace) as one amount. */
function readWords(words: readonly string[], defaultCurrency: string, options: AmountOptions): AmountReading {
  if (words.length === 0 || words.length > MAX_AMOUNT_WORDS) return { kind: 'none' };
  const typed = words.join(' ');
  if (typed.length > MAX_AMOUNT_CHARS) return { kind: 'none' };
  let rest = [...words];
  let code: string | undefined;

  // A code before the number: `EUR 25000`, `eur 25k`, `USD25k`.
  const first = rest[0] ?? '';
  const firstCode = rest.length >= 2 ? codeWord(first) : undefined;
  if (firstCode !== undefined) {
    code = firstCode;
    rest = rest.slice(1);
  } else {
    const m = LEADING_CODE_RE.exec(first);
    const attached = m ? codeWord(m[1] ?? '') : undefined;
    if (m && attached !== undefined) {
      code = attached;
      rest[0] = m[2] ?? '';
    }
  }

  // A code after it: `25,000 EUR`, `25k eur`, `25EUR`; an unknown `500 ABC` is an error.
  if (code === undefined && rest.length > 0) {
    const last = rest[rest.length - 1] ?? '';
    if (rest.length >= 2 && LETTERS3.test(last)) {
      const lastCode = codeWord(last);
      if (lastCode !== undefined) {
        code = lastCode;
        rest = rest.slice(0, -1);
      } else {
        const before = rest.slice(0, -1).join(' ');
        if (CODE_RE.test(last) && unknownCurrencyAfter(before, last)) return unknownCode(last, typed);
        return { kind: 'none' };
      }
    } else {
      const m = TRAILING_CODE_RE.exec(last);
      const attached = m && CODE_RE.test(m[2] ?? '') ? codeWord(m[2] ?? '') : undefined;
      if (m && attached !== undefined) {
        code = attached;
        rest[rest.length - 1] = m[1] ?? '';
      }
    }
  }

  const body = splitBody(rest.join(' '));
  if (!body) return { kind: 'none' };
  if (code !== undefined && body.symbol !== undefined) return { kind: 'none' };
  const number = readNumber(body.number);
  if (!number) return { kind: 'none' };
  if (number.kind === 'one' && number.grouping === 'spaces' && body.suffix !== undefined) return { kind: 'none' };

  if (options.requireMoneyMarker) {
    const marked =
      code !== undefined ||
      body.symbol !== undefined ||
      body.suffix !== undefined ||
      (number.kind === 'one' && number.grouping === 'marks') ||
      (number.kind === 'ambiguous' && number.mark !== (options.decimalSeparator ?? decimalSeparatorFor(defaultCurrency)));
    if (!marked) return { kind: 'none' };
  }

  if (body.negative) {
    return { kind: 'invalid', reason: `Amounts can't be negative (${typed}).` };
  }
  let currency: string | undefined;
  if (code !== undefined) currency = code;
  else if (body.symbol !== undefined) currency = currencyForSymbol(body.symbol, defaultCurrency);
  else currency = defaultCurrency.trim().toUpperCase();
  if (currency === undefined || !isCurrencyCode(currency)) {
    return {
      kind: 'invalid',
      reason: `I don't know which currency ${typed} is in; add a code like USD or EUR.`,
    };
  }

  if (number.kind === 'one') return scaled(number.value, body.suffix, currency, typed);
  // Ambiguous: read as the workspace writes numbers. When that reading is not an amount (`$1.234`
  // with a decimal point: too many decimals), refuse rather than guess the other reading.
  const separator = options.decimalSeparator ?? decimalSeparatorFor(defaultCurrency);
  const decimalRead = number.mark === separator;
  const chosen = scaled(decimalRead ? number.asDecimal : number.asGroups, body.suffix, currency, typed);
  const other = scaled(decimalRead ? number.asGroups : number.asDecimal, body.suffix, currency, typed);
  if (chosen.kind !== 'money') {
    return other.kind === 'money'
      ? { kind: 'invalid', reason: `${chosen.reason} If you meant ${formatMoney(other.money)}, write ${plainText(other.money)}.` }
      : chosen;
  }
  // Said only when the reading may surprise: `1.500 EUR` as €1,500 (dots grouping thousands), or
  // as €1.50 (three decimals on a two-decimal currency). `25,000` with a decimal point at home and
  // `63.568k` are plain and need no explaining.
  const surprising = decimalRead ? body.suffix === undefined && minorDigits(currency) < 3 : number.mark === '.';
  if (other.kind !== 'money' || !surprising) return chosen;
  const markName = number.mark === '.' ? 'dot' : 'comma';
  const how = decimalRead ? `the ${markName} as a decimal mark` : `the ${markName} as a thousands separator`;
  return {
    kind: 'money',
    money: chosen.money,
    note: `I read ${typed} as ${formatMoney(chosen.money)} (${how}). If you meant ${formatMoney(other.money)}, write ${plainText(other.money)}.`,
  };
}

/** A way to type `money` that reads the same everywhere: `1500 EUR`, `1.5 EUR`. */
function plainText(money: Money): string {
  const digits = minorDigits(money.currency);
  const scale = 10n ** BigInt(digits);
  const int = (money.minor / scale).toString();
  const frac = digits === 0 ? '' : (money.minor % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${int}${frac === '' ? '' : `.${frac}`} ${money.currency}`;
}

function scaled(number: Decimal, suffix: string | undefined, currency: string, typed: string): AmountReading & { kind: 'money' | 'invalid' } {
  const digits = minorDigits(currency);
  const exponent = (suffix !== undefined ? (SUFFIX_EXPONENT[suffix] ?? 0) : 0) + digits;
  const minor = scaleExact(number, exponent);
  if (minor === undefined) {
    const allowed =
      digits === 0 ? `${currency} has no minor units` : `${currency} allows ${digits} decimal places`;
    return { kind: 'invalid', reason: `${typed} has too many decimal places: ${allowed}.` };
  }
  if (minor > MAX_MAJOR_UNITS * 10n ** BigInt(digits)) {
    return { kind: 'invalid', reason: `${typed} is too large for an amount.` };
  }
  return { kind: 'money', money: { minor, currency } };
}

/** Words of a text, split on any whitespace (thin and no-break spaces included). */
function wordsOf(text: string): string[] {
  return text.trim().split(/\s+/u).filter((w) => w !== '');
}

/**
 * Read `text` as an amount: all of it (`25k`, `EUR 25000`, `1 000 000 EUR`, `25.000,00 EUR`).
 *
 * With `requireMoneyMarker` (used for amounts mixed into free text), a bare number such as `2026`
 * gives `none` rather than money; see the module comment for the rule.
 */
export function readAmount(text: string, defaultCurrency: string, options: AmountOptions = {}): AmountReading {
  try {
    if (typeof text !== 'string' || text.length > MAX_AMOUNT_CHARS) return { kind: 'none' };
    return readWords(wordsOf(text), typeof defaultCurrency === 'string' ? defaultCurrency : '', options);
  } catch {
    return { kind: 'none' };
  }
}

/**
 * Parse an amount such as `25k`, `$1.2M`, `25,000 EUR`, `EUR 25000`, `¥500000` or `USD 99.99`.
 * A bare number (`25000`) is in `defaultCurrency`. Returns undefined for anything that is not a
 * valid, non-negative amount.
 */
export function parseAmount(token: string, defaultCurrency: string, options: AmountOptions = {}): Money | undefined {
  const reading = readAmount(token, defaultCurrency, options);
  return reading.kind === 'money' ? reading.money : undefined;
}

/**
 * Whether text looks like money in free text: a currency symbol or code, a k/m/b/bn suffix, or
 * thousands marks. Bare numbers (`3`, `2026`, `99.99`) do not. Negative or otherwise invalid
 * amounts can still look like money.
 */
export function looksLikeMoney(text: string, defaultCurrency = 'USD'): boolean {
  return readAmount(text, defaultCurrency, { requireMoneyMarker: true }).kind !== 'none';
}

/** An amount found in a list of words. */
export interface AmountMatch {
  reading: Exclude<AmountReading, { kind: 'none' }>;
  /** How many words it spans: 1 (`25k`), 2 (`EUR 25000`), 4 (`1 000 000 EUR`) … */
  length: number;
}

/**
 * Recognise an amount that ENDS at `words[end - 1]`; the longest run of words that is an amount
 * wins (`1 000 000 EUR` over `000 EUR`). Only text that looks like money counts (bare numbers do
 * not). Returns undefined when the words there are not an amount.
 */
export function matchAmountBefore(
  words: readonly string[],
  end: number,
  defaultCurrency: string,
  options: Omit<AmountOptions, 'requireMoneyMarker'> = {},
): AmountMatch | undefined {
  for (let length = Math.min(end, MAX_AMOUNT_WORDS); length >= 1; length--) {
    const span = words.slice(end - length, end);
    const reading = readWords(span, defaultCurrency, { ...options, requireMoneyMarker: true });
    if (reading.kind === 'none') continue;
    // `2026 000 EUR`: zeros that continue a number typed before them are not an amount of zero.
    const before = words[end - length - 1];
    if (reading.kind === 'money' && reading.money.minor === 0n && before !== undefined && /\d$/.test(before) && /^000/.test(span[0] ?? '')) {
      const typed = [before, ...span].join(' ');
      return { reading: { kind: 'invalid', reason: `I can't read "${typed}" as an amount: group thousands in threes (1 000 000 EUR) or write 1000000 EUR.` }, length };
    }
    return { reading, length };
  }
  return undefined;
}

/** Recognise an amount that STARTS at `words[start]`; the longest run of words wins. */
export function matchAmountAt(
  words: readonly string[],
  start: number,
  defaultCurrency: string,
  options: Omit<AmountOptions, 'requireMoneyMarker'> = {},
): AmountMatch | undefined {
  for (let length = Math.min(words.length - start, MAX_AMOUNT_WORDS); length >= 1; length--) {
    const reading = readWords(words.slice(start, start + length), defaultCurrency, { ...options, requireMoneyMarker: true });
    if (reading.kind !== 'none') return { reading, length };
  }
  return undefined;
}
