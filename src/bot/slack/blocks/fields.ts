/**
 * Custom fields on a Slack card (deal, contact, company): sections of `*Name*\nvalue` fields,
 * at most 10 fields a section (Block Kit's limit), each field's text well under its 2,000
 * characters. Names and values are people's words: escaped (escape.ts). And the same fields as
 * the inputs of a form (the deal edit modal).
 */
import type { InputBlock, InputBlockElement, PlainTextOption, SectionBlock } from '@slack/types';
import type { FieldDefinitionView, FieldLine } from '../../../domain/fields/field.view.js';
import { DEAL_FIELD_BLOCK_PREFIX, DEAL_FIELD_INPUT } from '../ids.js';
import { escapeMrkdwn, SLACK_LIMITS, truncate } from './escape.js';
import { fieldsSection, plain } from './parts.js';

/** Characters of a field's value on a card (a text field holds 500; escaping may triple it). */
export const FIELD_VALUE_MAX = 500;
/** Characters of a field's name (names hold 50). */
export const FIELD_NAME_MAX = 50;

/** The record's custom fields, ten a section; none when the workspace has none. */
export function customFieldSections(lines: readonly FieldLine[]): SectionBlock[] {
  const sections: SectionBlock[] = [];
  for (let i = 0; i < lines.length; i += SLACK_LIMITS.sectionFields) {
    sections.push(
      fieldsSection(
        lines
          .slice(i, i + SLACK_LIMITS.sectionFields)
          .map((l): [string, string] => [escapeMrkdwn(truncate(l.name, FIELD_NAME_MAX)), l.value === null ? '—' : escapeMrkdwn(truncate(l.display, FIELD_VALUE_MAX))]),
      ),
    );
  }
  return sections;
}

/** A person field's value in a form: their Slack user id (a users select's initial user). */
export type SlackUserOf = (line: FieldLine) => string | undefined;

/**
 * The record's custom fields as optional inputs of a form (the deal edit modal), each holding its
 * value: text and money as they read back (`2000 EUR`), a number, a date picker, a select of the
 * choices (with "— none —" to clear it), a people picker. Emptying an input clears the field.
 */
export function customFieldInputs(defs: readonly FieldDefinitionView[], lines: readonly FieldLine[], slackUserOf: SlackUserOf): InputBlock[] {
  return defs.slice(0, FIELD_INPUTS_MAX).map((def) => {
    const line = lines.find((l) => l.key === def.key);
    const value = line?.value ?? null;
    return {
      type: 'input',
      optional: true,
      block_id: `${DEAL_FIELD_BLOCK_PREFIX}${def.key}`.slice(0, SLACK_LIMITS.blockId),
      label: plain(def.name, SLACK_LIMITS.inputLabel),
      element: { ...fieldElement(def, value, line ? slackUserOf(line) : undefined), action_id: DEAL_FIELD_INPUT } as InputBlockElement,
    };
  });
}

/** At most this many fields in a form (a kind of record holds 30; a modal 100 blocks). */
export const FIELD_INPUTS_MAX = 40;

/** The value that clears a choice field in a select. */
export const NO_CHOICE = '-';

function fieldElement(def: FieldDefinitionView, value: string | number | null, slackUser: string | undefined): Record<string, unknown> {
  switch (def.type) {
    case 'date':
      return { type: 'datepicker', ...(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && { initial_date: value }) };
    case 'person':
      return { type: 'users_select', ...(slackUser && /^[UW][A-Z0-9]+$/.test(slackUser) && { initial_user: slackUser }) };
    case 'choice': {
      const options: PlainTextOption[] = [
        { text: plain('— none —', SLACK_LIMITS.optionText), value: NO_CHOICE },
        ...def.choices.filter((c) => c.length <= SLACK_LIMITS.optionValue).map((c) => ({ text: plain(c, SLACK_LIMITS.optionText), value: c })),
      ].slice(0, SLACK_LIMITS.staticOptions);
      const initial = options.find((o) => value !== null && o.value === value);
      return { type: 'static_select', options, ...(initial && { initial_option: initial }) };
    }
    case 'number':
      return { type: 'plain_text_input', max_length: 40, ...(value !== null && { initial_value: String(value).slice(0, 40) }), placeholder: plain('12 or 1,500.5', SLACK_LIMITS.placeholder) };
    case 'money':
      return { type: 'plain_text_input', max_length: 50, ...(value !== null && { initial_value: String(value).slice(0, 50) }), placeholder: plain('1,500, €2,000, 25k EUR', SLACK_LIMITS.placeholder) };
    default:
      return { type: 'plain_text_input', max_length: FIELD_TEXT_MAX, ...(value !== null && { initial_value: String(value).slice(0, FIELD_TEXT_MAX) }) };
  }
}

/** A text field's longest value (FIELD_LIMITS.text). */
const FIELD_TEXT_MAX = 500;
