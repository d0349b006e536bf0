/** Small formatting helpers every renderer shares, so Slack, Teams and the console agree. */
import { formatMoney, type Money } from '../domain/shared/money.js';

const withoutYear = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' });
const withYear = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' });

/** `Fri, Nov 27` (with the year when it is not this year's). */
export function formatDateOnly(date: string, today: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const sameYear = date.slice(0, 4) === today.slice(0, 4);
  return (sameYear ? withoutYear : withYear).format(d);
}

export function formatDaysAgo(days: number): string {
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days} days ago`;
}

export function formatTotals(totals: Money[], empty = '—'): string {
  return totals.length ? totals.map((m) => formatMoney(m)).join(' + ') : empty;
}

export function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 100)}%`;
}

/**
 * A count that may stop at the domain's cap (domain/shared/count.ts): `153`, `1,000+`.
 * With `shown`, what is left after the first `shown`: `143`, `990+`.
 */
export function formatCount(of: { total: number; totalCapped: boolean }, shown = 0): string {
  return `${(of.total - shown).toLocaleString('en-US')}${of.totalCapped ? '+' : ''}`;
}

/** `1 deal`, `3 deals`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A count that may stop at the cap, with its noun: `1 deal`, `3 deals`, `1,000+ deals`. */
export function pluralCount(of: { total: number; totalCapped: boolean }, one: string): string {
  return `${formatCount(of)} ${of.total === 1 && !of.totalCapped ? one : `${one}s`}`;
}
