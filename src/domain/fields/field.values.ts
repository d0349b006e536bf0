/**
 * A custom field's value as a person types it ("partner", "1,500", "€2,000", "next friday",
 * "@maria"), read into the typed columns of FieldValue, and a stored value shown back.
 *
 * Money, dates and people are read by the grammar's own readers (amounts: `readAmount`, dates:
 * `parseDateOnly` over chrono-node, people: `parseMention`), so a value reads exactly as the same
 * words read in `/deal new` or `/deal assign`. They are pure functions of the text and the
 * workspace's settings; they live beside the grammar because the grammar was their first user.
 *
 * Every refusal names the field, its type and an example of what it takes.
 */
import { decimalSeparatorFor, readAmount } from '../../bot/commands/amount.js';
import { DATE_EXAMPLES, formatDateOnly, parseDateOnly } from '../../bot/commands/dates.js';
import { parseMention } from '../../bot/commands/mentions.js';
import { nearestWord } from '../../bot/commands/grammar/words.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { fromDateOnly, toDateOnly } from '../shared/dates.js';
import { formatMoney, minorDigits } from '../shared/money.js';
import { cleanLine, searchKey } from '../shared/text.js';
import { FIELD_LIMITS, TYPE_WORDS, type FieldType } from './field.schema.js';
import { NO_VALUE, type FieldDefinitionView, type FieldLine } from './field.view.js';

/** The typed columns of one FieldValue row (exactly the ones its type uses are set). */
export interface ValueColumns {
  text: string | null;
  textKey: string | null;
  number: number | null;
  cents: bigint | null;
  currency: string | null;
  date: Date | null;
  memberId: string | null;
}

export const EMPTY_COLUMNS: Readonly<ValueColumns> = {
  text: null,
  textKey: null,
  number: null,
  cents: null,
  currency: null,
  date: null,
  memberId: null,
};

export interface PersonRow {
  id: string;
  displayName: string;
  handle: string;
}

/** What reading a value needs besides the text: the reader's calendar, the workspace's money, its people. */
export interface ValueContext {
  now: Date;
  timeZone: string;
  defaultCurrency: string;
  decimalSeparator?: '.' | ',';
  /** The person typing (for `me`). */
  memberId: string;
  findPerson(ref: { userId?: string; handle?: string } | { memberId: string }): Promise<PersonRow | null>;
}

/** What was typed: a value, or "clear it" (`""`, `-`, `—`). */
export type ReadValue = { kind: 'clear' } | { kind: 'value'; columns: ValueColumns; person?: PersonRow; note?: string };

const CLEAR_WORDS = new Set(['', '-', '—', '–']);

/** Whether the text clears a field. */
export const clearsField = (typed: string): boolean => CLEAR_WORDS.has(typed.trim());

/** The largest number a number field holds exactly enough to be useful (a Float column). */
const MAX_NUMBER = 1e15;

/** Reads `typed` as a value of `field`, or throws an InvalidInput naming the field, its type and an example. */
export async function readFieldValue(field: FieldDefinitionView, typed: string, ctx: ValueContext): Promise<ReadValue> {
  const raw = cleanLine(typed);
  if (clearsField(raw)) return { kind: 'clear' };
  switch (field.type) {
    case 'text': {
      if (raw.length > FIELD_LIMITS.text) throw refusal(field, `that is ${raw.length.toLocaleString('en-US')} characters; it holds ${FIELD_LIMITS.text}.`);
      return { kind: 'value', columns: { ...EMPTY_COLUMNS, text: raw, textKey: searchKey(raw) } };
    }
    case 'number': {
      const n = readNumber(raw, ctx.decimalSeparator ?? decimalSeparatorFor(ctx.defaultCurrency));
      if (n === undefined) throw refusal(field, `I can’t read “${clipped(raw)}” as a number.`);
      return { kind: 'value', columns: { ...EMPTY_COLUMNS, number: n } };
    }
    case 'money': {
      const reading = readAmount(raw, ctx.defaultCurrency, ctx.decimalSeparator ? { decimalSeparator: ctx.decimalSeparator } : {});
      if (reading.kind === 'invalid') throw refusal(field, reading.reason);
      if (reading.kind === 'none') throw refusal(field, `I can’t read “${clipped(raw)}” as an amount.`);
      const { minor, currency } = reading.money;
      return { kind: 'value', columns: { ...EMPTY_COLUMNS, cents: minor, currency }, ...(reading.note && { note: reading.note }) };
    }
    case 'date': {
      const date = parseDateOnly(raw, { now: ctx.now, timeZone: ctx.timeZone });
      if (date === undefined) throw refusal(field, `I can’t read “${clipped(raw)}” as a date.`);
      return { kind: 'value', columns: { ...EMPTY_COLUMNS, date: fromDateOnly(date) } };
    }
    case 'choice': {
      const choice = matchChoice(field, raw);
      return { kind: 'value', columns: { ...EMPTY_COLUMNS, text: choice, textKey: searchKey(choice) } };
    }
    case 'person': {
      const person = await readPerson(field, raw, ctx);
      return { kind: 'value', columns: { ...EMPTY_COLUMNS, memberId: person.id }, person };
    }
  }
}

/** The choice `typed` names (case- and accent-blind), or a refusal that lists them and suggests the nearest. */
export function matchChoice(field: FieldDefinitionView, typed: string): string {
  const key = searchKey(typed);
  const exact = field.choices.find((c) => searchKey(c) === key);
  if (exact !== undefined) return exact;
  const keys = field.choices.map((c) => searchKey(c));
  const near = nearestWord(key, keys);
  const suggestion = near === undefined ? '' : ` Did you mean ${field.choices[keys.indexOf(near)]}?`;
  throw new DomainError(
    DomainErrorCode.InvalidInput,
    `${field.name} is ${TYPE_WORDS.choice}: “${clipped(typed)}” isn’t one of its choices.${suggestion} Choose one of ${field.choices.join(', ')}.`,
    { field: field.key, choices: [...field.choices] },
  );
}

async function readPerson(field: FieldDefinitionView, typed: string, ctx: ValueContext): Promise<PersonRow> {
  const word = typed.trim();
  if (/^me$/i.test(word)) {
    const me = await ctx.findPerson({ memberId: ctx.memberId });
    if (me) return me;
  }
  const ref = parseMention(word) ?? parseMention(`@${word}`);
  if (!ref) throw refusal(field, `“${clipped(typed)}” isn’t a person I can read: mention one.`);
  const person = await ctx.findPerson(ref);
  if (!person) {
    const who = ref.handle ? `@${ref.handle}` : 'that person';
    throw new DomainError(
      DomainErrorCode.UnknownMember,
      `${field.name} is ${TYPE_WORDS.person}, and I don't know ${who} in this workspace yet. They appear once they have used the CRM.`,
      { field: field.key },
    );
  }
  return person;
}

/** "Source is a number field: I can’t read “abc” as a number. It takes a number, e.g. 12 or 1,500.5." */
function refusal(field: FieldDefinitionView, what: string): DomainError {
  return new DomainError(DomainErrorCode.InvalidInput, `${field.name} is ${TYPE_WORDS[field.type]}: ${what} ${takes(field)}`, {
    field: field.key,
    ...(field.type === 'choice' && { choices: [...field.choices] }),
  });
}

/** "It takes a date, e.g. 2027-01-15, next friday or end of month." */
export function takes(field: Pick<FieldDefinitionView, 'type' | 'choices'>): string {
  switch (field.type) {
    case 'text':
      return `It takes any words, e.g. Trade show (at most ${FIELD_LIMITS.text} characters).`;
    case 'number':
      return 'It takes a number, e.g. 12 or 1,500.5.';
    case 'money':
      return 'It takes an amount, e.g. 1,500, €2,000 or 25k EUR.';
    case 'date':
      return `It takes a date, e.g. ${DATE_EXAMPLES}.`;
    case 'choice':
      return `It takes one of ${field.choices.join(', ')}.`;
    case 'person':
      return 'It takes a person, e.g. @maria, or me.';
  }
}

const clipped = (text: string) => (text.length <= 40 ? text : `${text.slice(0, 39)}…`);

/**
 * A number as people write it: `12`, `-3`, `1,500`, `1.500,25`, `1 500`, `1'500`, `12.5`, `12%`.
 * One mark followed by exactly three digits (`1,500`, `1.500`) is read with the workspace's
 * decimal mark, as amounts are. Undefined when it is not a number.
 */
export function readNumber(text: string, decimalMark: '.' | ','): number | undefined {
  let s = text.replace(/%$/, '').replace(/[\s'\u2019_]/gu, '');
  const negative = s.startsWith('-');
  if (negative || s.startsWith('+')) s = s.slice(1);
  if (!/^\d[\d.,]*$|^[.,]\d+$/.test(s)) return undefined;
  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  let plain: string;
  if (dots > 0 && commas > 0) {
    // 1,234.56 / 1.234,56: the last mark is the decimal mark, once; the other groups thousands.
    const decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    const [int = '', frac = '', ...more] = s.split(decimal);
    if (more.length > 0 || !groupsOk(int, group)) return undefined;
    plain = `${int.split(group).join('')}.${frac}`;
  } else if (dots + commas > 1) {
    const mark = dots > 0 ? '.' : ',';
    if (!groupsOk(s, mark)) return undefined;
    plain = s.split(mark).join('');
  } else if (dots + commas === 1) {
    const mark = dots === 1 ? '.' : ',';
    const [int = '', frac = ''] = s.split(mark);
    const ambiguous = frac.length === 3 && /^[1-9]\d{0,2}$/.test(int);
    plain = ambiguous && mark !== decimalMark ? `${int}${frac}` : `${int || '0'}.${frac}`;
  } else {
    plain = s;
  }
  if (!/^\d+(?:\.\d+)?$/.test(plain)) return undefined;
  const n = Number(plain) * (negative ? -1 : 1);
  return Number.isFinite(n) && Math.abs(n) < MAX_NUMBER ? n : undefined;
}

/** `1,000,000` with `,`: the first group 1–3 digits, the rest exactly 3. */
function groupsOk(int: string, mark: string): boolean {
  const groups = int.split(mark);
  return /^[1-9]\d{0,2}$/.test(groups[0] ?? '') && groups.slice(1).every((g) => /^\d{3}$/.test(g));
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

/** A way to type an amount that reads the same everywhere: `1500 EUR`, `1.5 EUR`. */
export function plainMoney(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const scale = 10n ** BigInt(digits);
  const int = (minor / scale).toString();
  const frac = digits === 0 ? '' : (minor % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${int}${frac === '' ? '' : `.${frac}`} ${currency}`;
}

/** A stored value (or none) as a card line. */
export function toFieldLine(
  field: Pick<FieldDefinitionView, 'key' | 'name' | 'type'>,
  row: (ValueColumns & { member?: PersonRow | null }) | null | undefined,
): FieldLine {
  const base = { key: field.key, name: field.name, type: field.type };
  const none: FieldLine = { ...base, display: NO_VALUE, value: null };
  if (!row) return none;
  switch (field.type as FieldType) {
    case 'text':
    case 'choice':
      return row.text === null ? none : { ...base, display: row.text, value: row.text };
    case 'number':
      return row.number === null ? none : { ...base, display: numberFormat.format(row.number), value: row.number };
    case 'money':
      return row.cents === null || row.currency === null
        ? none
        : { ...base, display: formatMoney({ minor: row.cents, currency: row.currency }), value: plainMoney(row.cents, row.currency) };
    case 'date': {
      if (row.date === null) return none;
      const day = toDateOnly(row.date);
      return { ...base, display: formatDateOnly(day), value: day };
    }
    case 'person':
      return !row.member ? none : { ...base, display: row.member.displayName, value: `@${row.member.handle}` };
  }
}

/** Whether two rows hold the same value (setting it again changes nothing). */
export function sameValue(a: ValueColumns | null, b: ValueColumns | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.text === b.text &&
    a.number === b.number &&
    a.cents === b.cents &&
    a.currency === b.currency &&
    (a.date?.getTime() ?? null) === (b.date?.getTime() ?? null) &&
    a.memberId === b.memberId
  );
}

/** Whether a stored row holds any value (a person field whose member was deleted holds none). */
export function hasValue(row: ValueColumns): boolean {
  return row.text !== null || row.number !== null || row.cents !== null || row.date !== null || row.memberId !== null;
}
