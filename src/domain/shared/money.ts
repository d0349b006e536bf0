/** Money is an integer count of minor units plus an ISO 4217 code; never a float. */
import { z } from 'zod';

export interface Money {
  minor: bigint;
  currency: string;
}

export const currencySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isKnownCurrency, 'an ISO 4217 currency code such as USD or EUR');

export const moneySchema = z.object({
  minor: z.bigint().nonnegative().max(10n ** 18n),
  currency: currencySchema,
});

let knownCurrencies: Set<string> | undefined;
export function isKnownCurrency(code: string): boolean {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code.toUpperCase());
}

const digitsCache = new Map<string, number>();
/** How many minor-unit digits a currency has (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * Money for people: `$25,000`, `$1,234.56`, `€25,000`, `¥500,000`. Minor units show only when
 * they are not zero. Exact for any size: the decimal string is built with bigint and handed to
 * Intl as a string.
 */
export function formatMoney(money: Money, locale = 'en-US'): string {
  const digits = minorDigits(money.currency);
  const negative = money.minor < 0n;
  const abs = negative ? -money.minor : money.minor;
  const scale = 10n ** BigInt(digits);
  const fraction = abs % scale;
  const sign = negative ? '-' : '';
  const decimal = fraction === 0n ? `${sign}${abs / scale}` : `${sign}${abs / scale}.${fraction.toString().padStart(digits, '0')}`;
  return numberFormat(locale, money.currency, fraction === 0n ? 0 : digits).format(decimal as Intl.StringNumericLiteral);
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Building a formatter costs far more than using one: keep one per locale, currency and digits. */
function numberFormat(locale: string, currency: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    if (numberFormats.size > 1000) numberFormats.clear();
    numberFormats.set(key, f);
  }
  return f;
}

/** `amount × percent / 100`, rounded half up to a minor unit. */
export function percentOf(minor: bigint, percent: number): bigint {
  return (minor * BigInt(Math.round(percent * 100)) + 5000n) / 10000n;
}

/** Sums grouped by currency, in a stable order (the workspace currency first). */
export type MoneyTotals = Money[];

export function addTo(totals: Map<string, bigint>, currency: string, minor: bigint): void {
  if (minor === 0n) return;
  totals.set(currency, (totals.get(currency) ?? 0n) + minor);
}

export function toTotals(totals: Map<string, bigint>, firstCurrency: string): MoneyTotals {
  return [...totals.entries()]
    .map(([currency, minor]) => ({ currency, minor }))
    .sort((a, b) => (a.currency === firstCurrency ? -1 : b.currency === firstCurrency ? 1 : a.currency.localeCompare(b.currency)));
}
