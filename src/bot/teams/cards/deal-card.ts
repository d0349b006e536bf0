/**
 * One deal as an Adaptive Card: what it is, where it stands, what happens next, and the same
 * buttons as Slack's deal card (advance stage, won, lost, set next action, log activity, and the
 * assistant's). Won, lost, next action and log unfold a small form inside the card; every button
 * is an `Action.Execute`, so the card is replaced in place by the bot's answer.
 */
import type { AssistantButton } from '../../../domain/assistant/assistant.view.js';
import { fieldLabel, type DealDetailView, type DealView, type TimelineEntry } from '../../../domain/deals/deal.view.js';
import { ACTIVITY_TYPES } from '../../../domain/activities/activity.schema.js';
import { todayIn } from '../../../domain/shared/dates.js';
import { formatDaysAgo, plural } from '../../format.js';
import { TEAMS_CARD_LIMITS } from './limits.js';
import { contactPicker } from './records.js';
import { customFieldFacts, withFittingFields } from './fields.js';
import { ASSISTANT_VERBS, DIALOGS, INPUTS, VERBS } from '../ids.js';
import { card, choices, execute, facts, inputDate, inputText, openDialog, showCard, text, type AdaptiveCard, type CardAction, type CardElement } from './parts.js';
import {
  dateFormatter,
  dealTitleLine,
  escapeMarkdown,
  link,
  nextActionText,
  oneLine,
  ourText,
  personText,
  truncate,
  type Clock,
} from './text.js';

export interface DealCardOptions extends Clock {
  /** What just happened: "Created D-42." */
  headline?: string;
  /** What did not happen (an action on the card failed): shown as a warning above the deal. */
  notice?: string;
  /** What to do next; our own text, may contain `code`. */
  hint?: string;
  /** The assistant's buttons (Draft follow-up, Summarise) from `dealAssistantButtons`; none when off. */
  assistantButtons?: AssistantButton[];
}

const TIMELINE_ENTRIES = 5;

export function dealCard(deal: DealView | DealDetailView, opts: DealCardOptions): AdaptiveCard {
  const actions = [...dealActions(deal), ...assistantActions(opts.assistantButtons ?? [])];
  return withFittingFields('fields' in deal ? deal.fields : [], (fields) => card(dealCardBody(deal, opts, fields), actions, fallbackOf(deal, opts.headline)));
}

/** `fields`: the custom fields' elements (customFieldFacts); all of the deal's when absent. */
export function dealCardBody(deal: DealView | DealDetailView, opts: DealCardOptions, fields?: CardElement[]): CardElement[] {
  const date = dateFormatter(opts);
  const body: CardElement[] = [];
  if (opts.notice) body.push(text(`⚠️ ${escapeMarkdown(opts.notice)}`, { color: 'Attention' }));
  if (opts.headline) body.push(text(`✅ ${escapeMarkdown(opts.headline)}`, { color: 'Good' }));
  body.push(text(dealTitleLine(deal) + (deal.archived ? '  _(archived)_' : ''), { weight: 'Bolder', size: 'Medium' }));

  const next = deal.nextAction ? nextActionText(deal.nextAction, date) : deal.status === 'open' ? '⚠️ none yet' : '—';
  const list: [string, string][] = [
    ['Company', deal.company ? escapeMarkdown(deal.company.name) : '—'],
    ['Amount', deal.amountText ? escapeMarkdown(deal.amountText) : '—'],
    ['Stage', escapeMarkdown(deal.stage.name) + (deal.status === 'open' ? ` (${deal.stage.probability}%)` : '')],
    ['Owner', personText(deal.owner)],
    ['Close date', deal.expectedCloseDate ? date(deal.expectedCloseDate) : '—'],
    ['Next action', next],
    ['Last activity', formatDaysAgo(deal.daysSinceActivity)],
  ];
  if (deal.status === 'lost') list.push(['Lost reason', deal.lostReason ? escapeMarkdown(truncate(deal.lostReason, TEAMS_CARD_LIMITS.reason)) : '—']);
  body.push(facts(list));
  body.push(...(fields ?? ('fields' in deal ? customFieldFacts(deal.fields) : [])));

  if ('contacts' in deal) {
    // A few, each cut short, and a count of the rest: a deal may have 50 contacts.
    const shown = deal.contacts.slice(0, TEAMS_CARD_LIMITS.contacts);
    const people = shown.map((c) => escapeMarkdown(truncate(c.email ? `${c.name} (${c.email})` : c.name, TEAMS_CARD_LIMITS.contactText)));
    const rest = deal.contacts.length - shown.length;
    const list = people.length ? `${people.join(', ')}${rest > 0 ? ` …and ${plural(rest, 'more contact')}` : ''}` : '_none yet_';
    body.push(text(`**Contacts:** ${list}`, { size: 'Small' }));
  }
  if ('timeline' in deal && deal.timeline.length) {
    const lines = deal.timeline.slice(0, TIMELINE_ENTRIES).map((e) => timelineLine(e, opts, date));
    body.push(text('**Recent activity**', { size: 'Small', spacing: 'Medium' }), text(lines.join('\n\n'), { size: 'Small', subtle: true, spacing: 'None' }));
  }
  if (opts.hint) body.push(text(ourText(opts.hint), { size: 'Small', subtle: true }));
  return body;
}

/**
 * Won, Lost, Advance and Set next action only make sense on open deals (the domain refuses a next
 * action on a closed deal); anyone can log an activity on any deal. The same rule as Slack's card.
 */
export function dealActions(deal: DealView): CardAction[] {
  const dealId = deal.id;
  const open = deal.status === 'open';
  const logForm = showCard(
    'Log activity',
    [
      choices(INPUTS.activityType, {
        label: 'Type',
        value: 'call',
        choices: ACTIVITY_TYPES.map((t) => ({ title: t.charAt(0).toUpperCase() + t.slice(1), value: t })),
      }),
      inputText(INPUTS.body, { label: 'What happened', multiline: true, maxLength: 4000, required: true, errorMessage: 'Say what happened.' }),
    ],
    [execute('Log', VERBS.logActivity, { dealId }, { style: 'positive' })],
  );
  // Teams only: editing the title, amount, company and close date in a dialog (in the overflow menu).
  const edit = openDialog('Edit deal', { dialog: DIALOGS.editDeal, dealId }, { mode: 'secondary' });
  const contacts = 'contacts' in deal ? [contactsForm(deal as DealDetailView)] : [];
  if (!open) return [logForm, ...contacts, edit];
  return [
    execute('Advance stage', VERBS.advanceStage, { dealId, stage: deal.stage.key }, { style: 'positive' }),
    showCard('Won', [text(`${escapeMarkdown(deal.ref)} moves to the won stage.`)], [execute('Mark won', VERBS.markWon, { dealId }, { style: 'positive' })]),
    showCard(
      'Lost',
      [inputText(INPUTS.reason, { label: 'Why was it lost?', maxLength: 500, required: true, errorMessage: 'Say why the deal was lost.' })],
      [execute('Mark lost', VERBS.markLost, { dealId }, { style: 'destructive' })],
    ),
    showCard(
      'Set next action',
      [
        inputText(INPUTS.nextAction, { label: 'Next action', value: deal.nextAction?.text, maxLength: 500, required: true, errorMessage: 'Say what the next action is.' }),
        inputDate(INPUTS.due, { label: 'Due', value: deal.nextAction?.due ?? undefined }),
      ],
      [execute('Save', VERBS.setNextAction, { dealId }, { style: 'positive' })],
    ),
    logForm,
    ...contacts,
    edit,
  ];
}

/**
 * Attach and detach contacts: a multi-select holding the deal's contacts that finds others as the
 * person types; Save sends what is selected and what the card showed, so only the difference
 * changes (a contact someone else attached meanwhile, or one past the first few, stays).
 */
function contactsForm(deal: Pick<DealDetailView, 'id' | 'contacts'>): CardAction {
  const shown = deal.contacts.slice(0, TEAMS_CARD_LIMITS.pickerContacts);
  return showCard(
    'Contacts',
    [contactPicker(shown)],
    [execute('Save', VERBS.dealContacts, { dealId: deal.id, shown: shown.map((c) => c.id) }, { style: 'positive' })],
  );
}

/** The assistant's buttons (Draft follow-up, Summarise, Regenerate, …), in the overflow menu on deal cards. */
export function assistantActions(list: AssistantButton[], opts: { secondary?: boolean } = { secondary: true }): CardAction[] {
  return list.map((b) =>
    execute(b.label, ASSISTANT_VERBS[b.action.type], { action: b.action }, { ...(opts.secondary && { mode: 'secondary' as const }) }),
  );
}

function fallbackOf(deal: DealView, headline?: string): string {
  const line = `${deal.ref} ${deal.title}${deal.amountText ? ` · ${deal.amountText}` : ''} · ${deal.stage.name}`;
  return truncate(headline ? `${headline} ${line}` : line, 500);
}

/** `• Fri, Nov 27 · Alice Adams · call: Talked pricing (source)`, as the console's timeline says. */
function timelineLine(e: TimelineEntry, clock: Clock, date: (d: string) => string): string {
  const when = date(todayIn(clock.timeZone, e.at));
  const what =
    e.kind === 'activity'
      ? `${escapeMarkdown(e.type)}: ${escapeMarkdown(truncate(oneLine(e.body ?? ''), 150))}${e.sourceUrl && e.sourceUrl.length <= TEAMS_CARD_LIMITS.linkUrl ? ` ${link(e.sourceUrl, 'source')}` : ''}`
      : e.type === 'created'
        ? `created in ${escapeMarkdown(e.to ?? '—')}`
        : e.field
          ? `${humanise(e.field)}: ${escapeMarkdown(truncate(e.from ?? '—', 80))} → ${escapeMarkdown(truncate(e.to ?? '—', 80))}`
          : escapeMarkdown(e.type);
  return `• ${[when, e.actor ? escapeMarkdown(e.actor) : undefined, what].filter(Boolean).join(' · ')}`;
}

/** `nextAction` → `next action`, `expectedCloseDate` → `close date` (the domain's labels). */
const humanise = (field: string) => escapeMarkdown(fieldLabel(field) ?? field);
