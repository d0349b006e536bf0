/** Small Block Kit builders that apply Slack's length limits, so no caller has to remember them. */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
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

/** The longest one line of a list may be (mrkdwn), so that a few lines always fit in a section. */
export const LIST_LINE_MAX = 1000;

/**
 * A heading and as many lines as fit in one section (Slack's 3,000 characters), each line cut to
 * LIST_LINE_MAX with `…`. Lines that do not fit are never dropped silently: `more(n)` gets how
 * many are not shown (the ones that did not fit plus `hidden`, those the caller never had) and
 * its text ends the section. `more` is only called when n > 0; lines and `more` must be escaped.
 */
export function linesSection(head: string, lines: string[], opts: { hidden?: number; more: (notShown: number) => string; empty?: string }): SectionBlock {
  const max = SLACK_LIMITS.sectionText;
  const hidden = opts.hidden ?? 0;
  const cut = lines.map((l) => truncateMrkdwn(l, LIST_LINE_MAX));
  // Reserve room for the "more" line as if every line were left out: its text only grows with n.
  const reserve = `\n${opts.more(cut.length + hidden)}`.length;
  let body = head;
  let shown = 0;
  for (const line of cut) {
    const remaining = cut.length - shown - 1 + hidden;
    const room = max - (remaining > 0 ? reserve : 0);
    if (`${body}\n${line}`.length > room) break;
    body = `${body}\n${line}`;
    shown++;
  }
  if (lines.length === 0 && opts.empty) body = `${body}\n${opts.empty}`;
  const notShown = cut.length - shown + hidden;
  if (notShown > 0) body = `${body}\n${opts.more(notShown)}`;
  return { type: 'section', text: mrkdwn(body) };
}

/**
 * At most `max` blocks: when there are more, the last place says how many were left out, so a
 * cap never drops content without saying so.
 */
export function capBlocks(blocks: KnownBlock[], max: number, what = 'item'): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const left = blocks.length - (max - 1);
  return [...blocks.slice(0, max - 1), context(`…and ${left} more ${left === 1 ? what : `${what}s`} not shown: Slack shows ${max} at most.`)];
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
