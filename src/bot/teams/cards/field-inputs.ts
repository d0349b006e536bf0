/**
 * A record's custom fields as the inputs of a dialog (the deal edit dialog), each holding its
 * value: text, number and money as text inputs (money as it reads back, `2000 EUR`), a date
 * picker, a ChoiceSet of the choices (with "— none —" to clear it), and for a person a ChoiceSet of
 * the workspace's people (as `@handle`) or, when there are too many to list, a text input for
 * `@name`. Emptying an input clears its field. A refusal about one field is shown right under it.
 *
 * Teams refuses a card over about 28 KB (limits.ts). A record holds 30 fields, a choice field 50
 * choices of 75 characters: when the whole form would not fit, people pickers become text inputs,
 * then the largest choice lists do (the typed choice is matched in any case, a typo answered with
 * the nearest), and only then are the last fields left out of the form, counted; a field left out
 * is not submitted, so it keeps its value.
 */
import type { FieldDefinitionView, FieldLine } from '../../../domain/fields/field.view.js';
import { plural } from '../../format.js';
import { FIELD_INPUT_PREFIX } from '../ids.js';
import { fitsCard } from './limits.js';
import { choices, inputDate, inputText, text, type AdaptiveCard, type CardElement } from './parts.js';
import { escapeMarkdown, truncate } from './text.js';

/** The input id of a custom field in a form: `field:source`. */
export const fieldInputId = (key: string) => `${FIELD_INPUT_PREFIX}${key}`;

/** The value a choice set submits for "no value" (it clears the field, as `-` typed does). */
export const NO_CHOICE = '-';
/** People listed in a person field's picker; a workspace with more gets a text input for `@name`. */
export const PEOPLE_CHOICES = 50;
/** Characters of a text field's value (FIELD_LIMITS.text). */
const TEXT_MAX = 500;

const PLACEHOLDERS: Readonly<Partial<Record<FieldDefinitionView['type'], string>>> = {
  number: '12 or 1,500.5',
  money: '1,500, €2,000 or 25k EUR',
  person: '@name, or me',
  choice: 'Type one of its choices',
};

/** A person a picker offers: their name, valued `@handle` (as a field reads it back). */
export interface PersonChoice {
  title: string;
  value: string;
}

export interface FieldInputsOptions {
  /** The workspace's people for person fields; undefined (or more than PEOPLE_CHOICES) gives a text input. */
  people?: readonly PersonChoice[];
  /** What was typed, by field key (a form shown again keeps it). */
  values?: Readonly<Record<string, string>>;
  /** A refusal by field key, shown under its input. */
  errors?: Readonly<Record<string, string>>;
}

interface Plain {
  /** Field keys whose picker (people or choices) is a text input instead. */
  asText: ReadonlySet<string>;
  /** How many fields the form holds (the rest are counted). */
  shown: number;
}

/**
 * One field's input holding `value`. A value a picker does not list (a person not among the people
 * listed) is added to it, so that saving the form never clears what the person did not touch.
 */
function input(def: FieldDefinitionView, value: string | undefined, shown: string | undefined, people: readonly PersonChoice[] | undefined, asText: boolean): CardElement {
  const id = fieldInputId(def.key);
  const label = truncate(def.name, 50);
  if (def.type === 'date') return inputDate(id, { label, ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) && { value }) });
  const picker = (none: string, list: { title: string; value: string }[]) => {
    const all = [{ title: none, value: NO_CHOICE }, ...list];
    if (value !== undefined && value !== '' && !all.some((c) => c.value === value)) all.push({ title: truncate(shown ?? value, 80), value });
    return choices(id, { label, choices: all, value: value === undefined || value === '' ? NO_CHOICE : value });
  };
  if (def.type === 'choice' && !asText) return picker('— none —', def.choices.map((c) => ({ title: c, value: c })));
  if (def.type === 'person' && !asText && people && people.length <= PEOPLE_CHOICES) {
    return picker('— nobody —', people.map((p) => ({ title: truncate(p.title, 80), value: p.value })));
  }
  const placeholder = PLACEHOLDERS[def.type];
  return inputText(id, { label, ...(value !== undefined && { value }), ...(placeholder && { placeholder }), maxLength: TEXT_MAX });
}

/** The inputs of `defs` (all of them, or as many as `plain.shown`), each with its error under it. */
function inputs(defs: readonly FieldDefinitionView[], lines: readonly FieldLine[], opts: FieldInputsOptions, plain: Plain): CardElement[] {
  const out: CardElement[] = [];
  for (const def of defs.slice(0, plain.shown)) {
    const typed = opts.values?.[def.key];
    const line = lines.find((l) => l.key === def.key);
    const stored = line?.value === null || line?.value === undefined ? undefined : String(line.value);
    const value = typed ?? stored;
    out.push(input(def, value, value === stored ? line?.display : undefined, opts.people, plain.asText.has(def.key)));
    const error = opts.errors?.[def.key];
    if (error) out.push(text(`⚠️ ${escapeMarkdown(truncate(error, 600))}`, { color: 'Attention', size: 'Small', spacing: 'None' }));
  }
  const rest = defs.length - plain.shown;
  if (rest > 0) {
    out.push(
      text(escapeMarkdown(`…and ${plural(rest, 'more custom field')} (a Teams form holds no more): set them with deal set.`), { size: 'Small', subtle: true }),
    );
  }
  return out;
}

/**
 * The card `build` makes with the fields' inputs, as rich as fits: every picker; else people as
 * text; else the largest choice lists as text, one at a time; else the first fields that fit.
 */
export function withFittingFieldInputs(
  defs: readonly FieldDefinitionView[],
  lines: readonly FieldLine[],
  opts: FieldInputsOptions,
  build: (inputs: CardElement[]) => AdaptiveCard,
): AdaptiveCard {
  const attempt = (plain: Plain) => build(inputs(defs, lines, opts, plain));
  const asText = new Set<string>();
  let built = attempt({ asText, shown: defs.length });
  if (fitsCard(built)) return built;
  for (const def of defs) if (def.type === 'person') asText.add(def.key);
  built = attempt({ asText, shown: defs.length });
  if (fitsCard(built)) return built;
  const bySize = defs.filter((d) => d.type === 'choice').sort((a, b) => b.choices.join('').length - a.choices.join('').length);
  for (const def of bySize) {
    asText.add(def.key);
    built = attempt({ asText, shown: defs.length });
    if (fitsCard(built)) return built;
  }
  for (let shown = defs.length - 1; shown >= 0; shown--) {
    built = attempt({ asText, shown });
    if (fitsCard(built) || shown === 0) return built;
  }
  return built;
}

/**
 * A submitted form's custom fields: each `field:<key>` input's value as typed ('' or NO_CHOICE
 * clears it). Inputs a form did not hold are not there, so their fields keep their values.
 */
export function submittedFieldValues(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!data || typeof data !== 'object') return out;
  for (const [id, value] of Object.entries(data as Record<string, unknown>)) {
    if (!id.startsWith(FIELD_INPUT_PREFIX) || typeof value !== 'string') continue;
    const key = id.slice(FIELD_INPUT_PREFIX.length);
    if (key === '' || key.length > 60 || Object.keys(out).length >= SUBMITTED_MAX) continue;
    out[key] = value === NO_CHOICE ? '' : value.trim().slice(0, VALUE_MAX);
  }
  return out;
}

/** At most this many fields read from one submission (a record holds 30). */
const SUBMITTED_MAX = 30;
/** Characters of a submitted value kept (longer than any field holds; the domain says so in its words). */
const VALUE_MAX = 1000;
