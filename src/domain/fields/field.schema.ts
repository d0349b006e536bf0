/**
 * Custom fields: what an admin defines (a name, a type, choices) and the limits that keep every
 * card and modal inside the platforms' limits whatever is defined.
 */
import { z } from 'zod';
import { lineText, searchKey } from '../shared/text.js';

export const FIELD_ENTITIES = ['deal', 'contact', 'company'] as const;
export type FieldEntity = (typeof FIELD_ENTITIES)[number];

export const FIELD_TYPES = ['text', 'number', 'money', 'date', 'choice', 'person'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_LIMITS = {
  /** A field's name, as shown on cards (a Slack field label, an Adaptive Card fact title). */
  name: 50,
  /** A key (`source`, `renewal_date`): what filters and commands type. */
  key: 40,
  /** Fields per kind of record: at 10 per Slack fields section, three sections on a card at most. */
  perEntity: 30,
  /** Choices of a choice field (a Slack static select holds 100; a chat list stays readable). */
  choices: 50,
  /** One choice's name (a Slack option's text holds 75). */
  choice: 75,
  /** A text value (one line; `textKey` is indexed on both databases). */
  text: 500,
} as const;

/** The words a record already has, per kind: a custom field may not take them (filters and gates read them). */
export const RESERVED_KEYS: Readonly<Record<FieldEntity, readonly string[]>> = {
  deal: ['title', 'amount', 'stage', 'owner', 'company', 'contact', 'contacts', 'close', 'close_date', 'next', 'next_action', 'status', 'pipeline', 'ref', 'id'],
  contact: ['name', 'email', 'phone', 'title', 'company', 'owner', 'id'],
  company: ['name', 'domain', 'owner', 'id'],
};

/** The key a field's name gives: lower case, accents off, anything but letters and digits one `_`. */
export function fieldKey(name: string): string {
  return searchKey(name)
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, FIELD_LIMITS.key)
    .replace(/_+$/, '');
}

/** What each type accepts, as a refusal shows it. */
export const TYPE_EXAMPLES: Readonly<Record<FieldType, string>> = {
  text: 'any words, e.g. Trade show',
  number: 'a number, e.g. 12 or 1,500.5',
  money: 'an amount, e.g. 1,500, €2,000 or 25k EUR',
  date: 'a date, e.g. 2027-01-15, next friday or end of month',
  choice: 'one of its choices',
  person: 'a person, e.g. @maria (or me)',
};

/** "a choice field", "an amount field": the type in words. */
export const TYPE_WORDS: Readonly<Record<FieldType, string>> = {
  text: 'a text field',
  number: 'a number field',
  money: 'a money field',
  date: 'a date field',
  choice: 'a choice field',
  person: 'a person field',
};

const choiceSchema = lineText(FIELD_LIMITS.choice, 'a choice can’t be empty');

export const defineFieldSchema = z
  .object({
    entity: z.enum(FIELD_ENTITIES),
    name: lineText(FIELD_LIMITS.name, 'a field needs a name'),
    type: z.enum(FIELD_TYPES),
    choices: z.array(choiceSchema).max(FIELD_LIMITS.choices, `at most ${FIELD_LIMITS.choices} choices`).optional(),
  })
  .superRefine((input, ctx) => {
    const choices = input.choices ?? [];
    if (input.type === 'choice' && choices.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a choice field needs its choices, e.g. Inbound, Outbound, Partner' });
    }
    if (input.type !== 'choice' && choices.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: `only a choice field has choices; ${TYPE_WORDS[input.type]} has none` });
    }
    const seen = new Set<string>();
    for (const c of choices) {
      const k = searchKey(c);
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['choices'], message: `“${c}” is there twice` });
      seen.add(k);
    }
  });
export type DefineFieldInput = z.input<typeof defineFieldSchema>;

/** Custom-field filters of a list (`source=partner`, `renewal>2027-01-01`): all must hold. */
export const fieldFiltersSchema = z
  // Small enough that five of them, with the scope, fit in a Slack button's value (a list's Next page).
  .array(z.object({ key: z.string().trim().min(1).max(60, 'a field key of at most 60 characters'), op: z.enum(['=', '>', '<', '>=', '<=']), value: z.string().max(200, 'a filter value of at most 200 characters') }))
  .max(5, 'at most 5 filters')
  .optional();
