/** Small Block Kit builders that apply Slack's length limits, so no caller has to remember them. */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { SLACK_LIMITS, truncate, truncateMrkdwn } from './escape.js';

/** A mrkdwn text object. `text` must already be escaped (see escape.ts). */
export function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text, max) };
}

/** A plain_text object: raw text, never parsed for markup or mentions. */
export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function section(text: string, accessory?: Button): SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...(accessory && { accessory }) };
}

/** A section of up to 10 `*label*\nvalue` fields; values must already be escaped. */
export function fieldsSection(fields: [label: string, value: string][]): SectionBlock {
  return {
    type: 'section',
    fields: fields.slice(0, SLACK_LIMITS.sectionFields).map(([label, value]) => mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.sectionField)),
  };
}

/** A context block of mrkdwn lines (at most 10 elements). */
export function context(...texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((t) => mrkdwn(t, SLACK_LIMITS.contextText)),
  };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(text, SLACK_LIMITS.headerText) };
}

export const divider = (): DividerBlock => ({ type: 'divider' });

export interface ButtonOptions {
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny?: string };
}

/** A button; a `value` over Slack's 2,000 characters is a bug in the caller, so it throws. */
export function button(label: string, actionId: string, opts: ButtonOptions = {}): Button {
  if (opts.value !== undefined && opts.value.length > SLACK_LIMITS.buttonValue) {
    throw new RangeError(`button value for ${actionId} is ${opts.value.length} characters; Slack allows ${SLACK_LIMITS.buttonValue}`);
  }
  return {
    type: 'button',
    text: plain(label, SLACK_LIMITS.buttonText),
    action_id: actionId,
    ...(opts.value !== undefined && { value: opts.value }),
    ...(opts.style && { style: opts.style }),
    ...(opts.confirm && {
      confirm: {
        title: plain(opts.confirm.title, SLACK_LIMITS.confirmTitle),
        text: plain(opts.confirm.text, SLACK_LIMITS.confirmText),
        confirm: plain(opts.confirm.confirm, SLACK_LIMITS.confirmButton),
        deny: plain(opts.confirm.deny ?? 'Cancel', SLACK_LIMITS.confirmButton),
      },
    }),
  };
}

export function actions(elements: Button[]): ActionsBlock {
  return { type: 'actions', elements };
}
