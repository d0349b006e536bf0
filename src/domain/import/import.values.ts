/**
 * The importer's readers of one cell: dates, instants, amounts, emails, lists. Each is strict (a
 * file's format is declared by its preset, not guessed from words), exact (money in bigint minor
 * units, never a float) and independent of the machine's time zone (every date is built in UTC:
 * a calendar date keeps the day written in the file wherever the import runs).
 */
import { z } from 'zod';
import { fromDateOnly, toDateOnly } from '../shared/dates.js';
import { isKnownCurrency, minorDigits } from '../shared/money.js';
import type { MoneyFormat } from './import.presets.js';

/** What a reader answers: the value, or why the text is not one (words for the dry-run report). */
export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = <T>(reason: string): Read<T> => ({ ok: false, reason });

/** A cell as the report quotes it: short, on one line. */
export const quoted = (text: string): string => `‘${(text.length > 40 ? `${text.slice(0, 39)}…` : text).replace(/\s+/g, ' ')}’`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_WORDS = 'a date such as 2026-03-14';

function realDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const d = fromDateOnly(date);
  return !Number.isNaN(d.getTime()) && toDateOnly(d) === date;
}

/**
 * A calendar date (close date, due date, a date field): `2026-03-14`, or the date part of a time
 * written with it (`2026-03-14 10:22`, `2026-03-14T23:30:00-05:00`): the day as written, never
 * moved by a time zone.
 */
export function readCalendarDate(text: string): Read<string> {
  const t = text.trim();
  const date = DATE.test(t) ? t : (LOCAL.exec(t)?.[1] ?? INSTANT.exec(t)?.[1]);
  if (!date) return no(`${quoted(t)} is not ${DATE_WORDS}`);
  if (!realDate(date)) return no(`${quoted(t)} is not a real date`);
  return ok(date);
}

/**
 * An instant (created, closed, an activity's time): ISO 8601 with a zone (`…Z`, `…+01:00`) as
 * written; a time without a zone (`2026-03-14 10:22`) or a date alone (midnight) in UTC.
 */
export function readInstant(text: string): Read<Date> {
  const t = text.trim();
  if (DATE.test(t)) return realDate(t) ? ok(fromDateOnly(t)) : no(`${quoted(t)} is not a real date`);
  const local = LOCAL.exec(t);
  const zoned = local ? undefined : INSTANT.exec(t);
  const m = local ?? zoned;
  if (!m) return no(`${quoted(t)} is not ${DATE_WORDS} or a time such as 2026-03-14 10:22`);
  const [, date = '', hh = '', mm = '', ss = '00', frac = ''] = m;
  if (!realDate(date) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return no(`${quoted(t)} is not a real time`);
  const ms = frac.padEnd(3, '0').slice(0, 3);
  const zone = zoned ? (m[6] ?? 'Z').toUpperCase() : 'Z';
  const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const at = new Date(`${date}T${hh}:${mm}:${ss}.${ms}${offset}`);
  return Number.isNaN(at.getTime()) ? no(`${quoted(t)} is not a real time`) : ok(at);
}

/** The largest amount a deal or money field holds (moneySchema): 10^18 minor units. */
const MAX_MINOR = 10n ** 18n;
const CODE = /^[A-Za-z]{3}$/;

/**
 * An amount in `currency` as the preset writes it (`1234.50`, `1,234.50`, `48000.00`), optionally
 * with its currency code before or after (`1234.50 EUR`, a money field of our export): minor units
 * and the currency. More decimals than the currency has are refused unless they are zeros.
 */
export function readMoney(text: string, currency: string, format: MoneyFormat): Read<{ minor: bigint; currency: string }> {
  let t = text.trim();
  let code = currency;
  const words = t.split(/\s+/);
  if (words.length === 2) {
    const [a = '', b = ''] = words;
    if (CODE.test(b) && !CODE.test(a)) [t, code] = [a, b.toUpperCase()];
    else if (CODE.test(a) && !CODE.test(b)) [t, code] = [b, a.toUpperCase()];
  }
  if (!isKnownCurrency(code)) return no(`${quoted(code)} is not a currency code such as USD or EUR`);
  if (t.startsWith('-')) return no(`${quoted(text.trim())} is a negative amount`);
  const decimal = format.decimal;
  const groups = format.group.filter((g) => g !== decimal);
  const [int = '', frac, more] = t.split(decimal);
  if (more !== undefined) return no(`${quoted(text.trim())} is not an amount`);
  let digits = int;
  const groupMark = groups.find((g) => int.includes(g));
  if (groupMark !== undefined) {
    const parts = int.split(groupMark);
    if (!/^\d{1,3}$/.test(parts[0] ?? '') || !parts.slice(1).every((p) => /^\d{3}$/.test(p))) return no(`${quoted(text.trim())} is not an amount`);
    digits = parts.join('');
  }
  if (!/^\d+$/.test(digits) || (frac !== undefined && !/^\d+$/.test(frac))) return no(`${quoted(text.trim())} is not an amount`);
  const places = minorDigits(code);
  let fraction = frac ?? '';
  if (fraction.length > places) {
    if (!/^0*$/.test(fraction.slice(places))) return no(`${quoted(text.trim())} has more decimals than ${code} has (${places})`);
    fraction = fraction.slice(0, places);
  }
  const minor = BigInt(digits) * 10n ** BigInt(places) + (places === 0 ? 0n : BigInt(fraction.padEnd(places, '0') || '0'));
  if (minor > MAX_MINOR) return no(`${quoted(text.trim())} is too large an amount`);
  return ok({ minor, currency: code });
}

/** A currency code of a column of its own: `usd`, `EUR`. */
export function readCurrency(text: string): Read<string> {
  const code = text.trim().toUpperCase();
  return CODE.test(code) && isKnownCurrency(code) ? ok(code) : no(`${quoted(text.trim())} is not a currency code such as USD or EUR`);
}

const emailSchema = z.string().email().max(320);
const EMAIL_IN = /[^\s<>(),;"']+@[^\s<>(),;"']+\.[^\s<>(),;"']+/;

/** An email, lower-cased; undefined when the text is not one. */
export function readEmail(text: string): string | undefined {
  const e = text.trim().toLowerCase();
  return emailSchema.safeParse(e).success ? e : undefined;
}

/** The email inside a cell that names a person (`Jane Doe <jane@acme.com>`, `Jane (jane@acme.com)`), if any. */
export function emailIn(text: string): string | undefined {
  const m = EMAIL_IN.exec(text);
  return m ? readEmail(m[0]) : undefined;
}

/** A cell listing several things (a deal's contacts): `a@x.com; b@y.com`, one per line, or `;`-separated. */
export function readList(text: string): string[] {
  return text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
