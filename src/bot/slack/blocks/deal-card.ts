/** One deal as a Slack card: what it is, where it stands, what happens next, and buttons to act. */
import type { Button, KnownBlock, MultiExternalSelect, SectionBlock } from '@slack/types';
import { eventWords, fieldLabel, type DealDetailView, type DealView, type TimelineEntry } from '../../../domain/deals/deal.view.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { dealAssistantButtons, type AssistantButton } from '../../../domain/assistant/assistant.view.js';
import { ACTIONS, DEAL_CONTACTS_BLOCK_PREFIX } from '../ids.js';
import { contactOption } from './modals.js';
import { customFieldSections } from './fields.js';
import { assistantButtons } from './assistant.js';
import { encodeDealValue } from './deal-value.js';
import { escapeControl, escapeMrkdwn, SLACK_LIMITS, truncate, truncateMrkdwn } from './escape.js';
import { formatDaysAgo } from '../../format.js';
import { dateFormatter, dealTitleLine, nextActionText, personText, type Clock } from './deal-text.js';
import { actions, button, context, fieldsSection, mrkdwn, plain, section } from './parts.js';

export interface DealCardOptions extends Clock {
  /** Adds "Share to channel" (for replies only the person who asked can see). */
  shareable?: boolean;
  /** What just happened: "Created D-42." */
  headline?: string;
  /** What did not happen, and why ("D-4 is already in Proposal; nothing changed."); our own text, may contain `code`. */
  notice?: string;
  /** What to do next; our own text, may contain `code`. */
  hint?: string;
  /** The assistant's buttons (Draft follow-up, Summarise) from `dealAssistantButtons`; none when off. */
  assistantButtons?: AssistantButton[];
}

const TIMELINE_ENTRIES = 5;

export function dealCardBlocks(deal: DealView | DealDetailView, opts: DealCardOptions): KnownBlock[] {
  const date = dateFormatter(opts);
  const blocks: KnownBlock[] = [];
  if (opts.notice) blocks.push(section(`:information_source: ${escapeControl(opts.notice)}`));
  if (opts.headline) blocks.push(section(`:white_check_mark: ${escapeMrkdwn(opts.headline)}`));
  blocks.push(section(dealTitleLine(deal) + (deal.archived ? '  _(archived)_' : '')));

  const next = deal.nextAction
    ? nextActionText(deal.nextAction, date)
    : deal.status === 'open'
      ? ':warning: none yet'
      : '—';
  const fields: [string, string][] = [
    ['Company', deal.company ? escapeMrkdwn(deal.company.name) : '—'],
    ['Amount', deal.amountText ? escapeMrkdwn(deal.amountText) : '—'],
    ['Stage', escapeMrkdwn(deal.stage.name) + (deal.status === 'open' ? ` (${deal.stage.probability}%)` : '')],
    ['Owner', personText(deal.owner)],
    ['Close date', deal.expectedCloseDate ? date(deal.expectedCloseDate) : '—'],
    ['Next action', next],
    ['Last activity', formatDaysAgo(deal.daysSinceActivity)],
  ];
  if (deal.status === 'lost') fields.push(['Lost reason', deal.lostReason ? escapeMrkdwn(deal.lostReason) : '—']);
  blocks.push(fieldsSection(fields));
  if ('fields' in deal) blocks.push(...customFieldSections(deal.fields));

  if ('contacts' in deal) blocks.push(contactsSection(deal));
  if ('timeline' in deal && deal.timeline.length) {
    const lines = deal.timeline.slice(0, TIMELINE_ENTRIES).map((e) => timelineLine(e, opts, date));
    blocks.push(context(`*Recent activity*\n${lines.join('\n')}`));
  }
  if (opts.hint) blocks.push(context(escapeControl(opts.hint)));
  blocks.push(actions([...dealButtons(deal, opts.shareable ?? false), ...assistantButtons(opts.assistantButtons ?? [])]));
  return blocks;
}

/** The most contacts the card's select starts with (Slack's option lists hold 100). */
const CONTACT_OPTIONS_MAX = 100;

/**
 * The deal's contacts, listed, with a "Contacts" multi-select beside them: picking or removing
 * one adds it to the deal or takes it off (listeners/actions/record-buttons.ts). Selects carry no
 * value, so the block id names the deal.
 */
function contactsSection(deal: DealDetailView): SectionBlock {
  const people = deal.contacts.map((c) => escapeMrkdwn(truncate(c.email ? `${c.name} (${c.email})` : c.name, 300)));
  const select: MultiExternalSelect = {
    type: 'multi_external_select',
    action_id: ACTIONS.dealContacts,
    min_query_length: 1,
    placeholder: plain('Add or remove contacts', SLACK_LIMITS.placeholder),
    ...(deal.contacts.length && { initial_options: deal.contacts.slice(0, CONTACT_OPTIONS_MAX).map((c) => contactOption(c)) }),
  };
  return {
    type: 'section',
    block_id: `${DEAL_CONTACTS_BLOCK_PREFIX}${deal.id}`.slice(0, SLACK_LIMITS.blockId),
    text: mrkdwn(`*Contacts:* ${people.length ? people.join(', ') : '_none yet_'}`),
    accessory: select,
  };
}

/**
 * Won, Lost, Advance and Set next action only make sense on open deals (the domain refuses a next
 * action on a closed deal); anyone can log an activity on or edit any deal. Advance and Won carry
 * the deal and the stage shown (deal-value.ts), so a repeated click changes nothing; the others,
 * which open a modal, carry the deal id.
 */
export function dealButtons(deal: DealView, shareable: boolean): Button[] {
  const value = deal.id;
  const fromHere = encodeDealValue({ dealId: deal.id, stage: deal.stage.key });
  const open = deal.status === 'open';
  return [
    ...(open
      ? [
          button('Advance stage', ACTIONS.advanceStage, { value: fromHere, style: 'primary' }),
          button('Won', ACTIONS.markWon, {
            value: fromHere,
            confirm: { title: 'Mark as won?', text: `${deal.ref} moves to the won stage.`, confirm: 'Mark won' },
          }),
          button('Lost', ACTIONS.markLost, { value, style: 'danger' }),
          button('Set next action', ACTIONS.setNextAction, { value }),
        ]
      : []),
    button('Log activity', ACTIONS.logActivity, { value }),
    button('Edit', ACTIONS.editDeal, { value }),
    ...(shareable ? [button('Share to channel', ACTIONS.shareToChannel, { value })] : []),
  ];
}

/**
 * A deal card as a whole message (what `replyBlocks` gives a deal reply), with a `notice` when an
 * action changed nothing, and the assistant's buttons when the workspace has them on.
 */
export function dealMessage(
  deal: DealView | DealDetailView,
  opts: Omit<DealCardOptions, 'assistantButtons'> & { assistant?: boolean },
): { text: string; blocks: KnownBlock[] } {
  const text = escapeMrkdwn(opts.notice ?? opts.headline ?? `${deal.ref} ${deal.title}`);
  return {
    text: truncateMrkdwn(text, SLACK_LIMITS.fallbackText),
    blocks: dealCardBlocks(deal, { ...opts, assistantButtons: dealAssistantButtons(deal, opts.assistant ?? false) }),
  };
}

/** `• Fri, Nov 27 · Alice Adams · call: Talked pricing (source)`, as the console's timeline says. */
function timelineLine(e: TimelineEntry, clock: Clock, date: (d: string) => string): string {
  const when = date(todayIn(clock.timeZone, e.at));
  const what =
    e.kind === 'activity'
      ? `${escapeMrkdwn(e.type)}: ${escapeMrkdwn(truncate(oneLine(e.body ?? ''), 150))}${e.sourceUrl ? ` ${link(e.sourceUrl, 'source')}` : ''}`
      : e.field === 'contact'
        ? e.to
          ? `added contact ${escapeMrkdwn(truncate(e.to, 80))}`
          : `removed contact ${escapeMrkdwn(truncate(e.from ?? '—', 80))}`
        : e.field
          ? `${humanise(e.field)}: ${escapeMrkdwn(truncate(e.from ?? '—', 80))} → ${escapeMrkdwn(truncate(e.to ?? '—', 80))}`
          : escapeMrkdwn(truncate(eventWords(e), 300));
  return `• ${[when, e.actor ? escapeMrkdwn(e.actor) : undefined, what].filter(Boolean).join(' · ')}`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** `nextAction` → `next action`, `expectedCloseDate` → `close date` (the domain's labels). */
const humanise = (field: string) => escapeMrkdwn(fieldLabel(field) ?? field);

/** A link only for http(s) URLs; `|` and `>` cannot appear inside Slack's `<url|label>`. */
function link(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return '';
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return '';
  }
  return `<${escapeControl(href).replaceAll('|', '%7C')}|${label}>`;
}
