/**
 * Custom fields on an Adaptive Card (deal, contact, company): one FactSet, names and values
 * escaped. A record may have 30 fields of 500 characters, which with the rest of a full card
 * would pass Teams' 28 KB (limits.ts): values are cut to FIELD_VALUE_MAX characters, then shorter,
 * and only then are the last fields left out, counted ("…and 4 more custom fields").
 */
import type { FieldLine } from '../../../domain/fields/field.view.js';
import { plural } from '../../format.js';
import { fitRows, fitsCard } from './limits.js';
import { facts, text, type AdaptiveCard, type CardElement } from './parts.js';
import { escapeMarkdown, truncate } from './text.js';

/** Characters of a field's value on a card (a text field holds 500; the card has other things to say). */
export const FIELD_VALUE_MAX = 150;
/** How short values get before fields are left out, when a card would not fit otherwise. */
export const FIELD_VALUE_SHORT = 40;
/** Characters of a field's name (names hold 50). */
export const FIELD_NAME_MAX = 50;

/** The record's custom fields as facts (the first `shown`, the rest counted); nothing when there are none. */
export function customFieldFacts(lines: readonly FieldLine[], opts: { shown?: number; valueMax?: number } = {}): CardElement[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, opts.shown ?? lines.length);
  const valueMax = opts.valueMax ?? FIELD_VALUE_MAX;
  const out: CardElement[] = [];
  if (shown.length > 0) {
    out.push(facts(shown.map((l): [string, string] => [escapeMarkdown(truncate(l.name, FIELD_NAME_MAX)), l.value === null ? '—' : escapeMarkdown(truncate(l.display, valueMax))])));
  }
  const rest = lines.length - shown.length;
  if (rest > 0) out.push(text(`…and ${plural(rest, 'more custom field')} (a Teams card holds no more)`, { size: 'Small', subtle: true, spacing: 'None' }));
  return out;
}

/**
 * The card `build` makes with the record's fields, as many and as long as fit: all at full
 * length when they fit, else shorter values, else the first ones that fit.
 */
export function withFittingFields(lines: readonly FieldLine[], build: (fields: CardElement[]) => AdaptiveCard): AdaptiveCard {
  if (lines.length === 0) return build([]);
  for (const valueMax of [FIELD_VALUE_MAX, FIELD_VALUE_SHORT]) {
    const built = build(customFieldFacts(lines, { valueMax }));
    if (fitsCard(built)) return built;
  }
  return fitRows(lines.length, (shown) => ({ card: build(customFieldFacts(lines, { shown, valueMax: FIELD_VALUE_SHORT })) })).card;
}
