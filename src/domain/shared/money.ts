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

/** `$25,000`, `€1,234.56`, `¥500,000`: exact for any size, fractions only when present. */
export function formatMoney(money: Money, locale = 'en-US'): string {
  const digits = minorDigits(money.currency);
  const scale = 10n ** BigInt(digits);
  const major = money.minor / scale;
  const fraction = money.minor % scale;
  const fmt = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: fraction === 0n ? 0 : digits,
    maximumFractionDigits: digits,
  });
  if (fraction === 0n) return fmt.format(major);
  // Format the integer part with grouping, then splice in the exact fraction.
  const parts = fmt.formatToParts(major);
  const fractionText = fraction.toString().padStart(digits, '0');
  return parts
    .map((p) => (p.type === 'fraction' ? fractionText : p.value))
    .join('');
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
