/**
 * Custom fields on a Slack card (deal, contact, company): sections of `*Name*\nvalue` fields,
 * at most 10 fields a section (Block Kit's limit), each field's text well under its 2,000
 * characters. Names and values are people's words: escaped (escape.ts).
 */
import type { SectionBlock } from '@slack/types';
import type { FieldLine } from '../../../domain/fields/field.view.js';
import { escapeMrkdwn, SLACK_LIMITS, truncate } from './escape.js';
import { fieldsSection } from './parts.js';

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
