/**
 * Stage gates: what a deal must have before it enters a stage (`/deal stage require Proposal amount
 * close contact`). A stage stores its requirements as a JSON array of requirement keys
 * (Stage.requiredFields); this file is the registry of those keys, the check every stage-changing
 * deal write runs inside its transaction, and the one error a refused move throws.
 *
 * Requirement keys: `amount`, `close`, `contact`, `company`, `owner`, `next`, and `field:<key>`
 * (a deal custom field, met when the deal has a value for it). A gate naming a custom field that
 * was since removed asks for nothing.
 *
 * Fill values (DealService.moveStage's `fill`) are read here in their plain forms, the ones a form
 * gives and the grammar writes: an amount `25000`, `25,000.50 EUR`, `EUR 25000`; a close date
 * `YYYY-MM-DD`; a contact by name or email; a company by name; an owner `@handle`; the next action
 * as text. Natural forms (`25k`, `next friday`) are the grammar's to read (src/bot/commands).
 */
import type { Tx } from '../context.js';
import { DomainError, DomainErrorCode, type GateItemDetail } from '../errors.js';
import { dateOnlySchema } from '../shared/dates.js';
import { isKnownCurrency, minorDigits, type Money } from '../shared/money.js';
import { searchKey } from '../shared/text.js';
import { hasValue } from '../fields/field.values.js';

export type GateInput = GateItemDetail['input'];
/** One thing a gate asks for: its requirement key, the form label, and the kind of input it takes. */
export type GateItem = GateItemDetail;

interface Requirement {
  key: string;
  /** Form label: "Amount". */
  label: string;
  /** In a sentence: "an amount". */
  phrase: string;
  input: GateInput;
  /** The words people type for it (besides the key). */
  words: readonly string[];
}

/** The built-in requirements, in the order a form asks for them. */
export const REQUIREMENTS: readonly Requirement[] = [
  { key: 'amount', label: 'Amount', phrase: 'an amount', input: 'money', words: ['amount', 'value'] },
  { key: 'close', label: 'Close date', phrase: 'a close date', input: 'date', words: ['close', 'close date', 'close-date', 'closedate'] },
  { key: 'contact', label: 'Contact', phrase: 'a contact', input: 'contact', words: ['contact', 'contacts'] },
  { key: 'company', label: 'Company', phrase: 'a company', input: 'company', words: ['company'] },
  { key: 'owner', label: 'Owner', phrase: 'an owner', input: 'person', words: ['owner'] },
  { key: 'next', label: 'Next action', phrase: 'a next action', input: 'text', words: ['next', 'next action', 'next step', 'next-action'] },
];
const BY_KEY = new Map(REQUIREMENTS.map((r) => [r.key, r]));
const FIELD_PREFIX = 'field:';

/** The word list shown when a requirement is not known. */
export const REQUIREMENT_CHOICES = REQUIREMENTS.map((r) => r.key);

/** A stage's stored requirements (Stage.requiredFields); anything unreadable is read as none. */
export function parseRequiredFields(stored: string | null | undefined): string[] {
  try {
    const value: unknown = JSON.parse(stored ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
  } catch {
    return [];
  }
}

export function isCustomRequirement(key: string): boolean {
  return key.startsWith(FIELD_PREFIX);
}

export function customFieldKey(key: string): string {
  return key.slice(FIELD_PREFIX.length);
}

/** The built-in requirement a word names (`close date` → `close`), or undefined. */
export function builtinRequirement(word: string): string | undefined {
  const typed = searchKey(word);
  return REQUIREMENTS.find((r) => r.key === typed || r.words.includes(typed))?.key;
}

interface FieldDef {
  key: string;
  name: string;
  type: string;
  choices: string;
  id: string;
}

async function dealFields(tx: Tx, workspaceId: string, keys?: readonly string[]): Promise<FieldDef[]> {
  if (keys && keys.length === 0) return [];
  return tx.fieldDefinition.findMany({
    where: { workspaceId, entity: 'deal', ...(keys && { key: { in: [...keys] } }) },
    select: { id: true, key: true, name: true, type: true, choices: true },
    orderBy: { position: 'asc' },
  });
}

const FIELD_INPUT: Readonly<Record<string, GateInput>> = {
  text: 'text',
  number: 'number',
  money: 'money',
  date: 'date',
  choice: 'choice',
  person: 'person',
};

function fieldItem(def: FieldDef): GateItem {
  const item: GateItem = { key: `${FIELD_PREFIX}${def.key}`, label: def.name, input: FIELD_INPUT[def.type] ?? 'text' };
  if (def.type === 'choice') item.choices = parseRequiredFields(def.choices);
  return item;
}

/**
 * Requirement keys from what an admin typed (`amount`, `close date`, `source`): built-in words,
 * `field:<key>`, or a deal custom field's key or name. Unknown words are refused with the choices.
 */
export async function readRequirements(tx: Tx, workspaceId: string, typed: readonly string[]): Promise<string[]> {
  const fields = await dealFields(tx, workspaceId);
  const keys: string[] = [];
  for (const word of typed) {
    const builtin = builtinRequirement(word);
    const custom = word.toLowerCase().startsWith(FIELD_PREFIX) ? searchKey(word.slice(FIELD_PREFIX.length)) : searchKey(word);
    const field = builtin ? undefined : fields.find((f) => f.key === custom || searchKey(f.name) === custom);
    const key = builtin ?? (field ? `${FIELD_PREFIX}${field.key}` : undefined);
    if (!key) {
      const choices = [...REQUIREMENT_CHOICES, ...fields.map((f) => f.key)];
      throw new DomainError(DomainErrorCode.InvalidInput, `A stage can’t require “${word}”. It can require: ${choices.join(', ')}.`, {
        field: 'required',
        choices,
      });
    }
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** Labels of requirement keys as people read them ("Amount", "Close date", "Source"). */
export async function requirementLabels(tx: Tx, workspaceId: string, keys: readonly string[]): Promise<string[]> {
  const custom = keys.filter(isCustomRequirement).map(customFieldKey);
  const fields = custom.length ? await dealFields(tx, workspaceId, custom) : [];
  return keys.flatMap((k) => {
    if (!isCustomRequirement(k)) return BY_KEY.get(k)?.label ?? [];
    return fields.find((f) => f.key === customFieldKey(k))?.name ?? [];
  });
}

/** What a gate looks at on a deal. */
export interface GateDeal {
  id: string;
  amountCents: bigint | null;
  expectedCloseDate: Date | null;
  companyId: string | null;
  ownerId: string | null;
  nextAction: string | null;
}

/**
 * What `deal` still lacks to enter a stage that requires `required`, in the registry's order then
 * the custom fields'. Reads inside the caller's transaction.
 */
export async function missingFor(tx: Tx, workspaceId: string, deal: GateDeal, required: readonly string[]): Promise<GateItem[]> {
  if (required.length === 0) return [];
  const missing: GateItem[] = [];
  for (const r of REQUIREMENTS) {
    if (!required.includes(r.key)) continue;
    const met =
      r.key === 'amount'
        ? deal.amountCents !== null
        : r.key === 'close'
          ? deal.expectedCloseDate !== null
          : r.key === 'company'
            ? deal.companyId !== null
            : r.key === 'owner'
              ? deal.ownerId !== null
              : r.key === 'next'
                ? deal.nextAction !== null
                : (await tx.dealContact.count({ where: { dealId: deal.id } })) > 0;
    if (!met) missing.push({ key: r.key, label: r.label, input: r.input });
  }
  const custom = required.filter(isCustomRequirement).map(customFieldKey);
  if (custom.length > 0) {
    const defs = await dealFields(tx, workspaceId, custom);
    // A row holding no value does not meet the gate: a person field whose member was deleted keeps
    // its row with `memberId` set to null (FieldValue.member is SetNull), and the card shows it as unset.
    const rows = await tx.fieldValue.findMany({
      where: { dealId: deal.id, fieldId: { in: defs.map((d) => d.id) } },
      select: { fieldId: true, text: true, textKey: true, number: true, cents: true, currency: true, date: true, memberId: true },
    });
    const have = new Set(rows.filter(hasValue).map((v) => v.fieldId));
    for (const key of custom) {
      const def = defs.find((d) => d.key === key);
      if (def && !have.has(def.id)) missing.push(fieldItem(def));
    }
  }
  return missing;
}

/** "a" or "an" before a field's name: an Account manager, a Source, a Unit price. */
const article = (label: string) => (/^(?!u(?:ni|s[eua]))[aeiou]/i.test(label) ? 'an' : 'a');

/** "an amount, a close date and a contact" */
export function phraseList(items: readonly GateItem[]): string {
  const phrases = items.map((i) => BY_KEY.get(i.key)?.phrase ?? `${article(i.label)} ${i.label}`);
  if (phrases.length <= 1) return phrases[0] ?? '';
  return `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;
}

/** "D-42 can't enter Proposal yet: it needs an amount, a close date and a contact." */
export function gateError(dealRef: string, stage: { id: string; name: string }, missing: GateItem[]): DomainError {
  return new DomainError(DomainErrorCode.StageGate, `${dealRef} can’t enter ${stage.name} yet: it needs ${phraseList(missing)}.`, {
    missing,
    stage: { id: stage.id, name: stage.name },
    deal: dealRef,
    field: missing[0]?.key,
  });
}

const MONEY_TEXT = /^(?:([A-Za-z]{3})\s*)?([$€£¥])?\s*(\d{1,3}(?:[,\s_]\d{3})+|\d+)(?:\.(\d+))?\s*([kKmM])?\s*(?:([A-Za-z]{3}))?$/u;
const SYMBOLS: Readonly<Record<string, string>> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };

/**
 * An amount in its plain form (`25000`, `25,000.50`, `EUR 25000`, `25000 eur`, `€25000`, `40k`), in
 * `defaultCurrency` unless it names one; undefined when it is not one.
 */
export function readPlainMoney(text: string, defaultCurrency: string): Money | undefined {
  const m = MONEY_TEXT.exec(text.trim());
  if (!m) return undefined;
  const [, before, symbol, whole, fraction = '', suffix, after] = m;
  if (before && after) return undefined;
  const code = (before ?? after ?? (symbol ? SYMBOLS[symbol] : undefined) ?? defaultCurrency).toUpperCase();
  if (!isKnownCurrency(code)) return undefined;
  const digits = minorDigits(code);
  const exponent = suffix ? (suffix.toLowerCase() === 'k' ? 3 : 6) : 0;
  const scale = digits + exponent;
  if (fraction.length > scale) return undefined;
  const minor = BigInt((whole ?? '').replace(/[,\s_]/g, '') + fraction.padEnd(scale, '0'));
  if (minor > 10n ** 18n) return undefined;
  return { minor, currency: code };
}

/** A close date in its plain form, `YYYY-MM-DD`; undefined when it is not a real date. */
export function readPlainDate(text: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) return undefined;
  const parsed = dateOnlySchema.safeParse(text.trim());
  return parsed.success ? parsed.data : undefined;
}

/** The refusal for a fill value that can't be read: names it and says what form it takes. */
export function badFill(item: { key: string; label: string }, value: string, expected: string): DomainError {
  return new DomainError(DomainErrorCode.InvalidInput, `${item.label}: I can’t read “${value}” as ${expected}.`, { field: item.key });
}
